"""Reading the first sheet of an XLSX with calamine, in a child process whose memory is capped.

calamine reads a sheet about ten times faster than openpyxl (bench/xlsx_read.py), but whole: every
cell of the sheet's bounding box is held at once, 32 bytes each whether empty or not, and a shared
string is copied into every cell that uses it. A 1.5 KB file with one cell in A1 and one in
XFD1048576 asks for 512 GB, and Rust aborts the process when an allocation fails. So the sheet is
read in a child process (`python -m padu.registry.importer.xlsx`) under an address-space limit: a
sheet that needs more dies there, and `files` (the parent) reports it as too large.

This module imports no Django (the child starts in a fraction of a second). The child answers
with one JSON line on stdout:
- mode `header`: `{"header": [...], "rows": n}` (the first row's cells as text, the data rows);
- mode `rows`: writes the data rows to a UTF-8 CSV (`_row`, the spreadsheet row number, then one
  text column per layout column);
both after checking the sheet's rows and columns, each cell's length and the text's total size
(mode `header` also that every formula has a value), so that a file is refused when it is
submitted;
- or `{"error": code, ...}` with what the parent's message needs.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
import sys
import zipfile
from pathlib import PurePosixPath
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
BLOCK = 4 << 20


class Refused(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.answer = {"error": code, **params}


def cell_text(value, identifier: bool) -> str:
    """A cell as the import reads it: dates ISO, whole numbers without `.0`, and a number in an
    identifier column as Excel shows it (`1.37102E+15`): 16 digits do not survive as a number,
    and the identifier's own rule names the mistake."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        if identifier:
            return f"{float(value):.5E}"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value)
    return str(value)


def column_letters(index: int) -> str:
    """0 → A, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _column_index(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number - 1


# --------------------------------------------------------------------- formulas without values

# Tags with or without a namespace prefix (`<f>`, `<x:f>`); a formula's cell is the last `<c` before
# it, and has a cached value when a `<v>` in it holds something.
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>]")
_CELL_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c>")
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>\s*[^<\s]")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Z]{1,3})([0-9]{1,7})["']""")
_TEXT_TYPE = re.compile(rb"""\bt\s*=\s*["']str["']""")
_EMPTY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>\s*</")


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    """The path of the workbook's first sheet (as calamine's `get_sheet_by_index(0)`)."""
    # Untrusted XML, but safe here: expat (>= 2.4) caps entity expansion, ElementTree fetches no
    # external entities, and the process's memory is capped.
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
    sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    wanted = sheet.get(f"{DOC_RELS}id") if sheet is not None else None
    for rel in rels.iter(f"{RELS}Relationship"):
        if rel.get("Id") == wanted:
            target = rel.get("Target", "")
            path = target[1:] if target.startswith("/") else str(PurePosixPath("xl") / target)
            return str(PurePosixPath(path))
    raise KeyError("first sheet")


def formula_without_value(path: str) -> tuple[int, str] | None:
    """(row, column letters) of the first formula cell that has no cached value (the workbook
    was written by a program and never calculated), read from the sheet's XML in blocks; None
    when every formula has its value, as in any file Excel or LibreOffice saved."""
    with zipfile.ZipFile(path) as archive, archive.open(_first_sheet_part(archive)) as sheet:
        tail = b""
        while True:
            block = sheet.read(BLOCK)
            data = tail + block
            # Whole rows only: what follows the last `</row>` (or `<row>`) waits for the next block.
            end = data.rfind(b"row>")
            cut = (end + 4 if end >= 0 else 0) if block else len(data)
            found = _check_formulas(data[:cut])
            if found is not None:
                return found
            if not block:
                return None
            tail = data[cut:]


