"""Files as offices have them: which column of a file holds which of Padu's fields.

A file in Padu's own layout (docs/import-layout.md) needs no mapping: its headings are the
layout's columns (`layout.match_header`), and it is read as it is. Any other file (a kelurahan's
by-name-by-address list: `NO. KK`, `NAMA KEPALA KELUARGA`, `TGL LAHIR`, ...) is read through a
`Mapping`: its headings matched to the layout's columns, first by a mapping remembered for the
file's source (`ImportMapping`), else by the names the declarations give each field
(`Field.column`, `Field.name`, `Field.synonyms`), case, spaces and punctuation aside; the user
corrects the match. A column a file lacks may hold one value for every row (`fixed`: the
kelurahan of a kelurahan's list), and a list of heads of family only is read with every row the
head of his family (`HEAD_FIELD`). Values are read by the fields' kinds, as any import's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .. import codes
from .errors import ImportFileError
from .layout import COLUMNS, ROW

# A heads-only file: this field is the head's code on every row.
HEAD_FIELD = "relationship"
# The field a file without it may give one value for (the kelurahan of its list).
REGION_FIELD = "region"
SKIPPED = ""  # a heading matched to no field


def heading_key(text) -> str:
    """`"No. KK "` → `nokk`: what a heading is matched by (letters and digits, lower case)."""
    text = unicodedata.normalize("NFKC", "" if text is None else str(text)).lower()
    return re.sub(r"[^0-9a-z]", "", text)


def column_of(field_name: str) -> str:
    """The layout column of a declared field."""
    for column in COLUMNS:
        if column.field.name == field_name:
            return column.name
    raise KeyError(field_name)


def _by_key() -> dict[str, str]:
    """Each heading key the declarations know → its layout column (the column's own name first,
    then the field's name, then its synonyms)."""
    out: dict[str, str] = {}
    for column in COLUMNS:
        f = column.field
        for text in (column.name, f.name, *f.synonyms):
            out.setdefault(heading_key(text), column.name)
    return out


@dataclass(frozen=True)
class Mapping:
    """`columns`: heading key → layout column (`SKIPPED`: the column is not read); `fixed`:
    layout column → the value of every row, for columns the file lacks."""

    columns: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict | None) -> Mapping | None:
        if not data:
            return None
        return cls(columns=dict(data.get("columns", {})), fixed=dict(data.get("fixed", {})))

    def as_json(self) -> dict:
        return {"columns": dict(self.columns), "fixed": dict(self.fixed)}

    @property
    def heads_only(self) -> bool:
        return self.fixed.get(column_of(HEAD_FIELD)) == str(codes.Relationship.HEAD)

    def names(self, cells: list) -> list[str]:
        """The layout name of each header cell in file order; a cell not read gets a name of
        its own (`_skip_3`) that no layout column has, so the reader drops it."""
        out = []
        for index, cell in enumerate(cells):
            name = self.columns.get(heading_key(cell), SKIPPED)
            out.append(name or f"_skip_{index}")
        return out


def suggest(cells: list, saved: Mapping | None = None) -> list[str]:
    """The layout column for each header cell (`SKIPPED` for none): as `saved` (the source's
    remembered mapping) matched the same heading, else by the declarations; each column once,
    to its first heading."""
    known = _by_key()
    out, taken = [], set()
    for cell in cells:
        key = heading_key(cell)
        if saved is not None and key in saved.columns:
            column = saved.columns[key]
        else:
            column = known.get(key, SKIPPED)
        if column and column in taken:
            column = SKIPPED
        taken.add(column)
        out.append(column)
    return out


def build(cells: list, chosen: list[str], *, fixed: dict[str, str], heads_only: bool) -> Mapping:
    """The mapping of a file whose header is `cells`, from the column chosen for each cell
    (`SKIPPED` for none), the values given for every row, and whether each row is a head of
    family. `ImportFileError` (nothing read or written) names every problem: a required field
    that no column holds, a field given two columns, a heading given twice, a value for every
    row of a field that a column already holds."""
    problems = []
    keys = [heading_key(cell) for cell in cells]
    read = {k: c for k, c in zip(keys, chosen, strict=True) if c}
    fixed = {c: v.strip() for c, v in fixed.items() if v and v.strip()}
    if heads_only:
        fixed[column_of(HEAD_FIELD)] = str(codes.Relationship.HEAD)
    for column in sorted(set(read.values()), key=ROW.names.index):
        headings = [str(cell) for cell, c in zip(cells, chosen, strict=True) if c == column]
        if len(headings) > 1:
            problems.append(
                _("the columns %(headings)s are all matched to %(field)s; match one of them")
                % {"headings": ", ".join(f"“{h}”" for h in headings), "field": _title(column)}
            )
    twice = sorted({cells[i] for i, k in enumerate(keys) if keys.count(k) > 1 and read.get(k)})
    if twice:
        problems.append(
            _("the heading %(heading)s appears twice in the file; rename one of them")
            % {"heading": ", ".join(f"“{h}”" for h in twice)}
        )
    for column, _value in fixed.items():
        if column in read.values():
            problems.append(
                _("%(field)s is both read from a column and given for every row; choose one")
                % {"field": _title(column)}
            )
    for column in ROW.required:
        if column not in read.values() and column not in fixed:
            problems.append(
                _("the required field %(field)s is matched to no column of the file")
                % {"field": _title(column)}
            )
    if problems:
        raise ImportFileError(
            _("The columns cannot be read this way: %(problems)s.")
            % {"problems": "; ".join(problems)},
            code="mapping",
        )
    return Mapping(columns=dict(zip(keys, chosen, strict=True)), fixed=fixed)


def _title(column: str) -> str:
    return f"“{ROW.column(column).field.title()}”"
