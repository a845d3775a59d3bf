"""Where the synthetic people live and where their NIK was first registered.

Kelurahan come from the Region table when it is loaded, else from the national list
(`regions.national`), else from the region CSVs under ``settings.DATA_DIR / "wilayah"`` (so
generation works before ``migrate``).
"""

import csv
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from .regional import WEST_SUMATRA_ORIGINS, Origins, region_origins

# Kota Padang per kecamatan: rough population (thousands), a welfare shift (in standard deviations
# of the latent welfare score: negative = poorer) and an approximate centre and radius (degrees).
# Population figures are rounded from memory of BPS "Kota Padang Dalam Angka" (early 2020s) — only
# the proportions matter (Koto Tangah, Kuranji, Lubuk Begalung large; Bungus Teluk Kabung small).
# Welfare shifts are plausible guesses (the old centre and the north richer, the fishing and
# quarrying outskirts poorer); coordinates are eyeballed from a map. None of this is official data.
PADANG_KECAMATAN = {
    # code: (population k, welfare shift, lat, lon, radius)
    "13.71.01": (62, -0.05, -0.975, 100.372, 0.012),  # Padang Selatan
    "13.71.02": (79, 0.20, -0.945, 100.378, 0.010),  # Padang Timur
    "13.71.03": (46, 0.25, -0.950, 100.356, 0.008),  # Padang Barat
    "13.71.04": (70, 0.30, -0.912, 100.353, 0.010),  # Padang Utara
    "13.71.05": (26, -0.45, -1.030, 100.405, 0.015),  # Bungus Teluk Kabung
    "13.71.06": (124, -0.05, -0.970, 100.405, 0.014),  # Lubuk Begalung
    "13.71.07": (57, -0.15, -0.955, 100.455, 0.015),  # Lubuk Kilangan
    "13.71.08": (75, -0.10, -0.925, 100.445, 0.015),  # Pauh
    "13.71.09": (146, 0.0, -0.892, 100.410, 0.014),  # Kuranji
    "13.71.10": (62, 0.20, -0.898, 100.369, 0.008),  # Nanggalo
    "13.71.11": (193, -0.15, -0.830, 100.350, 0.028),  # Koto Tangah
}
COASTAL = {"13.71.01", "13.71.03", "13.71.04", "13.71.05", "13.71.11"}
PERI_URBAN = {"13.71.05", "13.71.06", "13.71.07", "13.71.08", "13.71.09", "13.71.11"}
LAT_RANGE = (-1.05, -0.75)
LON_RANGE = (100.33, 100.50)

# NIK prefixes of people first registered outside the city: only kecamatan codes checked against
# the Kepmendagri 300.2.2-2138/2025 list (cahyadsn/wilayah db/wilayah.sql, MIT), with the place
# name written as birth place. Many Padang residents come from Pesisir Selatan, Padang Pariaman,
# Agam or Tanah Datar too; their kecamatan codes were not checked, so they are left out.
# (kab/kota code, kecamatan numbers, birth place, weight)
OUTSIDE_PREFIXES = (
    ("13.72", range(1, 3), "Solok", 6),
    ("13.73", range(1, 5), "Sawahlunto", 4),
    ("13.74", range(1, 3), "Padang Panjang", 4),
    ("13.75", range(1, 4), "Bukittinggi", 8),
    ("13.76", range(1, 6), "Payakumbuh", 6),
    ("13.77", range(1, 5), "Pariaman", 8),
    ("13.08", (5, 7, 8, 12, 13, 14, 15, 16, 17, 18, 19), "Lubuk Sikaping", 4),
    ("13.09", range(1, 11), "Tuapejat", 2),
    ("13.10", range(1, 12), "Pulau Punjung", 3),
    ("13.11", range(1, 8), "Muara Labuh", 3),
    ("13.12", range(1, 12), "Simpang Ampek", 4),
    ("12.71", range(1, 22), "Medan", 6),
    ("14.01", range(1, 19), "Bangkinang", 3),
)
OTHER_BIRTH_PLACES = (
    "Bukittinggi",
    "Pariaman",
    "Solok",
    "Painan",
    "Payakumbuh",
    "Padang Panjang",
    "Batusangkar",
    "Lubuk Basung",
    "Sawahlunto",
    "Maninjau",
    "Sijunjung",
    "Pekanbaru",
    "Jakarta",
    "Jambi",
    "Medan",
)

