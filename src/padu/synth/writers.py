"""The file a population is written to, chunk by chunk: CSV (UTF-8, comma) or XLSX."""

import re
from pathlib import Path

import polars as pl

from padu.registry.importer.layout import NAMES


class CsvSink:
    def __init__(self, path: Path):
        self.fh = path.open("wb")
        self.first = True

    def write(self, frame: pl.DataFrame):
        frame.write_csv(self.fh, include_header=self.first, float_precision=6)
        self.first = False

    def close(self):
        if self.first:
            self.fh.write((",".join(NAMES) + "\n").encode())
        self.fh.close()


_INT_COLUMNS = {
    "hubungan_keluarga", "status_kawin", "pendidikan", "status_pekerjaan", "penghasilan", "desil",
    "status_kepemilikan_rumah", "luas_lantai", "jenis_lantai", "jenis_dinding", "jenis_atap",
    "sumber_air_minum", "sumber_penerangan", "bahan_bakar_memasak", "fasilitas_bab",
}  # fmt: skip
_FLOAT_COLUMNS = {"lintang", "bujur"}
_INT_RE = re.compile(r"-?\d+")
_FLOAT_RE = re.compile(r"-?\d+(\.\d+)?")


class XlsxSink:
    """openpyxl write-only: rows are streamed to a temporary file, not kept in memory.

    Identifiers, dates and lists are text cells (a 16-digit NIK would lose digits as a number);
    codes are numbers."""

    def __init__(self, path: Path):
        from openpyxl import Workbook

        self.path = path
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet("registri")
        self.ws.append(list(NAMES))
        self.kinds = [
            ("int" if c in _INT_COLUMNS else "float" if c in _FLOAT_COLUMNS else "text")
            for c in NAMES
        ]

    def _cell(self, kind, value):
        if value is None:
            return None
        if kind == "text":
            return str(value)
        if isinstance(value, str):
            if kind == "int" and _INT_RE.fullmatch(value):
                return int(value)
            if kind == "float" and _FLOAT_RE.fullmatch(value):
                return float(value)
        return value

    def write(self, frame: pl.DataFrame):
        for row in frame.iter_rows():
            self.ws.append([self._cell(k, v) for k, v in zip(self.kinds, row, strict=True)])

    def close(self):
        self.wb.save(self.path)
