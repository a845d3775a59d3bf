"""File safety and streaming readers. Everything here runs before a single row is written.

A file is refused (`ImportFileError`, nothing recorded) when it is over the size limit, is not a
spreadsheet (NUL bytes, PDF, images, a ZIP that is not an XLSX, an old .xls), is a CSV not in
UTF-8, is an XLSX whose ZIP directory promises too much data (a zip bomb), or has wrong columns.
Readers yield the rows in chunks of strings, never the whole file.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.conf import settings
from django.utils.translation import gettext as _

from padu.core.records.problems import WHITESPACE

from .errors import ImportFileError
from .layout import IDENTIFIER_COLUMNS, NAMES, match_header

READ_BLOCK = 1 << 20
CSV = "csv"
XLSX = "xlsx"
# Zip-bomb limits, read from the ZIP directory before anything is extracted. A real XLSX packs
# its XML about 5–20 times; the ratio limit leaves room for very repetitive sheets.
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_RATIO = 200
MAX_UNPACKED_BYTES = getattr(settings, "PADU_IMPORT_MAX_UNPACKED_BYTES", 4 * 1024**3)


@dataclass(frozen=True)
class StoredFile:
    path: Path
    sha256: str
    size: int


def _limit_error(limit: int) -> ImportFileError:
    return ImportFileError(
        _("The file is larger than the limit of %(size)s MB. Split it into smaller files.")
        % {"size": f"{limit / 1024 / 1024:.0f}"},
        code="too_large",
    )


def store(upload, dest: Path, *, max_bytes: int | None = None) -> StoredFile:
    """Copy `upload` (an UploadedFile or a binary file) to `dest` block by block, hashing it and
    stopping as soon as it passes the size limit (the partial copy is removed)."""
    limit = settings.PADU_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise _limit_error(limit)
    digest, size = hashlib.sha256(), 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    blocks = (
        upload.chunks(READ_BLOCK)
        if hasattr(upload, "chunks")
        else iter(lambda: upload.read(READ_BLOCK), b"")
    )
    try:
        with dest.open("wb") as out:
            for block in blocks:
                size += len(block)
                if size > limit:
                    raise _limit_error(limit)
                digest.update(block)
                out.write(block)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return StoredFile(path=dest, sha256=digest.hexdigest(), size=size)


def detect_kind(path: Path) -> str:
    """CSV or XLSX from the content (never from the file name)."""
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise ImportFileError(
            _("The file is empty: the first row must hold the column headings."), code="empty"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "This is an old Excel workbook (.xls). Open it in Excel or LibreOffice and save it "
                "as .xlsx or as CSV UTF-8, then upload it again."
            ),
            code="xls",
        )
    if head.startswith(b"PK\x03\x04"):
        check_xlsx(path)
        return XLSX
    if head.startswith(b"%PDF"):
        raise ImportFileError(
            _("This is a PDF document, not a spreadsheet. Upload the data as CSV or XLSX."),
            code="not_spreadsheet",
        )
    if b"\x00" in head or head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK")):
        raise ImportFileError(
            _("This is not a spreadsheet (it contains binary data). Upload a CSV or XLSX file."),
            code="not_spreadsheet",
        )
    return CSV


def check_xlsx(path: Path) -> None:
    """An XLSX (a ZIP with a workbook) whose declared sizes are sane, from the ZIP directory."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {info.filename for info in entries}
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(
            _("The XLSX file is damaged and cannot be opened. Save it again and retry."),
            code="damaged",
        ) from exc
    if "xl/workbook.xml" not in names:
        raise ImportFileError(
            _("This is a ZIP archive, not an XLSX workbook. Upload a CSV or XLSX file."),
            code="not_spreadsheet",
        )
    unpacked = sum(info.file_size for info in entries)
    too_packed = any(
        info.file_size > 1024 * 1024 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)
        for info in entries
    )
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNPACKED_BYTES or too_packed:
        raise ImportFileError(
            _(
                "The XLSX file would unpack to far more data than a registry file holds (a "
                "possible zip bomb); it was not opened. Save the data again as CSV UTF-8."
            ),
            code="zip_bomb",
        )