# Streets: real Padang street names per kecamatan (as commonly written; good enough for addresses
# that look right), plus generic names found in every Indonesian town.
STREETS = {
    "13.71.01": (
        "Jl. Batang Arau",
        "Jl. Nipah",
        "Jl. Teluk Bayur",
        "Jl. Mata Air",
        "Jl. Sutan Syahrir",
        "Jl. Koto Marapak",
        "Jl. Seberang Padang",
        "Jl. Kampung Sebelah",
        "Jl. Gunung Padang",
    ),
    "13.71.02": (
        "Jl. Sawahan",
        "Jl. Jati",
        "Jl. Andalas",
        "Jl. Dr. Sutomo",
        "Jl. Parak Gadang",
        "Jl. Ganting",
        "Jl. Simpang Haru",
        "Jl. Kubu Dalam",
        "Jl. Jati Adabiah",
        "Jl. Perintis Kemerdekaan",
    ),
    "13.71.03": (
        "Jl. Sudirman",
        "Jl. Pemuda",
        "Jl. Hayam Wuruk",
        "Jl. Purus",
        "Jl. Veteran",
        "Jl. Bagindo Aziz Chan",
        "Jl. Pondok",
        "Jl. Olo Ladang",
        "Jl. Samudera",
        "Jl. Diponegoro",
    ),
    "13.71.04": (
        "Jl. Khatib Sulaiman",
        "Jl. Hamka",
        "Jl. Air Tawar",
        "Jl. Ulak Karang",
        "Jl. Gunung Pangilun",
        "Jl. Belanti Raya",
        "Jl. Alai",
        "Jl. S. Parman",
        "Jl. Lolong Belanti",
    ),
    "13.71.05": ("Jl. Raya Padang–Painan", "Jl. Bungus", "Jl. Teluk Kabung", "Jl. Pasar Bungus"),
    "13.71.06": (
        "Jl. By Pass",
        "Jl. Lubuk Begalung",
        "Jl. Gates",
        "Jl. Banuaran",
        "Jl. Pampangan",
        "Jl. Koto Baru",
        "Jl. Kampung Jua",
        "Jl. Pegambiran",
        "Jl. Batung Taba",
    ),
    "13.71.07": (
        "Jl. Raya Indarung",
        "Jl. Padang Besi",
        "Jl. Batu Gadang",
        "Jl. Bandar Buat",
        "Jl. Koto Lalang",
        "Jl. Tarantang",
    ),
    "13.71.08": (
        "Jl. Raya Limau Manis",
        "Jl. Dr. Moh. Hatta",
        "Jl. Kapalo Koto",
        "Jl. Cupak Tangah",
        "Jl. Piai Tangah",
        "Jl. Binuang",
    ),
    "13.71.09": (
        "Jl. Kuranji",
        "Jl. Ampang",
        "Jl. Kalumbuk",
        "Jl. Anduring",
        "Jl. Lubuk Lintah",
        "Jl. Pasar Ambacang",
        "Jl. Gunung Sarik",
        "Jl. Korong Gadang",
        "Jl. Sungai Sapih",
    ),
    "13.71.10": (
        "Jl. Siteba",
        "Jl. Kurao Pagang",
        "Jl. Surau Gadang",
        "Jl. Kampung Lapai",
        "Jl. Tabing Banda Gadang",
        "Jl. Padang Pasir Nanggalo",
    ),
    "13.71.11": (
        "Jl. Adinegoro",
        "Jl. Lubuk Buaya",
        "Jl. Pasir Jambak",
        "Jl. Parupuk Tabing",
        "Jl. Dadok Tunggul Hitam",
        "Jl. Koto Panjang",
        "Jl. Balai Gadang",
        "Jl. Bungo Pasang",
        "Jl. Batipuh Panjang",
        "Jl. Padang Sarai",
        "Jl. Aie Pacah",
    ),
}
GENERIC_STREETS = (
    "Jl. Kenanga",
    "Jl. Melati",
    "Jl. Mawar",
    "Jl. Anggrek",
    "Jl. Cempaka",
    "Jl. Flamboyan",
    "Jl. Merpati",
    "Jl. Cendrawasih",
    "Jl. Rajawali",
    "Jl. Belibis",
    "Jl. Pinang",
    "Jl. Kelapa",
    "Jl. Durian",
    "Jl. Manggis",
    "Jl. Pisang",
    "Jl. Masjid",
    "Jl. Surau",
    "Jl. Pasar",
    "Jl. Sekolah",
    "Jl. Pemuda",
    "Gg. Damai",
    "Gg. Saiyo",
    "Gg. Sepakat",
    "Gg. Mesjid",
    "Jl. Bakti",
    "Jl. Merdeka",
    "Jl. Mandiri",
)
KOMPLEKS = (
    "Perumnas",
    "Komp. Griya",
    "Komp. Filano",
    "Perumahan Bumi",
    "Komp. Asratek",
    "Komp. Jondul",
)


