"""File safety and streaming readers. Everything here runs before a single row is written.

A file is refused (`ImportFileError`, nothing recorded) when it is over the size limit, is not a
spreadsheet (NUL bytes, PDF, images, a ZIP that is not an XLSX, an old .xls), is a CSV neither in
UTF-8 nor in UTF-16 with its byte-order mark, is an XLSX over the limits of its unpacked size, rows,
columns or cell length, holds formulas without values, or has wrong columns. Each message names
the row, the column and what to do. Readers yield the rows in chunks of strings, never the whole
file. An XLSX is read with calamine in a child process whose memory is capped (`xlsx`); its rows
come back as a UTF-8 CSV, read like any other.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
import io
import json
import logging
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from padu.core.formats import megabytes
from padu.core.records.problems import WHITESPACE

from .errors import ImportFileError
from .layout import IDENTIFIER_COLUMNS, NAMES, match_header, normalise_header, refuse_masked
from .mapping import Mapping

log = logging.getLogger(__name__)

READ_BLOCK = 1 << 20
CSV = "csv"
XLSX = "xlsx"
# Zip-bomb limits, read from the ZIP directory before anything is extracted. A real XLSX packs
# its XML about 5–20 times; the ratio limit leaves room for very repetitive sheets.
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_RATIO = 200
# The address space of the child that reads an XLSX (xlsx.py). A sheet at the limits of rows and
# columns (250,000 rows over 64 columns) needs about 0.85 GB of it; what needs more dies there
# and is refused, while the import's own process waits, small: together under 1.5 GB.
XLSX_MEMORY = 1024 * 1024 * 1024
SEPARATORS = (",", ";", "\t")


@dataclass(frozen=True)
class StoredFile:
    path: Path
    sha256: str
    size: int


def _limit_error(limit: int) -> ImportFileError:
    return ImportFileError(
        _("The file is larger than the limit of %(size)s MB. Split it into smaller files.")
        % {"size": megabytes(limit)},
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
    if text_encoding(head) != "utf-8":
        return CSV
    if b"\x00" in head or head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK")):
        raise ImportFileError(
            _("This is not a spreadsheet (it contains binary data). Upload a CSV or XLSX file."),
            code="not_spreadsheet",
        )
    return CSV


def text_encoding(head: bytes) -> str:
    """The encoding of a CSV from its first bytes: UTF-16 (Excel's “Unicode Text”, Notepad's
    “Unicode”) by its byte-order mark, or without one by the zero byte beside each character of
    the ASCII column headings; else UTF-8 (checked by `check_utf8`)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[: min(len(head), 256) // 2 * 2]
    if len(sample) >= 8:
        if not sample[1::2].strip(b"\x00") and sample[0::2].strip(b"\x00"):
            return "utf-16-le"
        if not sample[0::2].strip(b"\x00") and sample[1::2].strip(b"\x00"):
            return "utf-16-be"
    return "utf-8"


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
    limit = settings.PADU_IMPORT_XLSX_MAX_UNPACKED_BYTES
    too_packed = any(
        info.file_size > 1024 * 1024 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)
        for info in entries
    )
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > limit or too_packed:
        raise ImportFileError(
            _(
                "The XLSX file would unpack to %(size)s MB, more than the %(limit)s MB an import "
                "may open (or it is packed far more tightly than a spreadsheet: a possible zip "
                "bomb); it was not opened. Save the data as CSV UTF-8, or split it into smaller "
                "files, and upload them again."
            )
            % {"size": megabytes(unpacked), "limit": megabytes(limit)},
            code="zip_bomb",
        )


def _count(number: int) -> str:
    return number_format(number, force_grouping=True)


# ------------------------------------------------------------------------------------- CSV


