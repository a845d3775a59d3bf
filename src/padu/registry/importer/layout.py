"""The column contract of a registry import file (docs/import-layout.md), and header matching.

`COLUMNS` is ordered as in the documentation; the upload page builds its CSV/XLSX template from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .errors import ImportFileError


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    example: str
    family: bool = False  # taken from the head's row (or the KK's first row)


COLUMNS: tuple[Column, ...] = (
    Column("no_kk", True, "1371011501200001"),
    Column("nik", True, "1371015705800001"),
    Column("nama", True, "Siti Rahmah"),
    Column("jenis_kelamin", True, "P"),
    Column("tempat_lahir", False, "Padang"),
    Column("tanggal_lahir", True, "1980-05-17"),
    Column("hubungan_keluarga", True, "1"),
    Column("status_kawin", False, "2"),
    Column("nama_ibu_kandung", False, "Nurhayati"),
    Column("pendidikan", False, "3"),
    Column("status_pekerjaan", False, "7"),
    Column("pekerjaan", False, "Buruh harian"),
    Column("penghasilan", False, "1500000"),
    Column("disabilitas", False, "fisik;sensorik"),
    Column("tingkat_disabilitas", False, "sedang"),
    Column("penyakit_kronis", False, "Diabetes"),
    Column("ppks", False, "9;24"),
    Column("status_padan", False, "padan"),
    # The family's kelurahan is required, but only on the row the family is taken from.
    Column("kode_wilayah", True, "13.71.01.1001", family=True),
    Column("rw", False, "001", family=True),
    Column("rt", False, "002", family=True),
    Column("alamat", False, "Jl. Sawahan No. 5", family=True),
    Column("lintang", False, "-0.9471", family=True),
    Column("bujur", False, "100.4172", family=True),
    Column("desil", False, "2", family=True),
    Column("periode_desil", False, "2025-07-20", family=True),
    Column("status_kepemilikan_rumah", False, "1", family=True),
    Column("luas_lantai", False, "36", family=True),
    Column("jenis_lantai", False, "6", family=True),
    Column("jenis_dinding", False, "1", family=True),
    Column("jenis_atap", False, "6", family=True),
    Column("sumber_air_minum", False, "3", family=True),
    Column("sumber_penerangan", False, "1", family=True),
    Column("bahan_bakar_memasak", False, "3", family=True),
    Column("fasilitas_bab", False, "1", family=True),
    Column("aset", False, "televisi;sepeda_motor", family=True),
    Column("ternak", False, "kambing:3", family=True),
)
NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
FAMILY_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.family)
# Identifiers that a spreadsheet must hold as text: 16 digits do not survive as a number.
IDENTIFIER_COLUMNS = ("no_kk", "nik")

_SPACES = re.compile(r"\s+")


def normalise_header(text) -> str:
    """`" No KK "` → `no_kk`: case and spaces in a heading do not matter (a BOM neither)."""
    text = "" if text is None else str(text)
    return _SPACES.sub("_", text.replace("\ufeff", "").strip()).lower()


def match_header(cells: list) -> list[str]:
    """The layout names of the header cells, in file order; `ImportFileError` when a required
    column is missing, a heading is unknown or given twice, or the header is empty."""
    names = [normalise_header(cell) for cell in cells]
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
    unknown = [name or _("(empty heading)") for name in names if name not in NAMES]
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
