"""The column contract of a registry import file (docs/import-layout.md), derived from the
declarations: one row per person (`PERSON`), with the family's columns (`FAMILY`) and its
dwelling's (`DWELLING`: the dwelling ID and the housing columns) repeated on each member's row and
taken from the family's row. Header matching for uploaded files.
"""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from padu.core.records.layout import Layout, Part

from ..declarations import DWELLING, FAMILY, PERSON
from .errors import ImportFileError

ROW = Layout(
    parts=(
        Part(PERSON),
        Part(FAMILY, family=True, key="kk_number"),
        # The family's dwelling: its ID and housing columns, taken from the family's row too.
        Part(DWELLING, family=True),
    )
)

COLUMNS = ROW.columns
NAMES: tuple[str, ...] = ROW.names
REQUIRED: tuple[str, ...] = ROW.required
FAMILY_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.family)
# The names of the region codes a file holds, which an export adds for the reader.
REGION_NAMES = ("nama_kecamatan", "nama_kelurahan")
# Read-only columns of an export (a status, a score, region names): an import ignores them.
EXPORT_ONLY: tuple[str, ...] = (*ROW.export_only, *REGION_NAMES)
# Identifiers that a spreadsheet must hold as text: 16 digits do not survive as a number.
IDENTIFIER_COLUMNS = tuple(c.name for c in COLUMNS if c.field.name in ("nik", "kk_number"))

# Above the header of an export with masked numbers (registry.exports): such a file is refused.
MASKED_NOTICE = gettext_lazy(
    "NIK and KK numbers are masked in this file: it cannot be imported back into Padu."
)

_SPACES = re.compile(r"\s+")


def normalise_header(text) -> str:
    """`" No KK "` → `no_kk`: case and spaces in a heading do not matter (a BOM neither)."""
    text = "" if text is None else str(text)
    return _SPACES.sub("_", text.replace("\ufeff", "").strip()).lower()


def _masked_notices() -> set[str]:
    """The notice as an export writes it, in every language of the interface."""
    from django.conf import settings

    out = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out.add(normalise_header(str(MASKED_NOTICE)))
    return out


def refuse_masked(names: list[str]) -> None:
    """A file whose first heading is the masked-numbers notice of an export is refused."""
    if names and normalise_header(names[0]) in _masked_notices():
        raise ImportFileError(
            _(
                "This file is an export with masked NIK and KK numbers, which cannot be imported. "
                "Export the list again as a user who may see whole numbers (a Dinsos operator)."
            ),
            code="masked_export",
        )


def match_header(cells: list) -> list[str]:
    """The layout names of the header cells, in file order (an export's read-only columns kept,
    to be ignored); `ImportFileError` when a required column is missing, a heading is unknown or
    given twice, or the header is empty."""
    names = [normalise_header(cell) for cell in cells]
    refuse_masked(names)
    while names and not names[-1]:  # trailing empty cells of a spreadsheet row
        names.pop()
    if not any(names):
        raise ImportFileError(
            _("The file is empty: the first row must hold the column headings."), code="empty"
        )
    problems = []
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        problems.append(_("missing required columns: %(names)s") % {"names": ", ".join(missing)})
    unknown = [name or _("(empty heading)") for name in names if name not in NAMES + EXPORT_ONLY]
    if unknown:
        problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown)})
    twice = sorted({name for name in names if name and names.count(name) > 1})
    if twice:
        problems.append(_("columns given twice: %(names)s") % {"names": ", ".join(twice)})
    if problems:
        raise ImportFileError(
            _(
                "The columns do not match the registry import layout (%(problems)s). Download "
                "the template from the import page and keep its column headings."
            )
            % {"problems": "; ".join(problems)},
            code="columns",
        )
    return names
