"""Tabular downloads (CSV streamed row by row; XLSX written with openpyxl's write-only mode).

In CSV, text that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
leading apostrophe, so a name typed as `=HYPERLINK(...)` cannot run when the file is opened.
In XLSX every text is a string cell; only a leading `=` (openpyxl would write a formula) is guarded.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

FORMATS = ("csv", "xlsx")
# Excel holds 1,048,576 rows; a larger audit slice should be narrowed or taken as CSV.
XLSX_MAX_ROWS = 200_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value):
        return value


def cell(value, *, guard=_FORMULA_START):
    """A value as it should appear in a downloaded file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, int | float | datetime.date):
        return value
    text = str(value)
    if text.startswith(guard):
        return "'" + text
    return text


def _csv_cell(value):
    value = cell(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        # A byte-order mark so that Excel opens the file as UTF-8 (names with diacritics).
        yield "\ufeff" + writer.writerow([str(h) for h in header])
        for row in rows:
            yield writer.writerow([_csv_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence], *, title: str = ""
) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(str(title) or "Padu")[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([cell(v, guard=("=",)) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(file_format: str, filename: str, header, rows, *, title: str = ""):
    if file_format == "xlsx":
        return xlsx_response(filename, header, rows, title=title)
    return csv_response(filename, header, rows)


def dated_filename(stem: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}"