def check_utf8(path: Path) -> None:
    """The whole CSV decodes as UTF-8; otherwise say where the first bad byte is (row and
    column), which encoding the file seems to be in, and how to save it as UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line, line_start = 0, 1, 0
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
                before = exc.object[held : max(held, exc.start)]
                line += before.count(b"\n")
                if b"\n" in before:
                    line_start = offset + before.rindex(b"\n") + 1
                raise _encoding_error(path, bad, line, line_start, exc.object[exc.start]) from exc
            if not block:
                return
            if b"\n" in block:
                line_start = offset + block.rindex(b"\n") + 1
            offset += len(block)
            line += block.count(b"\n")


def _encoding_error(path: Path, bad: int, line: int, line_start: int, byte: int):
    with path.open("rb") as fh:
        first = fh.readline(READ_BLOCK).decode("utf-8", "replace")
        fh.seek(line_start)
        prefix = fh.read(min(bad - line_start, READ_BLOCK)).decode("utf-8", "replace")
        sample = fh.read(64 * 1024)
    separator = _separator(first)
    headings = next(csv.reader([first], delimiter=separator), [])
    if line == 1:
        column = _("the column headings")
    else:
        index = len(next(csv.reader([prefix], delimiter=separator), [""])) - 1
        column = normalise_header(headings[index]) if index < len(headings) else str(index + 1)
    try:
        sample.decode("cp1252")
        encoding = _("Windows-1252 (ANSI), as Excel’s “CSV (Comma delimited)” saves it")
    except UnicodeDecodeError:
        encoding = _("an encoding other than UTF-8")
    return ImportFileError(
        _(
            "The file is not in UTF-8; it seems to be in %(encoding)s. Row %(row)d, column "
            "%(column)s holds the byte %(byte)s (byte %(offset)d of the file). In Excel choose "
            "“Save as” → “CSV UTF-8 (Comma delimited)”; in LibreOffice choose “Text CSV” with the "
            "character set “Unicode (UTF-8)”; then upload the file again."
        )
        % {
            "encoding": encoding,
            "row": line,
            "column": column,
            "byte": f"0x{byte:02X}",
            "offset": bad + 1,
        },
        code="encoding",
    )


def _separator(first_line: str) -> str:
    """Comma, semicolon (Excel in Indonesian saves with `;`) or tab (Unicode Text): the one the
    heading row uses most."""
    return max(SEPARATORS, key=first_line.count)


def _check_utf16(path: Path, encoding: str) -> int:
    """The lines of a UTF-16 CSV, reading it whole once: a file that does not decode (an odd
    number of bytes, a broken character) is refused."""
    lines, last = 0, "\n"
    try:
        with path.open(encoding=encoding, newline="") as fh:
            while block := fh.read(READ_BLOCK):
                lines += block.count("\n")
                last = block[-1]
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is in UTF-16 but damaged after line %(line)d. Save it again as CSV "
                "UTF-8 and upload it again."
            )
            % {"line": lines + 1},
            code="encoding",
        ) from exc
    return max(lines + (last != "\n") - 1, 0)


@dataclass(frozen=True)
class FileLayout:
    kind: str
    columns: list[str]  # layout names in file order
    separator: str = ","
    encoding: str = "utf-8"
    rows: int | None = None  # data rows, where reading the layout counted them
    # The value of every row of a layout column the file lacks (a mapping's `fixed`).
    fixed: dict = field(default_factory=dict)
    headings: tuple = ()  # the header's cells as the file writes them


def read_layout(path: Path, mapping: Mapping | None = None) -> FileLayout:
    """The quick checks: file type, zip bomb, encoding, size limits, header columns. Without a
    `mapping` the headings must be the import layout's; with one, they are read through it."""
    head = read_head(path)
    columns = match_header(head.headings) if mapping is None else mapping.names(list(head.headings))
    return dataclasses.replace(head, columns=columns, fixed=mapping.fixed if mapping else {})