@dataclass
class Places:
    kel_codes: np.ndarray  # dotted kelurahan codes
    kel_names: np.ndarray
    kel_kec: np.ndarray  # index into kec_codes
    kel_weight: np.ndarray  # probabilities
    kel_lat: np.ndarray  # NaN when unknown
    kel_lon: np.ndarray
    kel_radius: np.ndarray
    kel_n_rw: np.ndarray
    kec_codes: list[str]
    kec_mu: np.ndarray  # welfare shift, weighted mean 0
    kec_coastal: np.ndarray
    kec_peri_urban: np.ndarray
    kec_streets: list[np.ndarray]
    prefixes: np.ndarray  # int NIK prefixes: first the region's kecamatan, then outside ones
    prefix_birth_place: np.ndarray
    n_local_prefixes: int
    outside_weight: np.ndarray  # probabilities over the outside prefixes
    has_coordinates: bool
    other_birth_places: tuple[str, ...]  # born in the region's kab/kota, or near it
    family_origins: tuple[float, float, float]  # Minang, elsewhere, Nias (households.py)


def _hash01(text: str, salt: str = "") -> float:
    return (zlib.crc32(f"{salt}{text}".encode()) % 100_000) / 100_000


def _villages_from_table(region: str):
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError, transaction

    from padu.regions.models import VILLAGE_LEVELS, Region

    try:
        # A savepoint: a missing table (before migrate) must not break a surrounding transaction.
        with transaction.atomic():
            rows = list(
                Region.objects.filter(
                    level__in=VILLAGE_LEVELS, code__startswith=region, ended_by=None
                )
                .order_by("code")
                .values_list("code", "name")
            )
    except (DatabaseError, ImproperlyConfigured):
        return []
    return [(c, n) for c, n in rows if c == region or c.startswith(region + ".")]