def _check_formulas(data: bytes) -> tuple[int, str] | None:
    if b"<f" not in data and b":f" not in data:
        return None  # most sheets: a plain search is far quicker than the pattern
    for formula in _FORMULA.finditer(data):
        # The cell's start tag is just before its formula: look back a little, not to the start.
        window = max(formula.start() - 1024, 0)
        starts = list(_CELL_START.finditer(data, window, formula.start()))
        if not starts:
            continue
        end = _CELL_END.search(data, formula.end())
        cell = data[starts[-1].start() : end.start() if end else len(data)]
        tag = cell[: cell.find(b">") + 1]
        # A text formula whose result is "" keeps an empty `<v></v>`: that is a value.
        if _VALUE.search(cell) is None and not (_TEXT_TYPE.search(tag) and _EMPTY.search(cell)):
            ref = _REF.search(tag)
            return (int(ref.group(2)), ref.group(1).decode()) if ref else (0, "?")
    return None


# ------------------------------------------------------------------------------- the child


def _sheet(path: str, limits: dict):
    """The first sheet, within the limits of rows and columns; with the row number (1-based) and
    the column index of its top left cell (calamine leaves out empty rows and columns there)."""
    try:
        book = CalamineWorkbook.from_path(path)
        sheet = book.get_sheet_by_index(0)
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        raise Refused("damaged") from exc
    top, left = sheet.start or (0, 0)
    rows, columns = max(sheet.height - 1, 0), sheet.width
    if rows > limits["max_rows"]:
        raise Refused("rows", rows=rows)
    if columns > limits["max_columns"]:
        raise Refused("columns", columns=columns, last=column_letters(left + columns - 1))
    return sheet, top + 1, left


def header(path: str, limits: dict) -> dict:
    """The header's cells and the number of data rows, once every row passed the checks."""
    sheet, first, left = _sheet(path, limits)
    cells = [cell_text(v, False) for v in next(iter(sheet.iter_rows()), [])]
    found = formula_without_value(path)
    if found is not None:
        row, letters = found
        index = _column_index(letters) - left if letters != "?" else -1
        heading = cells[index] if 0 <= index < len(cells) else ""
        raise Refused("formula", row=row, heading=heading, letters=letters)
    count = sum(1 for _row in _texts(sheet, first, left, cells, [False] * len(cells), limits))
    return {"header": cells, "rows": count}


def write_rows(path: str, out: str, limits: dict) -> dict:
    """The data rows as CSV: `_row`, then the text of each of `limits["columns"]`."""
    sheet, first, left = _sheet(path, limits)
    names = limits["columns"]
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["_row", *names])
        for number, texts in _texts(sheet, first, left, names, limits["identifiers"], limits):
            writer.writerow([number, *texts])
    return {"ok": True}


def _texts(sheet, first: int, left: int, names: list[str], identifiers: list[bool], limits: dict):
    """(row number, texts of the first `len(names)` cells) of each row after the header that
    holds anything, checking each cell's length and the text's total size."""
    width, longest, budget, size = len(names), limits["max_cell"], limits["max_bytes"], 0
    rows = iter(sheet.iter_rows())
    next(rows, None)
    for number, values in enumerate(rows, start=first + 1):
        texts = [cell_text(v, i) for v, i in zip(values[:width], identifiers, strict=False)]
        texts += [""] * (width - len(texts))
        if not any(t.strip() for t in texts):
            continue  # blank rows (at the end of a sheet, or between blocks of data)
        for index, (name, text) in enumerate(zip(names, texts, strict=True)):
            if len(text) > longest:
                letters = column_letters(left + index)
                raise Refused("cell", row=number, heading=name, letters=letters, length=len(text))
        size += sum(map(len, texts)) + width
        if size > budget:
            raise Refused("unpacked", row=number)
        yield number, texts


def main(argv: list[str]) -> int:
    import resource

    mode, path, options = argv[0], argv[1], json.loads(argv[2])
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    memory = options["memory"] if hard == resource.RLIM_INFINITY else min(options["memory"], hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    try:
        answer = header(path, options) if mode == "header" else write_rows(path, argv[3], options)
    except Refused as exc:
        answer = exc.answer
    except MemoryError:
        answer = {"error": "memory"}
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        answer = {"error": "damaged"}
    sys.stdout.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