def read_head(path: Path) -> FileLayout:
    """`read_layout`'s checks but the headings': the layout with `headings` and no columns."""
    kind = detect_kind(path)
    if kind == XLSX:
        sheet = _xlsx("header", path)
        if not any(str(c).strip() for c in sheet["header"]):
            match_header(sheet["header"])  # the message of an empty header
        refuse_masked([normalise_header(c) for c in sheet["header"][:1]])
        if not sheet["rows"]:
            raise _no_rows()
        headings = _trimmed(sheet["header"])
        return FileLayout(kind=XLSX, columns=[], rows=sheet["rows"], headings=headings)
    with path.open("rb") as fh:
        encoding = text_encoding(fh.read(256))
    rows = None
    if encoding == "utf-8":
        check_utf8(path)
        encoding = "utf-8-sig"
    else:
        rows = _check_utf16(path, encoding)
    with path.open(encoding=encoding, newline="") as fh:
        first = fh.readline()
        has_data = any(line.strip(" \t\r\n,;") for line in (fh.readline(), fh.readline()))
    if not has_data:
        raise _no_rows()
    separator = _separator(first)
    cells = next(csv.reader(io.StringIO(first), delimiter=separator), [])
    if not any(c.strip() for c in cells):
        match_header(cells)  # the message of an empty header
    refuse_masked([normalise_header(c) for c in cells[:1]])
    encoding = "utf-8" if rows is None else encoding
    return FileLayout(CSV, [], separator, encoding, rows, headings=_trimmed(cells))


def _trimmed(cells: list) -> tuple:
    """The header's cells without a spreadsheet's trailing empty ones."""
    cells = ["" if c is None else str(c) for c in cells]
    while cells and not cells[-1].strip():
        cells.pop()
    return tuple(cells)


def _no_rows() -> ImportFileError:
    return ImportFileError(_("The file has column headings but no data rows."), code="empty")


def count_rows(path: Path, layout: FileLayout) -> int:
    """Data rows, for the progress bar (an XLSX's or a UTF-16 file's as read with the layout; a
    CSV's line count)."""
    if layout.rows is not None:
        return layout.rows
    lines, last = 0, b"\n"
    with path.open("rb") as fh:
        while block := fh.read(READ_BLOCK):
            lines += block.count(b"\n")
            last = block[-1:]
    return max(lines + (last != b"\n") - 1, 0)


def iter_chunks(path: Path, layout: FileLayout, chunk_rows: int) -> Iterator[pl.DataFrame]:
    """Frames of at most `chunk_rows` rows: every layout column as text (null when empty or
    absent), plus `_row`, the spreadsheet row number (the header is row 1)."""
    if layout.kind == CSV and layout.encoding == "utf-8":
        yield from _csv_chunks(path, layout, chunk_rows)
        return
    with tempfile.TemporaryDirectory(prefix="padu-import-") as tmp:
        copy = Path(tmp) / "rows.csv"
        if layout.kind == XLSX:
            _xlsx("rows", path, out=copy, columns=layout.columns)
        else:
            with (
                path.open(encoding=layout.encoding, newline="") as src,
                copy.open("w", encoding="utf-8", newline="") as out,
            ):
                shutil.copyfileobj(src, out, READ_BLOCK)
        yield from _csv_chunks(copy, layout, chunk_rows)


def _csv_chunks(path: Path, layout: FileLayout, chunk_rows: int) -> Iterator[pl.DataFrame]:
    # An XLSX comes back with its row numbers as the first column (blank rows left out).
    numbered = layout.kind == XLSX
    lazy = pl.scan_csv(
        path,
        separator="," if numbered else layout.separator,
        has_header=True,
        new_columns=["_row", *layout.columns] if numbered else layout.columns,
        infer_schema=False,
        encoding="utf8",
        truncate_ragged_lines=True,
        **({} if numbered else {"row_index_name": "_row", "row_index_offset": 2}),
    )
    for frame in lazy.collect_batches(chunk_size=chunk_rows):
        yield _complete(frame.with_columns(pl.col("_row").cast(pl.Int64)), layout)


def _complete(frame: pl.DataFrame, layout: FileLayout) -> pl.DataFrame:
    missing = [
        pl.lit(layout.fixed.get(n), pl.String).alias(n) for n in NAMES if n not in layout.columns
    ]
    frame = frame.with_columns(missing) if missing else frame
    text = [pl.col(n).cast(pl.String) for n in NAMES]
    return frame.select(pl.col("_row"), *text).with_columns(
        pl.when(pl.col(n).str.strip_chars(WHITESPACE) == "")
        .then(None)
        .otherwise(pl.col(n))
        .alias(n)
        for n in NAMES
    )


# ------------------------------------------------------------------------------------ XLSX


