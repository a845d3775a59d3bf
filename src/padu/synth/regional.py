"""What the generator draws differently outside Kota Padang: where people were born and first
registered, and who the families are, read off the national region list (`regions.national`).

Kota Padang keeps its hand-made tables (`places`). Another kab/kota or a province: people born in
the region are born in its own kab/kota towns; those who came from elsewhere were first registered
in a kecamatan of another kab/kota of the same province (and a few in another province), with that
kab/kota as birth place. Minangkabau names are for West Sumatra: elsewhere most families carry the
general Indonesian names of Faker's id_ID lists (Javanese, Sundanese, Batak, Bugis and others), a
few are Minang migrants, none Nias.
"""

import re
import zlib
from dataclasses import dataclass

from padu.regions.national import national_children

# Family origin shares: 0 Minangkabau, 1 from elsewhere in Indonesia (Faker names), 2 Nias.
WEST_SUMATRA_ORIGINS = (0.86, 0.12, 0.02)
ELSEWHERE_ORIGINS = (0.03, 0.97, 0.0)
# Other kab/kota of the province drawn as first registration places, and provinces beyond it.
OUTSIDE_KABKOTA = 8
OUTSIDE_PROVINCES = 3
TITLE = re.compile(r"^(Kabupaten|Kota)( Administrasi)? ")


@dataclass(frozen=True)
class Origins:
    local_birth: list[str]  # per local kecamatan: the town people born there name
    outside: list[tuple[int, str, float]]  # (NIK prefix, birth place, weight)
    other_birth_places: tuple[str, ...]
    family_origins: tuple[float, float, float]


def town(name: str) -> str:
    """The place a birth certificate names for a kab/kota: `Kabupaten Bandung` → `Bandung`."""
    return TITLE.sub("", name)


def _pick(items: list, count: int, salt: str) -> list:
    """`count` of `items`, the same ones on every run (a fixed hash, no random state)."""
    return sorted(items, key=lambda item: zlib.crc32(f"{salt}{item}".encode()))[:count]


def region_origins(kec_codes: list[str]) -> Origins:
    """Origins of the people of a region other than Kota Padang, from the national list."""
    kabkota = sorted({k.rsplit(".", 1)[0] for k in kec_codes})
    provinces = sorted({k.split(".")[0] for k in kabkota})
    names = {}
    for province in provinces:
        names.update(national_children(province))
    local_birth = [town(names.get(k.rsplit(".", 1)[0], "")) for k in kec_codes]
    # First registered elsewhere: other kab/kota of the province, then a few other provinces'
    # capitals (their first kab/kota that is a kota).
    others = [code for code in names if code not in kabkota]
    outside_kabkota = _pick(others, OUTSIDE_KABKOTA, "kab")
    weights = dict.fromkeys(outside_kabkota, 1.0)
    far = [code for code, _name in national_children() if code not in provinces]
    for province in _pick(far, OUTSIDE_PROVINCES, "prov"):
        cities = [(c, n) for c, n in national_children(province) if int(c.split(".")[1]) >= 71]
        if cities:
            names[cities[0][0]] = cities[0][1]
            weights[cities[0][0]] = 0.5
    outside = []
    for code, weight in weights.items():
        kecamatan = [c for c, _n in national_children(code)]
        for kec in kecamatan:
            outside.append((int(kec.replace(".", "")), town(names[code]), weight / len(kecamatan)))
    return Origins(
        local_birth=local_birth,
        outside=outside,
        other_birth_places=tuple(sorted({town(names[c]) for c in weights})),
        family_origins=WEST_SUMATRA_ORIGINS if provinces == ["13"] else ELSEWHERE_ORIGINS,
    )
