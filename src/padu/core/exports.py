"""Tabular downloads (CSV streamed row by row; XLSX written with openpyxl's write-only mode, the
only XLSX writer of Padu: `XlsxWriter`).

In CSV, text that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR; a signed
number is none) gets a leading apostrophe, so a name typed as `=HYPERLINK(...)` cannot run when
the file is opened.
In XLSX every text is a string cell; only a leading `=` (openpyxl would write a formula) is guarded.
"""

from __future__ import annotations

import csv
import datetime
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

FORMATS = ("csv", "xlsx")


def requested_format(request) -> str:
    """The download format a request asks for (`?format=`): one of FORMATS, CSV otherwise."""
    file_format = request.GET.get("format", "csv")
    return file_format if file_format in FORMATS else "csv"


# Excel holds 1,048,576 rows; a larger audit slice should be narrowed or taken as CSV.
XLSX_MAX_ROWS = 200_000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A signed number ("-0.9471") is no formula and is left as it is: an exported list imports back.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?", re.ASCII)


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
    if text.startswith(guard) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv_cell(value):
    value = cell(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


def csv_response(filename: str, table: Table) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        # A byte-order mark so that Excel opens the file as UTF-8 (names with diacritics).
        notice = writer.writerow([str(table.notice)]) if table.notice else ""
        yield "\ufeff" + notice + writer.writerow([str(h) for h in table.header])
        for row in table.rows:
            yield writer.writerow([_csv_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


@dataclass
class Table:
    """What a download holds: a header and rows, and around them a `notice` line above the header
    (e.g. that masked numbers make the file unfit for import) and, in XLSX, more `sheets` (a
    legend of codes). `text`: every XLSX cell is formatted as text, so that a number typed in
    later keeps its digits (a template's NIK column)."""

    header: Sequence[str]
    rows: Iterable[Sequence]
    title: str = ""
    notice: str = ""
    text: bool = False
    sheets: Sequence[Table] = ()


class XlsxWriter:
    """The one XLSX writer: openpyxl's write-only mode, which writes each row to a temporary file
    as it comes (strings inline, no shared-string table growing in memory)."""

    def __init__(self):
        from openpyxl import Workbook

        self.book = Workbook(write_only=True)

    def sheet(self, table: Table):
        """A new sheet with the table's notice and header; returns a function that appends a
        row (values through `cell`)."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(title=(str(table.title) or "Padu")[:31])
        if table.text:
            for index, name in enumerate(table.header, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = len(str(name)) + 4

        def convert(value):
            value = cell(value, guard=("=",))
            if not table.text:
                return value
            text = WriteOnlyCell(sheet, value="" if value is None else str(value))
            text.number_format = "@"
            return text

        if table.notice:
            sheet.append([str(table.notice)])
        sheet.append([convert(str(h)) for h in table.header])
        return lambda row: sheet.append([convert(v) for v in row])

    def save(self, target) -> None:
        self.book.save(target)


def write_xlsx(target, table: Table) -> None:
    """`table` (and its extra sheets) as an XLSX workbook into `target` (a path or a file)."""
    writer = XlsxWriter()
    for each in (table, *table.sheets):
        append = writer.sheet(each)
        for row in each.rows:
            append(row)
    writer.save(target)


def xlsx_response(filename: str, table: Table) -> FileResponse:
    # Spooled to disk past 16 MB; the response closes (and so deletes) it when it is sent.
    target = tempfile.SpooledTemporaryFile(max_size=16 << 20, suffix=".xlsx")  # noqa: SIM115
    write_xlsx(target, table)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_response(file_format: str, filename: str, table: Table):
    if file_format == "xlsx":
        return xlsx_response(filename, table)
    return csv_response(filename, table)


def dated_filename(stem: str) -> str:
    return f"{stem}-{timezone.localtime():%Y%m%d-%H%M}"
