"""The national disability codes and Padu's types (codes.DisabilityType), both ways.

A national file writes one code per person for a combination of impairments (`05`: tuna rungu &
wicara; `06`: tuna netra & cacat tubuh); Padu keeps one record per type (UU 8/2016: fisik,
intelektual, mental, sensorik with its sub-types netra, rungu, wicara, rungu-wicara). An import
reads either Padu's codes (`fisik;rungu_wicara`) or a national code in the `disabilitas` column;
an export writes Padu's codes there (so that it imports back unchanged) and the national code of
the same combination in `kode_disabilitas_nasional`.

The codes Padu ships (`data/disabilitas_nasional.csv`) are the PBDT 2015 "jenis cacat" list, which
DOMAIN.md §3.3 does not confirm: `settings.PADU_DISABILITY_NATIONAL_CODES` names an office's own
file of the same columns (`kode,disabilitas,keterangan`).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import codes

SHIPPED = Path(__file__).parent / "data" / "disabilitas_nasional.csv"


@dataclass(frozen=True)
class NationalCodes:
    """`to_padu`: national code → Padu's types (in codes.DisabilityType order); `names`: its
    description in the national list."""

    to_padu: dict[str, tuple[str, ...]]
    names: dict[str, str]

    def national(self, types) -> str:
        """The national code of exactly these types; "" when the list has none (or no types)."""
        wanted = ordered(types)
        if not wanted:
            return ""
        return next((code for code, padu in self.to_padu.items() if padu == wanted), "")

    def items(self) -> dict[str, tuple[str, ...]]:
        """What a file may write for a person's disability, item by item (lower case): Padu's
        codes, their hyphenated spelling (`rungu-wicara`), and the national codes with and
        without their leading zero (a spreadsheet drops it)."""
        out: dict[str, tuple[str, ...]] = {}
        for code, padu in self.to_padu.items():
            out[code] = padu
            out[code.lstrip("0") or "0"] = padu
        for t in codes.DisabilityType.values:
            out[t] = (t,)
            out[t.replace("_", "-")] = (t,)
        return out


def ordered(types) -> tuple[str, ...]:
    given = {str(t) for t in types}
    return tuple(t for t in codes.DisabilityType.values if t in given)


def _read(path: Path) -> NationalCodes:
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise ImproperlyConfigured(f"PADU_DISABILITY_NATIONAL_CODES: cannot read {path}") from exc
    to_padu, names = {}, {}
    for row in rows:
        code = (row.get("kode") or "").strip()
        types = [t.strip() for t in (row.get("disabilitas") or "").split(";") if t.strip()]
        unknown = [t for t in types if t not in codes.DisabilityType.values]
        if not code.isdigit() or unknown or code in to_padu:
            raise ImproperlyConfigured(
                f"PADU_DISABILITY_NATIONAL_CODES: {path}: bad row {row!r} (a code of digits, "
                f"given once, and Padu's types {codes.DisabilityType.values} separated by ';')"
            )
        to_padu[code] = ordered(types)
        names[code] = (row.get("keterangan") or "").strip()
    return NationalCodes(to_padu=to_padu, names=names)


@functools.cache
def _load(path: str) -> NationalCodes:
    return _read(Path(path))


def national_codes() -> NationalCodes:
    return _load(settings.PADU_DISABILITY_NATIONAL_CODES or str(SHIPPED))