def check_utf8(path: Path) -> None:
    """The whole CSV decodes as UTF-8; otherwise say where the first bad byte is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line = 0, 1
    with path.open("rb") as fh:
        while True:
            block = fh.read(READ_BLOCK)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                # exc.object starts with the bytes the decoder held back from the previous block
                # (an unfinished character), so positions are relative to that, not to `block`.
                held = len(exc.object) - len(block)
                bad = offset - held + exc.start
                line += exc.object[held : max(held, exc.start)].count(b"\n")
                raise ImportFileError(
                    _(
                        "The file is not in UTF-8: byte %(offset)d (line %(line)d) is %(byte)s. "
                        "In Excel or LibreOffice choose “Save as… CSV UTF-8” and upload it again."
                    )
                    % {"offset": bad + 1, "line": line, "byte": f"0x{exc.object[exc.start]:02X}"},
                    code="encoding",
                ) from exc
            if not block:
                return
            offset += len(block)
            line += block.count(b"\n")


@dataclass(frozen=True)
class FileLayout:
    kind: str
    columns: list[str]  # layout names in file order
    separator: str = ","


def read_layout(path: Path) -> FileLayout:
    """The quick checks: file type, zip bomb, encoding, header columns."""
    kind = detect_kind(path)
    if kind == XLSX:
        header, has_data = _xlsx_header(path)
        layout = FileLayout(kind=XLSX, columns=match_header(header))
    else:
        check_utf8(path)
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
            has_data = any(line.strip(" \t\r\n,;") for line in (fh.readline(), fh.readline()))
        separator = ";" if first.count(";") > first.count(",") else ","
        cells = next(csv.reader(io.StringIO(first), delimiter=separator), [])
        layout = FileLayout(kind=CSV, columns=match_header(cells), separator=separator)
    if not has_data:
        raise ImportFileError(_("The file has column headings but no data rows."), code="empty")
    return layout


def _open_sheet(path: Path):
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken package
        raise ImportFileError(
            _("The XLSX file is damaged and cannot be opened. Save it again and retry."),
            code="damaged",
        ) from exc
    return book, book.worksheets[0]


def _xlsx_header(path: Path) -> tuple[list, bool]:
    """The first row, and whether a second one exists."""
    book, sheet = _open_sheet(path)
    try:
        rows = sheet.iter_rows(max_row=2, values_only=True)
        header = list(next(rows, ()))
        return header, any(v is not None for v in next(rows, ()))
    finally:
        book.close()


def count_rows(path: Path, layout: FileLayout) -> int:
    """Data rows, for the progress bar (a CSV's line count; an XLSX's declared dimension)."""
    if layout.kind == XLSX:
        book, sheet = _open_sheet(path)
        try:
            return max((sheet.max_row or 1) - 1, 0)
        finally:
            book.close()
    lines, last = 0, b"\n"
    with path.open("rb") as fh:
        while block := fh.read(READ_BLOCK):
            lines += block.count(b"\n")
            last = block[-1:]
    return max(lines + (last != b"\n") - 1, 0)


def iter_chunks(path: Path, layout: FileLayout, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Frames of at most `chunk_rows` rows: every layout column as text (null when empty or
    absent), plus `_row`, the spreadsheet row number (the header is row 1)."""
    if layout.kind == XLSX:
        yield from _xlsx_chunks(path, layout, chunk_rows)
        return
    lazy = pl.scan_csv(
        path,
        separator=layout.separator,
        has_header=True,
        new_columns=layout.columns,
        infer_schema=False,
        encoding="utf8",
        truncate_ragged_lines=True,
        row_index_name="_row",
        row_index_offset=2,
    )
    for frame in lazy.collect_batches(chunk_size=chunk_rows):
        yield _complete(frame.with_columns(pl.col("_row").cast(pl.Int64)), layout)


def _complete(frame: pl.DataFrame, layout: FileLayout) -> pl.DataFrame:
    missing = [pl.lit(None, pl.String).alias(n) for n in NAMES if n not in layout.columns]
    frame = frame.with_columns(missing) if missing else frame
    text = [pl.col(n).cast(pl.String) for n in NAMES]
    return frame.select(pl.col("_row"), *text).with_columns(
        pl.when(pl.col(n).str.strip_chars(WHITESPACE) == "")
        .then(None)
        .otherwise(pl.col(n))
        .alias(n)
        for n in NAMES
    )


def _cell_text(value, identifier: bool) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        if identifier:
            # A NIK typed as a number has lost its last digits: show it as Excel does, so that
            # the digits rule rejects it instead of importing a wrong number.
            return f"{float(value):E}"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def _xlsx_chunks(path: Path, layout: FileLayout, chunk_rows: int) -> Iterator[pl.DataFrame]:
    book, sheet = _open_sheet(path)
    width = len(layout.columns)
    ident = [name in IDENTIFIER_COLUMNS for name in layout.columns]
    schema = {"_row": pl.Int64, **dict.fromkeys(layout.columns, pl.String)}
    try:
        rows: list[list] = []
        for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            cells = list(values[:width]) + [None] * (width - len(values))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                continue  # blank rows at the end of a sheet
            rows.append([number, *(_cell_text(v, i) for v, i in zip(cells, ident, strict=True))])
            if len(rows) >= chunk_rows:
                yield _complete(pl.DataFrame(rows, schema=schema, orient="row"), layout)
                rows = []
        if rows:
            yield _complete(pl.DataFrame(rows, schema=schema, orient="row"), layout)
    finally:
        book.close()