def _villages_from_csv(region: str):
    rows = []
    for path in sorted(Path(settings.DATA_DIR, "wilayah").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                code = (row.get("kode") or "").strip()
                if row.get("level") in ("kelurahan", "desa") and (
                    code == region or code.startswith(region + ".")
                ):
                    rows.append((code, (row.get("nama") or "").strip()))
    return sorted(set(rows))


def _villages_from_national(region: str):
    from padu.regions.models import LEVEL_DEPTH, Level
    from padu.regions.national import national_rows

    depth = LEVEL_DEPTH[Level.DESA]
    return [
        (row["kode"], row["nama"])
        for row in national_rows(region)
        if row["kode"].count(".") + 1 == depth
    ]


def load_villages(region: str = "13.71"):
    """[(kode, nama)] of the kelurahan/desa under ``region``: Region table first, else the
    national list, else the CSVs."""
    rows = _villages_from_table(region)
    source = "table"
    if not rows:
        rows = sorted(_villages_from_national(region))
        source = "national"
    if not rows:
        rows = _villages_from_csv(region)
        source = "csv"
    if not rows:
        raise ValueError(f"no kelurahan/desa found under region {region!r}")
    return rows, source


def build_places(villages) -> Places:
    codes = [c for c, _ in villages]
    kec_codes = sorted({c.rsplit(".", 1)[0] for c in codes})
    kec_index = {k: i for i, k in enumerate(kec_codes)}
    kel_kec = np.array([kec_index[c.rsplit(".", 1)[0]] for c in codes])
    known = all(k in PADANG_KECAMATAN for k in kec_codes)

    kec_pop = np.array(
        [PADANG_KECAMATAN[k][0] if k in PADANG_KECAMATAN else 50 for k in kec_codes], float
    )
    kec_mu = np.array([PADANG_KECAMATAN[k][1] if k in PADANG_KECAMATAN else 0.0 for k in kec_codes])
    # Kelurahan share their kecamatan's population unevenly (a fixed pseudo-random factor per code).
    kel_factor = np.array([0.5 + _hash01(c, "pop") for c in codes])
    kec_factor_sum = np.bincount(kel_kec, weights=kel_factor, minlength=len(kec_codes))
    kel_weight = kec_pop[kel_kec] * kel_factor / kec_factor_sum[kel_kec]
    kel_weight = kel_weight / kel_weight.sum()
    kec_share = np.bincount(kel_kec, weights=kel_weight, minlength=len(kec_codes))
    kec_mu = kec_mu - float((kec_mu * kec_share).sum())

    lat = np.full(len(codes), np.nan)
    lon = np.full(len(codes), np.nan)
    radius = np.zeros(len(codes))
    if known:
        for i, c in enumerate(codes):
            _, _, klat, klon, r = PADANG_KECAMATAN[c.rsplit(".", 1)[0]]
            angle = 2 * np.pi * _hash01(c, "angle")
            dist = r * np.sqrt(_hash01(c, "dist"))
            lat[i] = klat + dist * np.sin(angle)
            lon[i] = klon + dist * np.cos(angle)
            radius[i] = r / 2.5
    n_rw = np.clip(np.round(4 + 11 * (kel_weight / kel_weight.max())), 4, 15).astype(np.int64)

    kec_streets = []
    for k in kec_codes:
        kel_streets = tuple(f"Jl. {n}" for c, n in villages if c.startswith(k + "."))
        kec_streets.append(np.array(STREETS.get(k, ()) + kel_streets, dtype=object))

    local = [int(k.replace(".", "")) for k in kec_codes]
    origins = _padang_origins(kec_codes) if known else region_origins(kec_codes)
    outside, birth, weight = [], [], []
    for code, place, w in origins.outside:
        if code in local:
            continue
        outside.append(code)
        birth.append(place)
        weight.append(w)
    local_birth = origins.local_birth
    weight_arr = np.array(weight)
    return Places(
        kel_codes=np.array(codes, dtype=object),
        kel_names=np.array([n for _, n in villages], dtype=object),
        kel_kec=kel_kec,
        kel_weight=kel_weight,
        kel_lat=lat,
        kel_lon=lon,
        kel_radius=radius,
        kel_n_rw=n_rw,
        kec_codes=kec_codes,
        kec_mu=kec_mu,
        kec_coastal=np.array([k in COASTAL for k in kec_codes]),
        kec_peri_urban=np.array([k in PERI_URBAN or k not in PADANG_KECAMATAN for k in kec_codes]),
        kec_streets=kec_streets,
        prefixes=np.array(local + outside, dtype=np.int64),
        prefix_birth_place=np.array(local_birth + birth, dtype=object),
        n_local_prefixes=len(local),
        outside_weight=weight_arr / weight_arr.sum(),
        has_coordinates=known,
        other_birth_places=origins.other_birth_places,
        family_origins=origins.family_origins,
    )


def _padang_origins(kec_codes: list[str]) -> Origins:
    outside = []
    for kab, numbers, place, weight in OUTSIDE_PREFIXES:
        for num in numbers:
            outside.append((int(kab.replace(".", "") + f"{num:02d}"), place, weight / len(numbers)))
    return Origins(
        local_birth=["Padang" if k.startswith("13.71") else "" for k in kec_codes],
        outside=outside,
        other_birth_places=OTHER_BIRTH_PLACES,
        family_origins=WEST_SUMATRA_ORIGINS,
    )