def _xlsx(mode: str, path: Path, *, out: Path | None = None, columns=()) -> dict:
    """Run the XLSX child (xlsx.py) in `mode` and return its answer; its refusals become
    `ImportFileError`s that name the row, the column and the fix."""
    options = {
        "memory": XLSX_MEMORY,
        "max_rows": settings.PADU_IMPORT_XLSX_MAX_ROWS,
        "max_columns": settings.PADU_IMPORT_XLSX_MAX_COLUMNS,
        "max_cell": settings.PADU_IMPORT_XLSX_MAX_CELL_CHARS,
        "max_bytes": settings.PADU_IMPORT_MAX_BYTES,
        "columns": list(columns),
        "identifiers": [name in IDENTIFIER_COLUMNS for name in columns],
    }
    command = [sys.executable, "-m", "padu.registry.importer.xlsx", mode, str(path)]
    command += [json.dumps(options)] + ([str(out)] if out else [])
    done = subprocess.run(command, capture_output=True, check=False)  # noqa: S603
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    answer = json.loads(lines[-1]) if done.returncode == 0 and lines else None
    if answer is None and done.returncode in (-signal.SIGABRT, -signal.SIGKILL, 134):
        answer = {"error": "memory"}  # Rust aborts when an allocation fails
    if answer is None:
        log.error("reading %s failed: %s", path, done.stderr.decode("utf-8", "replace")[-2000:])
        raise RuntimeError(f"the XLSX reader stopped with exit code {done.returncode}")
    if "error" in answer:
        raise _xlsx_error(answer)
    return answer


def _column_name(answer: dict) -> str:
    """A column as the layout names it (its heading), else by its letters (`AB`)."""
    return normalise_header(answer["heading"]) or answer["letters"]


def _xlsx_error(answer: dict) -> ImportFileError:
    code = answer["error"]
    if code == "rows":
        message = _(
            "The sheet has %(rows)s data rows; an XLSX file may have at most %(limit)s. Save it "
            "as CSV UTF-8 (which may be larger), or split it into smaller files, and upload "
            "again."
        ) % {"rows": _count(answer["rows"]), "limit": _count(settings.PADU_IMPORT_XLSX_MAX_ROWS)}
    elif code == "columns":
        message = _(
            "The sheet uses %(columns)s columns (up to column %(last)s); an XLSX file may use "
            "at most %(limit)s. Delete the columns to the right of the data, or copy only the "
            "data into a new sheet, and upload again."
        ) % {
            "columns": _count(answer["columns"]),
            "last": answer["last"],
            "limit": _count(settings.PADU_IMPORT_XLSX_MAX_COLUMNS),
        }
    elif code == "cell":
        message = _(
            "Row %(row)s, column %(column)s holds %(length)s characters; a cell may hold at "
            "most %(limit)s. Check that the columns have not shifted, shorten the value, and "
            "upload again."
        ) % {
            "row": answer["row"],
            "column": _column_name(answer),
            "length": _count(answer["length"]),
            "limit": _count(settings.PADU_IMPORT_XLSX_MAX_CELL_CHARS),
        }
    elif code == "formula":
        message = _(
            "Row %(row)s, column %(column)s holds a formula without a calculated value (the file "
            "was made by a program and never calculated). Open it in Excel or LibreOffice, save "
            "it again so that the values are calculated, or replace the formulas by their "
            "values (Paste Special → Values), and upload again."
        ) % {"row": answer["row"], "column": _column_name(answer)}
    elif code == "unpacked":
        message = _(
            "The sheet holds more than %(limit)s MB of data (reached at row %(row)s), more than "
            "an import may hold. Split it into smaller files and upload them one by one."
        ) % {"limit": megabytes(settings.PADU_IMPORT_MAX_BYTES), "row": answer["row"]}
    elif code == "memory":
        message = _(
            "The XLSX file needs more memory to open than an import may use: its sheet is very "
            "large, or has cells far apart. Save the data as CSV UTF-8, or copy only the data "
            "into a new workbook, and upload again."
        )
    else:
        message = _("The XLSX file is damaged and cannot be opened. Save it again and retry.")
        code = "damaged"
    return ImportFileError(message, code=f"xlsx_{code}" if code != "damaged" else code)
