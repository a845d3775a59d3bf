"""The per-row report of an import: a CSV (UTF-8 with BOM, so that Excel shows it right) with the
row number, the column, the level (`kesalahan` = not imported, `peringatan` = imported, check it),
the problem's code (the same as a form or the API gives, `Record.clean`) and the message."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .checks import ERROR, REPORT_SCHEMA


class ReportWriter:
    def __init__(self, path: Path):
        self.path = path
        self.lines = 0
        self.errored: set[int] = set()
        self.warned_rows: set[int] = set()
        self._fh = None
        self._sorted = True

    def add(self, lines: pl.DataFrame, *, in_order: bool = True) -> None:
        if lines.is_empty():
            return
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("wb")
            self._fh.write(b"\xef\xbb\xbf")
            lines.head(0).write_csv(self._fh)
        lines.select(list(REPORT_SCHEMA)).write_csv(self._fh, include_header=False)
        self.lines += lines.height
        self.errored.update(lines.filter(pl.col("tingkat") == ERROR)["baris"].to_list())
        self.warned_rows.update(lines.filter(pl.col("tingkat") != ERROR)["baris"].to_list())
        self._sorted = self._sorted and in_order

    def add_rows(self, rows: list[tuple[int, str, str, str, str]]) -> None:
        """Lines found after pass 1 (they break the row order, so the file is sorted at the end)."""
        if rows:
            self.add(pl.DataFrame(rows, schema=REPORT_SCHEMA, orient="row"), in_order=False)

    @property
    def error_rows(self) -> int:
        return len(self.errored)

    def close(self) -> Path | None:
        """Finish the file: in row order, and without the warnings of rows that were not
        imported after all (a warning says "imported, check it")."""
        if self._fh is None:
            return None
        self._fh.close()
        rejected_warned = self.warned_rows & self.errored
        if not self._sorted or rejected_warned:
            frame = pl.read_csv(self.path, schema=REPORT_SCHEMA, encoding="utf8")
            if rejected_warned:
                frame = frame.filter(
                    (pl.col("tingkat") == ERROR)
                    | ~pl.col("baris").is_in(pl.Series(list(rejected_warned)).implode())
                )
                self.warned_rows -= rejected_warned
            with self.path.open("wb") as fh:
                fh.write(b"\xef\xbb\xbf")
                frame.sort("baris", maintain_order=True).write_csv(fh)
        return self.path
