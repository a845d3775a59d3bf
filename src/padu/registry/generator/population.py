"""Vectorised generation of families and their members, one chunk of families at a time.

Every family gets a latent welfare score ``z`` (kecamatan shift + family type + noise); the DTSEN
desil is cut from ``z`` so that the family shares match a city with about 4 % poverty in a national
ranking (§1.3 of DOMAIN.md: few families in desil 1–2, most in the middle and upper deciles), and
housing, assets, schooling, work and income are drawn from tables that move with the desil.
Nothing here loops over people in Python: each chunk is a handful of numpy arrays.

A family is laid out in fixed slots (head, spouse, married child, child-in-law, children,
grandchildren, a parent, another relative, a helper); absent slots are masked and the present ones
are flattened in slot order, so the head is always the family's first row.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from .allocator import EPOCH, SerialAllocator, compose_number, date_parts
from .names import NamePools, StringPool, make_names
from .places import GENERIC_STREETS, KOMPLEKS, LAT_RANGE, LON_RANGE, OTHER_BIRTH_PLACES, Places

# The day the synthetic population is "observed" (ages are computed against it); fixed so that a
# seed always gives the same file, whatever day it is run.
REFERENCE_DATE = np.datetime64("2025-10-01", "D")
REF = int((REFERENCE_DATE - EPOCH).astype(np.int64))
YEAR = 365.25
DESIL_PERIODS = ("2025-07-20", "2025-04-20")

# Import layout columns, in the order of docs/import-layout.md.
PERSON_COLUMNS = (
    "no_kk",
    "nik",
    "nama",
    "jenis_kelamin",
    "tempat_lahir",
    "tanggal_lahir",
    "hubungan_keluarga",
    "status_kawin",
    "nama_ibu_kandung",
    "pendidikan",
    "status_pekerjaan",
    "pekerjaan",
    "penghasilan",
    "disabilitas",
    "tingkat_disabilitas",
    "penyakit_kronis",
    "ppks",
    "status_padan",
)
FAMILY_COLUMNS = (
    "kode_wilayah",
    "rw",
    "rt",
    "alamat",
    "lintang",
    "bujur",
    "desil",
    "periode_desil",
    "status_kepemilikan_rumah",
    "luas_lantai",
    "jenis_lantai",
    "jenis_dinding",
    "jenis_atap",
    "sumber_air_minum",
    "sumber_penerangan",
    "bahan_bakar_memasak",
    "fasilitas_bab",
    "aset",
    "ternak",
)
COLUMNS = PERSON_COLUMNS + FAMILY_COLUMNS

# PPKS codes 1–26 of Permensos 08/2012 (DOMAIN.md §3.1), the list the registry's PPKS category
# table is seeded with; hard-coded here so that generation needs no database.
PPKS_CODES = tuple(range(1, 27))
FAKIR_MISKIN, LANSIA_TERLANTAR, DISABILITAS, ANAK_DISABILITAS = 24, 8, 9, 5

# Desil shares among families that have one (national deciles seen from a city with ~4 % poverty),
# and the share of families not ranked yet ("belum ada desil").
DESIL_SHARES = np.array([3.6, 5.2, 7.2, 9.3, 10.8, 12.4, 13.4, 13.9, 13.4, 10.8])
DESIL_SHARES = DESIL_SHARES / DESIL_SHARES.sum()
NO_DESIL_SHARE = 0.03

# Family types: single elderly, single young adult, couple, mother alone, father alone.
T_ELDER, T_YOUNG, T_COUPLE, T_MOTHER, T_FATHER = range(5)
TYPE_SHARES = np.array([0.05, 0.035, 0.77, 0.115, 0.03])
TYPE_WELFARE = np.array([-0.55, 0.10, 0.07, -0.50, -0.25])
# Age of a head of a couple or single-parent family: 5-year bands from 20.
HEAD_AGE_BANDS = np.array([3, 8, 12, 13, 13, 12, 11, 9, 7, 5, 3, 2, 1], float)
HEAD_AGE_BANDS /= HEAD_AGE_BANDS.sum()

# Slots
S_HEAD, S_SPOUSE, S_MCHILD, S_INLAW = 0, 1, 2, 3
S_CHILD = 4  # 8 slots: 4..11
N_CHILD = 8
S_GRAND = 12  # 4 slots: 12..15
N_GRAND = 4
S_XGRAND, S_PARENT, S_OTHER, S_HELPER = 16, 17, 18, 19
N_SLOTS = 20
ABSENT_MOTHER, RANDOM_MOTHER = -2, -1


def _table(d1, d5, d10):
    """Per-desil probability rows (index 0..9 = desil 1..10), interpolated between three anchors."""
    d1, d5, d10 = (np.asarray(a, float) / np.sum(a) for a in (d1, d5, d10))
    rows = []
    for d in range(1, 11):
        if d <= 5:
            w = (d - 1) / 4
            rows.append((1 - w) * d1 + w * d5)
        else:
            w = (d - 5) / 5
            rows.append((1 - w) * d5 + w * d10)
    t = np.array(rows)
    return t / t.sum(axis=1, keepdims=True)


def _lerp(d1, d5, d10):
    return _table([d1, 1 - d1], [d5, 1 - d5], [d10, 1 - d10])[:, 0]


OWNERSHIP = _table([55, 18, 22, 0, 5], [68, 20, 10, 1, 1], [80, 14, 2, 3, 1])
FLOOR = _table(
    [0, 20, 0, 5, 2, 45, 3, 15, 8, 2],
    [0, 62, 1, 8, 3, 23, 0, 2, 0.5, 0.5],
    [8, 80, 4, 4, 2, 2, 0, 0, 0, 0],
)
WALL = _table([55, 6, 25, 6, 2, 4, 2], [88, 2, 9, 0.5, 0, 0.5, 0], [98, 0, 2, 0, 0, 0, 0])
ROOF = _table(
    [0, 0, 2, 1, 5, 86, 0, 1, 4, 1],
    [1, 1, 8, 2, 6, 82, 0, 0, 0, 0],
    [8, 5, 30, 2, 3, 52, 0, 0, 0, 0],
)
WATER = _table(
    [0, 20, 12, 3, 15, 22, 16, 4, 4, 3, 1, 0],
    [1, 42, 20, 2, 18, 14, 2, 1, 0, 0, 0, 0],
    [12, 45, 25, 0, 15, 3, 0, 0, 0, 0, 0, 0],
)
LIGHTING = _table([96.5, 2, 1.5], [99.8, 0.2, 0], [100, 0, 0])
FUEL = _table(
    [0, 0, 78, 0, 2, 0, 1, 17, 2], [1, 4, 92, 0, 0.5, 0, 0, 1.5, 1], [10, 45, 40, 1, 0, 0, 0, 0, 4]
)
TOILET = _table([70, 17, 6, 7], [93, 5, 1, 1], [99.5, 0.5, 0, 0])
ASSETS = (  # code, P(desil 1), P(desil 5), P(desil 10), coastal multiplier
    ("tabung_gas", 0.02, 0.10, 0.45, 1),
    ("lemari_es", 0.30, 0.70, 0.97, 1),
    ("ac", 0.0, 0.04, 0.45, 1),
    ("pemanas_air", 0.0, 0.02, 0.30, 1),
    ("telepon_rumah", 0.0, 0.02, 0.12, 1),
    ("televisi", 0.70, 0.92, 0.98, 1),
    ("emas", 0.05, 0.25, 0.70, 1),
    ("komputer", 0.03, 0.20, 0.75, 1),
    ("sepeda", 0.10, 0.20, 0.35, 1),
    ("sepeda_motor", 0.55, 0.85, 0.92, 1),
    ("mobil", 0.01, 0.08, 0.75, 1),
    ("perahu", 0.03, 0.01, 0.01, 5),
    ("motor_tempel", 0.01, 0.005, 0.005, 5),
    ("perahu_motor", 0.01, 0.005, 0.006, 5),
    ("kapal", 0.0, 0.001, 0.004, 5),
    ("lahan", 0.10, 0.18, 0.40, 1),
    ("rumah_lain", 0.0, 0.03, 0.30, 1),
)
ASSET_P = np.array([_lerp(a[1], a[2], a[3]) for a in ASSETS]).T  # (10, n_assets)
ASSET_COASTAL = np.array([a[4] for a in ASSETS], float)
FLOOR_AREA_MEDIAN = np.exp(np.interp(np.arange(1, 11), [1, 5, 10], np.log([30, 45, 110])))

EDU_ADULT = _table(
    [5, 15, 35, 22, 20, 1, 2, 0], [1, 4, 15, 18, 45, 7, 10, 0], [0, 0, 2, 4, 30, 14, 42, 8]
)
# Kedudukan dalam pekerjaan 1..8 for working adults, men and women.
WORK_MEN = _table(
    [30, 3, 0, 14, 1, 7, 40, 5], [28, 5, 1, 38, 8, 2, 15, 3], [18, 8, 8, 40, 24, 0, 1, 1]
)
WORK_WOMEN = _table(
    [42, 2, 0, 12, 2, 5, 22, 15], [35, 4, 1, 33, 13, 1, 6, 7], [20, 6, 5, 38, 29, 0, 1, 1]
)
INCOME_MEDIAN = np.array([1.0, 1.4, 1.8, 2.2, 2.6, 3.1, 3.7, 4.6, 6.0, 9.0]) * 1_000_000
INCOME_FACTOR = np.array([0, 1.0, 1.6, 2.2, 1.0, 1.3, 0.75, 0.7, 0.3])  # by kedudukan 1..8

OCCUPATIONS = {
    1: (
        "Pedagang",
        "Wiraswasta",
        "Pedagang kaki lima",
        "Penjahit",
        "Tukang ojek",
        "Sopir angkot",
        "Petani",
    ),
    2: ("Pedagang", "Pemilik warung", "Pemilik bengkel", "Pengusaha"),
    3: ("Pengusaha", "Pemilik rumah makan", "Kontraktor", "Pedagang grosir"),
    4: (
        "Karyawan swasta",
        "Pegawai toko",
        "Sopir",
        "Satpam",
        "Guru honorer",
        "Karyawan BUMN",
        "Pramuniaga",
    ),
    5: ("PNS", "Guru", "TNI", "Polri", "Dosen", "Perawat", "Bidan", "Pegawai BUMN"),
    6: ("Buruh tani", "Buruh kebun"),
    7: ("Buruh harian lepas", "Buruh bangunan", "Tukang", "Kuli angkut", "Buruh cuci"),
    8: ("Membantu usaha keluarga",),
}
FISHER = ("Nelayan", "Nelayan", "Buruh nelayan")
CHRONIC = (
    ("Hipertensi", 30),
    ("Diabetes", 20),
    ("Penyakit jantung", 10),
    ("Stroke", 7),
    ("TBC", 5),
    ("Asma", 8),
    ("Gagal ginjal", 4),
    ("Kanker", 4),
    ("PPOK", 4),
    ("Asam urat", 5),
    ("Rematik", 3),
)
DISABILITY_TYPES = ("fisik", "intelektual", "mental", "sensorik")


def _cat(rng, table, row_idx):
    """One category (0-based) per row, row_idx selecting the probability row of ``table``."""
    cum = np.cumsum(table, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(row_idx))
    return (u[:, None] > cum[row_idx]).sum(axis=1)


def join_flags(flags: np.ndarray, labels) -> pl.Series:
    """``a;b`` strings (null when no flag) from an n×k boolean matrix; distinct rows joined once."""
    mask = flags.astype(np.int64) @ (1 << np.arange(flags.shape[1], dtype=np.int64))
    uniq, inverse = np.unique(mask, return_inverse=True)
    strings = [
        ";".join(lbl for j, lbl in enumerate(labels) if m >> j & 1) or None for m in uniq.tolist()
    ]
    return pl.Series(strings, dtype=pl.String).gather(pl.Series(inverse.ravel(), dtype=pl.Int64))


def join_counts(counts: np.ndarray, labels) -> pl.Series:
    """``kambing:3;sapi:1`` strings (null when all zero) from an n×k matrix of counts below 16."""
    key = np.minimum(counts, 15).astype(np.int64) @ (
        16 ** np.arange(counts.shape[1], dtype=np.int64)
    )
    uniq, inverse = np.unique(key, return_inverse=True)
    strings = []
    for k in uniq.tolist():
        parts = [f"{lbl}:{k // 16**j % 16}" for j, lbl in enumerate(labels) if k // 16**j % 16]
        strings.append(";".join(parts) or None)
    return pl.Series(strings, dtype=pl.String).gather(pl.Series(inverse.ravel(), dtype=pl.Int64))


_THRESHOLDS: dict[tuple, np.ndarray] = {}


def desil_thresholds(places: Places) -> np.ndarray:
    """Cut points on z giving DESIL_SHARES, from a fixed simulation (not the user's seed)."""
    key = tuple(places.kel_codes)
    if key not in _THRESHOLDS:
        _THRESHOLDS[key] = _simulate_thresholds(places)
    return _THRESHOLDS[key]


def _simulate_thresholds(places: Places) -> np.ndarray:
    rng = np.random.default_rng(20250720)
    n = 300_000
    kel = rng.choice(len(places.kel_weight), n, p=places.kel_weight)
    ftype = rng.choice(5, n, p=TYPE_SHARES)
    z = places.kec_mu[places.kel_kec[kel]] + TYPE_WELFARE[ftype] + rng.standard_normal(n)
    return np.quantile(z, np.cumsum(DESIL_SHARES)[:-1])


@dataclass
class Chunk:
    """One generated chunk: the rows as a typed DataFrame plus what injection needs."""

    frame: pl.DataFrame
    fam: np.ndarray  # family number within the chunk, per row
    families: int
    desil: np.ndarray  # per family, 0 = none


class PopulationGenerator:
    def __init__(self, places: Places, seed: int):
        self.places = places
        self.seed = seed
        self.pools = NamePools()
        self.thresholds = desil_thresholds(places)
        self.nik_alloc = SerialAllocator(len(places.prefixes))
        self.kk_alloc = SerialAllocator(places.n_local_prefixes)
        self.prefix_index = {int(p): i for i, p in enumerate(places.prefixes)}
        self.sex_pool = StringPool(sex=("L", "P"))
        self.place_pool = StringPool(
            none=("",),
            padang=("Padang",),
            other=OTHER_BIRTH_PLACES,
            prefix=tuple(places.prefix_birth_place),
        )
        jobs = {f"e{code}": names for code, names in OCCUPATIONS.items()}
        self.job_pool = StringPool(
            none=("",),
            fisher=FISHER,
            helper=("Pembantu rumah tangga",),
            student=("Pelajar/Mahasiswa",),
            housework=("Mengurus rumah tangga",),
            idle=("Tidak bekerja",),
            pupil=("Pelajar",),
            pension=("Pensiunan",),
            **jobs,
        )
        self.severity_pool = StringPool(
            none=("",), mild=("ringan",), moderate=("sedang",), severe=("berat",)
        )
        self.chronic_pool = StringPool(none=("",), any=tuple(c for c, _ in CHRONIC))
        self.padan_pool = StringPool(padan=("padan",), belum=("belum",), tidak=("tidak_padan",))
        streets = [tuple(s) for s in places.kec_streets]
        self.street_pool = StringPool(
            generic=GENERIC_STREETS,
            kompleks=KOMPLEKS,
            **{f"k{i}": s or ("Jl. Raya",) for i, s in enumerate(streets)},
        )
        self.letter_pool = StringPool(none=("",), letters=("A", "B", "C", "D", "E", "F"))
        self.kel_pool = StringPool(kel=tuple(places.kel_codes))
        self.period_pool = StringPool(none=("",), periods=DESIL_PERIODS)

    # --- families ---------------------------------------------------------------------------------

    def generate(self, rng, n_families: int, *, only_single_adults: bool = False) -> Chunk:
        P = self.places
        F = n_families
        kel = rng.choice(len(P.kel_weight), F, p=P.kel_weight)
        kec = P.kel_kec[kel]
        ftype = np.full(F, T_YOUNG) if only_single_adults else rng.choice(5, F, p=TYPE_SHARES)
        z = P.kec_mu[kec] + TYPE_WELFARE[ftype] + rng.standard_normal(F)
        desil = np.searchsorted(self.thresholds, z) + 1  # 1..10, also for families not ranked yet
        no_desil = rng.random(F) < NO_DESIL_SHARE
        ethnic = rng.choice(3, F, p=[0.86, 0.12, 0.02])
        surname = rng.integers(0, 1_000_000, F)

        present = np.zeros((F, N_SLOTS), bool)
        female = np.zeros((F, N_SLOTS), bool)
        birth = np.zeros((F, N_SLOTS), np.int64)
        rel = np.zeros((F, N_SLOTS), np.int64)
        marital = np.ones((F, N_SLOTS), np.int64)
        mother = np.full((F, N_SLOTS), RANDOM_MOTHER, np.int64)

        def born(age_years):
            return (
                REF
                - np.floor(age_years * YEAR).astype(np.int64)
                - rng.integers(0, 365, len(age_years))
            )

        # Head
        band = rng.choice(len(HEAD_AGE_BANDS), F, p=HEAD_AGE_BANDS)
        head_age = 20 + 5 * band + 5 * rng.random(F)
        elder_age = np.minimum(60 + rng.gamma(2.0, 5.5, F), 96)
        young_age = np.minimum(19 + rng.gamma(1.6, 5.0, F), 58)
        head_age = np.where(
            ftype == T_ELDER, elder_age, np.where(ftype == T_YOUNG, young_age, head_age)
        )
        u = rng.random((8, F))
        head_female = np.select(
            [ftype == T_ELDER, ftype == T_YOUNG, ftype == T_MOTHER],
            [u[0] < 0.68, u[0] < 0.4, True],
            False,
        )
        present[:, S_HEAD] = True
        female[:, S_HEAD] = head_female
        rel[:, S_HEAD] = 1
        widowed_or_divorced = np.where(u[1] < 0.35 + 0.5 * (head_age > 55), 4, 3)
        marital[:, S_HEAD] = np.select(
            [ftype == T_COUPLE, ftype == T_YOUNG, ftype == T_ELDER],
            [
                2,
                np.where((u[1] < 0.18) & (head_age > 25), 3, 1),
                np.where(u[1] < 0.85, 4, np.where(u[1] < 0.95, 3, 1)),
            ],
            widowed_or_divorced,
        )
        # Spouse (wife) in couples
        gap = np.clip(rng.normal(4.5, 3.5, F), -5, 15)
        wife_age = np.maximum(head_age - gap, 18 + rng.random(F))
        couple = ftype == T_COUPLE
        present[:, S_SPOUSE] = couple
        female[:, S_SPOUSE] = True
        rel[:, S_SPOUSE] = 2
        marital[:, S_SPOUSE] = 2
        # Head birth dates; the mother of the children: the wife, the head herself, or absent.
        birth[:, S_HEAD] = born(head_age)
        birth[:, S_SPOUSE] = born(wife_age)
        has_mother_line = np.isin(ftype, (T_COUPLE, T_MOTHER, T_FATHER))
        mother_birth = np.select(
            [couple, ftype == T_MOTHER], [birth[:, S_SPOUSE], birth[:, S_HEAD]], born(wife_age)
        )
        mother_of_children = np.select(
            [couple, ftype == T_MOTHER], [S_SPOUSE, S_HEAD], ABSENT_MOTHER
        )
        mother_year = date_parts(mother_birth)[0]

        # Children: planned number (more for poorer and older generations), mother 17–45 at birth.
        lam = (
            2.95
            - 0.28 * (z - P.kec_mu[kec])
            + 0.8 * (mother_year < 1965)
            + 0.3 * (mother_year < 1980)
        )
        k = np.where(has_mother_line, np.minimum(rng.poisson(np.clip(lam, 0.4, 6.0)), N_CHILD), 0)
        first = np.maximum(17.0, 19.0 + rng.gamma(2.0, 2.4, F))
        gaps = 1.2 + rng.gamma(2.0, 1.3, (F, N_CHILD))
        gaps[:, 0] = 0
        birth_age = first[:, None] + np.cumsum(gaps, axis=1)
        idx = np.arange(N_CHILD)[None, :]
        valid = (idx < k[:, None]) & (birth_age <= 45.0)
        child_birth = mother_birth[:, None] + np.floor(birth_age * YEAR).astype(np.int64)
        valid &= child_birth < REF
        child_age = (REF - child_birth) / YEAR
        child_female = rng.random((F, N_CHILD)) < 0.485
        stay = np.where(
            child_age < 18,
            0.985,
            np.where(
                child_female,
                0.97 * np.exp(-(child_age - 18) / 12),
                0.95 * np.exp(-(child_age - 18) / 10),
            ),
        )
        at_home = valid & (rng.random((F, N_CHILD)) < stay)

        # The first-born, married and living with the parents with spouse and children (Minang
        # families are matrilocal: mostly a daughter with her husband).
        married_child = (
            has_mother_line & valid[:, 0] & (child_age[:, 0] >= 20) & (rng.random(F) < 0.26)
        )
        mc_female = rng.random(F) < 0.75
        at_home[:, 0] &= ~married_child
        present[:, S_CHILD : S_CHILD + N_CHILD] = at_home
        female[:, S_CHILD : S_CHILD + N_CHILD] = child_female
        birth[:, S_CHILD : S_CHILD + N_CHILD] = child_birth
        rel[:, S_CHILD : S_CHILD + N_CHILD] = 3
        marital[:, S_CHILD : S_CHILD + N_CHILD] = np.where(
            (child_age > 20) & (rng.random((F, N_CHILD)) < 0.08), 3, 1
        )
        mother[:, S_CHILD : S_CHILD + N_CHILD] = mother_of_children[:, None]

        present[:, S_MCHILD] = married_child
        female[:, S_MCHILD] = mc_female
        birth[:, S_MCHILD] = child_birth[:, 0]
        rel[:, S_MCHILD] = 3
        marital[:, S_MCHILD] = 2
        mother[:, S_MCHILD] = mother_of_children
        mc_age = child_age[:, 0]
        inlaw = married_child & (rng.random(F) < 0.92)
        inlaw_age = np.where(
            mc_female,
            mc_age + np.clip(rng.normal(4, 3, F), -3, 12),
            mc_age - np.clip(rng.normal(3, 2.5, F), -3, 10),
        )
        inlaw_age = np.maximum(inlaw_age, 19 + rng.random(F))
        present[:, S_INLAW] = inlaw
        female[:, S_INLAW] = ~mc_female
        birth[:, S_INLAW] = born(inlaw_age)
        rel[:, S_INLAW] = 4
        marital[:, S_INLAW] = 2
        # Grandchildren, whose mother is the married daughter or the daughter-in-law.
        g_mother_slot = np.where(mc_female, S_MCHILD, S_INLAW)
        g_mother_present = married_child & (mc_female | inlaw)
        g_mother_birth = np.where(mc_female, birth[:, S_MCHILD], birth[:, S_INLAW])
        g_k = np.where(g_mother_present, np.minimum(rng.poisson(1.6, F), N_GRAND), 0)
        g_first = np.maximum(18.0, 20.0 + rng.gamma(2.0, 2.0, F))
        g_gaps = 1.2 + rng.gamma(2.0, 1.3, (F, N_GRAND))
        g_gaps[:, 0] = 0
        g_age_at = g_first[:, None] + np.cumsum(g_gaps, axis=1)
        g_birth = g_mother_birth[:, None] + np.floor(g_age_at * YEAR).astype(np.int64)
        g_valid = (np.arange(N_GRAND)[None, :] < g_k[:, None]) & (g_birth < REF) & (g_age_at <= 45)
        present[:, S_GRAND : S_GRAND + N_GRAND] = g_valid
        female[:, S_GRAND : S_GRAND + N_GRAND] = rng.random((F, N_GRAND)) < 0.49
        birth[:, S_GRAND : S_GRAND + N_GRAND] = g_birth
        rel[:, S_GRAND : S_GRAND + N_GRAND] = 5
        mother[:, S_GRAND : S_GRAND + N_GRAND] = g_mother_slot[:, None]

        # A grandchild raised by the grandparents.
        xgrand = (head_age >= 50) & ~married_child & (ftype != T_YOUNG) & (u[2] < 0.03)
        present[:, S_XGRAND] = xgrand
        female[:, S_XGRAND] = u[3] < 0.5
        birth[:, S_XGRAND] = born(2 + 13 * rng.random(F))
        rel[:, S_XGRAND] = 5

        # A widowed parent of the head or of the wife.
        base_is_head = ~couple | (u[4] < 0.6)
        base_birth = np.where(base_is_head, birth[:, S_HEAD], birth[:, S_SPOUSE])
        base_age = (REF - base_birth) / YEAR
        p_parent = np.select(
            [couple, ftype == T_YOUNG, np.isin(ftype, (T_MOTHER, T_FATHER))], [0.13, 0.06, 0.1], 0
        )
        parent_gap = np.clip(20 + rng.gamma(2.0, 3.5, F), 17.5, 45)
        parent = (base_age >= 22) & (base_age + parent_gap <= 97) & (rng.random(F) < p_parent)
        parent_female = u[5] < 0.78
        present[:, S_PARENT] = parent
        female[:, S_PARENT] = parent_female
        birth[:, S_PARENT] = base_birth - np.floor(parent_gap * YEAR).astype(np.int64)
        rel[:, S_PARENT] = 6
        marital[:, S_PARENT] = np.where(u[6] < 0.9, 4, 3)
        own_mother = parent & parent_female
        mother[:, S_HEAD] = np.where(own_mother & base_is_head, S_PARENT, RANDOM_MOTHER)
        mother[:, S_SPOUSE] = np.where(own_mother & ~base_is_head, S_PARENT, RANDOM_MOTHER)

        # Another relative (nephew, niece, cousin) and, in well-off families, a live-in helper.
        other = (ftype != T_ELDER) & (rng.random(F) < 0.05)
        present[:, S_OTHER] = other
        female[:, S_OTHER] = rng.random(F) < 0.5
        birth[:, S_OTHER] = born(8 + 25 * rng.random(F))
        rel[:, S_OTHER] = 8
        helper = (desil >= 8) & (ftype != T_YOUNG) & (u[7] < 0.012 * (desil - 7))
        present[:, S_HELPER] = helper
        female[:, S_HELPER] = rng.random(F) < 0.92
        helper_age = 18 + 37 * rng.random(F)
        birth[:, S_HELPER] = born(helper_age)
        rel[:, S_HELPER] = 7
        marital[:, S_HELPER] = np.where(rng.random(F) < 0.4 + 0.015 * (helper_age - 18), 2, 1)

        if only_single_adults:
            present[:, 1:] = False

        fam, slot = np.nonzero(present)
        return self._people(
            rng,
            fam,
            slot,
            F,
            kel,
            kec,
            ftype,
            z,
            desil,
            ethnic,
            surname,
            female[fam, slot],
            birth[fam, slot],
            rel[fam, slot],
            marital[fam, slot],
            mother[fam, slot],
            mother_birth,
            no_desil,
        )

    # --- people -----------------------------------------------------------------------------------

    def _people(
        self,
        rng,
        fam,
        slot,
        F,
        kel,
        kec,
        ftype,
        z,
        desil,
        ethnic,
        surname,
        female,
        birth,
        rel,
        marital,
        mother_slot,
        mother_birth,
        no_desil,
    ) -> Chunk:
        P = self.places
        n = len(fam)
        age = (REF - birth) / YEAR
        d_idx = desil[fam] - 1  # hidden desil, 0-based
        is_head = slot == S_HEAD
        u = rng.random((12, n))

        # NIK prefix: mostly the family's kecamatan; adults often registered elsewhere first.
        local_other = rng.integers(0, P.n_local_prefixes, n)
        outside = P.n_local_prefixes + rng.choice(len(P.outside_weight), n, p=P.outside_weight)
        # Children and grandchildren were (mostly) born into the family; others came in as adults.
        born_here = np.isin(slot, (S_MCHILD, S_XGRAND)) | (
            (slot >= S_CHILD) & (slot < S_GRAND + N_GRAND)
        )
        incoming = ~born_here & (age >= 17)
        prefix_idx = np.where(
            incoming,
            np.where(u[0] < 0.74, kec[fam], np.where(u[0] < 0.83, local_other, outside)),
            np.where(u[0] < 0.96, kec[fam], np.where(u[0] < 0.99, local_other, outside)),
        )
        serial, birth = self.nik_alloc.allocate(prefix_idx, birth, female)
        nik = compose_number(P.prefixes[prefix_idx], birth, female, serial)
        year, month, _ = date_parts(birth)
        age = (REF - birth) / YEAR

        # KK: the family's kecamatan + a registration date after the youngest member's birth.
        youngest = np.full(F, -(10**9), np.int64)
        np.maximum.at(youngest, fam, birth)
        head_birth = birth[is_head]
        lower = np.maximum.reduce(
            [
                np.full(F, int((np.datetime64("2008-01-01") - EPOCH).astype(np.int64))),
                youngest + 1,
                head_birth + int(17 * YEAR),
            ]
        )
        lower = np.minimum(lower, REF - 2)
        reg = lower + np.floor(rng.random(F) * (REF - lower)).astype(np.int64)
        kk_serial, reg = self.kk_alloc.allocate(kec, reg, np.zeros(F, bool))
        kk = compose_number(P.prefixes[kec], reg, np.zeros(F, bool), kk_serial)

        # Birth place
        pp = self.place_pool
        local_place = np.where(u[1] < 0.9, pp.offset["padang"], pp.draw(rng, "other", n))
        if not P.has_coordinates:  # another region: its own town name is unknown here
            local_place = np.where(u[1] < 0.9, pp.offset["none"], local_place)
        birth_place = np.where(
            (prefix_idx >= P.n_local_prefixes) & (u[2] < 0.85),
            pp.offset["prefix"] + prefix_idx,
            local_place,
        )

        # Names; family (clan) names where the family uses them.
        fam_ethnic = ethnic[fam]
        own_line = np.isin(slot, (S_HEAD, S_MCHILD, S_XGRAND)) | (
            (slot >= S_CHILD) & (slot < S_GRAND + N_GRAND)
        )
        person_surname = np.where(own_line, surname[fam], rng.integers(0, 1_000_000, n))
        use_surname = np.where(own_line, (surname[fam] % 10) < 7, u[3] < 0.5)
        names = make_names(
            rng,
            self.pools,
            female=female,
            birth_year=year,
            birth_month=month,
            age=age,
            ethnic=fam_ethnic,
            surname_idx=person_surname,
            use_surname=use_surname,
        )
        # Mother's name: a member of the family, the children's absent mother, or someone else.
        row_of = np.full((F, N_SLOTS), -1, np.int64)
        row_of[fam, slot] = np.arange(n)
        m_row = np.where(mother_slot >= 0, row_of[fam, np.maximum(mother_slot, 0)], -1)
        fam_mother_year = date_parts(mother_birth)[0]
        absent = make_names(
            rng,
            self.pools,
            female=np.ones(F, bool),
            birth_year=fam_mother_year,
            birth_month=rng.integers(1, 13, F),
            age=(REF - mother_birth) / YEAR,
            ethnic=ethnic,
            surname_idx=rng.integers(0, 1_000_000, F),
            use_surname=rng.random(F) < 0.5,
        )
        m_year = year - np.clip(np.round(rng.normal(27, 5, n)), 17, 45).astype(np.int64)
        random_mothers = make_names(
            rng,
            self.pools,
            female=np.ones(n, bool),
            birth_year=m_year,
            birth_month=rng.integers(1, 13, n),
            age=REF / YEAR - (m_year - 1970),
            ethnic=fam_ethnic,
            surname_idx=rng.integers(0, 1_000_000, n),
            use_surname=u[4] < 0.5,
        )
        m_idx = np.where(
            m_row >= 0, m_row, np.where(mother_slot == ABSENT_MOTHER, n + fam, n + F + np.arange(n))
        )
        mother_name = pl.concat([names, absent, random_mothers]).gather(
            pl.Series(m_idx, dtype=pl.Int64)
        )

        # Schooling
        edu_adult = _cat(rng, EDU_ADULT, d_idx) + 1
        older = (year < 1960) & (u[5] < 0.45) | (year < 1975) & (u[5] < 0.2)
        edu_adult = np.maximum(edu_adult - older, 1)
        edu = np.select(
            [age < 7, age < 13, age < 16, age < 19],
            [1, 2, 3, 4],
            edu_adult,
        )
        edu = np.where((age >= 19) & (age < 23), np.minimum(edu, np.where(u[6] < 0.5, 5, 6)), edu)
        edu = np.where((age >= 13) & (age < 19) & (d_idx < 2) & (u[6] < 0.12), edu - 1, edu)
        helper_row = slot == S_HELPER
        edu = np.where(helper_row, np.minimum(edu, 4), edu)

        # Work and income
        work_dist = np.where(female[:, None], WORK_WOMEN[d_idx], WORK_MEN[d_idx])
        cum = np.cumsum(work_dist, axis=1)
        cum[:, -1] = 1
        kedudukan = (u[7][:, None] > cum).sum(axis=1) + 1
        p_not_working = np.select(
            [age < 15, age < 19, age < 25, age < 60, age < 70],
            [
                1.0,
                0.9,
                0.35 + 0.04 * d_idx,
                np.where(female, 0.45, 0.05 + 0.07 * (d_idx < 2)),
                np.where(female, 0.75, 0.55),
            ],
            np.where(female, 0.93, 0.85),
        )
        working = (u[8] >= p_not_working) | helper_row
        employment = np.where(age < 15, 0, np.where(working, kedudukan, 9))
        employment = np.where(helper_row, 4, employment)
        jp = self.job_pool
        occupation = np.full(n, jp.offset["none"])
        for code in OCCUPATIONS:
            m = employment == code
            occupation[m] = jp.draw(rng, f"e{code}", int(m.sum()))
        coastal = P.kec_coastal[kec[fam]]
        fisher = coastal & ~female & np.isin(employment, (1, 7)) & (u[9] < 0.25)
        occupation[fisher] = jp.draw(rng, "fisher", int(fisher.sum()))
        occupation[helper_row] = jp.offset["helper"]
        idle = employment == 9
        occupation[idle] = np.select(
            [age[idle] < 25, female[idle]],
            [jp.offset["student"], jp.offset["housework"]],
            jp.offset["idle"],
        )
        occupation[(age >= 5) & (age < 15)] = jp.offset["pupil"]
        income_base = (
            INCOME_MEDIAN[d_idx] * np.exp(rng.normal(0, 0.45, n)) * np.where(female, 0.8, 1.0)
        )
        factor = INCOME_FACTOR[np.clip(employment, 0, 8)]
        income = np.where(employment == 9, 0.0, income_base * factor)
        pension = (employment == 9) & (age >= 58) & (d_idx >= 4) & (u[10] < 0.35)
        income = np.where(
            pension, 0.6 * INCOME_MEDIAN[d_idx] * np.exp(rng.normal(0, 0.3, n)), income
        )
        income = np.where(helper_row, 1_500_000 + 1_000_000 * rng.random(n), income)
        income = (np.round(income / 50_000) * 50_000).astype(np.int64)
        occupation[pension] = jp.offset["pension"]

        # Disability (more with age and poverty), chronic illness
        p_dis = np.select([age < 18, age < 60, age < 75], [0.009, 0.019, 0.065], 0.13) * np.where(
            d_idx < 3, 1.5, 1.0
        )
        disabled = rng.random(n) < p_dis
        dis_first = np.where(
            age < 18,
            rng.choice(4, n, p=[0.3, 0.3, 0.2, 0.2]),
            rng.choice(4, n, p=[0.42, 0.13, 0.15, 0.30]),
        )
        double = disabled & (rng.random(n) < 0.1)
        dis_second = (dis_first + rng.integers(1, 4, n)) % 4
        dis_flags = np.zeros((n, 4), bool)
        dis_flags[np.arange(n), dis_first] = disabled
        dis_flags[np.arange(n), dis_second] |= double
        sp = self.severity_pool
        severity = np.where(
            disabled, sp.offset["mild"] + rng.choice(3, n, p=[0.4, 0.4, 0.2]), sp.offset["none"]
        )
        severity = np.where(double & (rng.random(n) < 0.35), sp.offset["severe"], severity)
        p_chronic = np.select([age < 30, age < 45, age < 60], [0.005, 0.02, 0.07], 0.15)
        chronic_w = np.array([w for _, w in CHRONIC], float)
        chronic = np.where(
            rng.random(n) < p_chronic,
            self.chronic_pool.offset["any"]
            + rng.choice(len(CHRONIC), n, p=chronic_w / chronic_w.sum()),
            self.chronic_pool.offset["none"],
        )

        # PPKS categories
        fam_poor = rng.random(F) < np.select(
            [desil == 1, desil == 2, desil == 3], [0.75, 0.35, 0.08], 0
        )
        size = np.bincount(fam, minlength=F)
        alone = size[fam] == 1
        single_parent = np.isin(ftype[fam], (T_MOTHER, T_FATHER))
        coastal_fam = P.kec_coastal[kec] & (rng.random(F) < 0.004)
        troubled_fam = rng.random(F) < 0.0015
        r = rng.random((14, n))
        ppks = {
            1: (age < 5) & (d_idx == 0) & single_parent & (r[0] < 0.05),
            2: (age >= 5) & (age < 18) & (d_idx == 0) & single_parent & (r[0] < 0.10),
            3: ~female & (age >= 12) & (age < 18) & (r[1] < 0.0008),
            ANAK_DISABILITAS: disabled & (age < 18) & (r[2] < 0.85),
            LANSIA_TERLANTAR: (age >= 60)
            & ((alone & (d_idx <= 3) & (r[3] < 0.55)) | ((d_idx <= 1) & (r[3] < 0.06))),
            DISABILITAS: disabled & (age >= 18) & (r[2] < 0.85),
            12: (d_idx == 0) & (age >= 50) & (r[4] < 0.005),
            13: (d_idx <= 1) & (age >= 18) & (age < 60) & (r[5] < 0.008),
            15: ~female & (age >= 20) & (age < 50) & (r[6] < 0.0005),
            16: (age >= 15) & (age < 50) & (r[7] < 0.0002),
            17: ~female & (age >= 15) & (age < 40) & (r[8] < 0.0006),
            19: female & (age >= 15) & (age < 50) & (r[9] < 0.0005),
            20: (age >= 20) & (age < 45) & (r[10] < 0.0003),
            21: coastal_fam[fam],
            23: female
            & is_head
            & (age >= 18)
            & (age < 60)
            & (ftype[fam] != T_COUPLE)
            & (d_idx <= 2)
            & (r[11] < 0.45),
            FAKIR_MISKIN: fam_poor[fam],
            25: troubled_fam[fam] & is_head,
        }
        ppks = dict(sorted(ppks.items()))

        padan = np.where(u[11] < np.where(age < 1, 0.55, 0.91), 0, np.where(u[10] < 0.67, 1, 2))

        fam_cols = self._family_columns(rng, F, kel, kec, desil, no_desil, size, ethnic)

        frame = pl.DataFrame(
            {
                "no_kk": kk[fam],
                "nik": nik,
                "nama": names,
                "jenis_kelamin": self.sex_pool.pick(female.astype(np.int64)),
                "tempat_lahir": pp.pick(birth_place),
                "tanggal_lahir": (EPOCH + birth.astype("timedelta64[D]")),
                "hubungan_keluarga": rel,
                "status_kawin": marital,
                "nama_ibu_kandung": mother_name,
                "pendidikan": edu,
                "status_pekerjaan": pl.Series(employment).replace(0, None),
                "pekerjaan": jp.pick(occupation),
                "penghasilan": pl.Series(np.where(age < 15, -1, income)).replace(-1, None),
                "disabilitas": join_flags(dis_flags, DISABILITY_TYPES),
                "tingkat_disabilitas": sp.pick(severity),
                "penyakit_kronis": self.chronic_pool.pick(chronic),
                "status_padan": self.padan_pool.pick(padan),
                "ppks": join_flags(np.column_stack(list(ppks.values())), [str(c) for c in ppks]),
            }
        )
        frame = frame.with_columns(
            pl.col("no_kk").cast(pl.String),
            pl.col("nik").cast(pl.String),
        )
        head_mask = pl.Series(is_head)
        fam_frame = fam_cols[pl.Series(fam)].with_columns(
            pl.when(head_mask).then(pl.col(c)).alias(c) for c in FAMILY_COLUMNS
        )
        frame = pl.concat([frame, fam_frame], how="horizontal")
        frame = frame.with_columns(
            pl.when(pl.col(c).str.len_chars() > 0).then(pl.col(c)).alias(c)
            for c in ("pekerjaan", "tempat_lahir", "tingkat_disabilitas", "penyakit_kronis")
        ).select(COLUMNS)
        return Chunk(frame=frame, fam=fam, families=F, desil=np.where(no_desil, 0, desil))

    def _family_columns(self, rng, F, kel, kec, desil, no_desil, size, ethnic) -> pl.DataFrame:
        P = self.places
        d = desil - 1
        u = rng.random((6, F))
        n_rw = P.kel_n_rw[kel]
        rw = 1 + np.floor(u[1] * n_rw).astype(np.int64)
        rt = 1 + np.floor(u[2] * rng.integers(4, 11, F)).astype(np.int64)
        # Address: a street of the kecamatan (including ones named after its kelurahan), a generic
        # street, or a housing estate (kompleks) with a block.
        stp = self.street_pool
        street = np.zeros(F, np.int64)
        for i in range(len(P.kec_codes)):
            m = kec == i
            street[m] = stp.draw(rng, f"k{i}", int(m.sum()))
        street = np.where(u[3] < 0.25, stp.draw(rng, "generic", F), street)
        komplek = u[4] < 0.08
        street = np.where(komplek, stp.draw(rng, "kompleks", F), street)
        number = rng.integers(1, 160, F)
        letter = np.where(rng.random(F) < 0.06, self.letter_pool.draw(rng, "letters", F), 0)
        blok = self.letter_pool.draw(rng, "letters", F)
        # Coordinates: around the kelurahan centre, clustered by RW.
        if P.has_coordinates:
            angle = 2 * np.pi * ((kel * 7919 + rw * 104729) % 1000) / 1000
            rw_lat = P.kel_lat[kel] + P.kel_radius[kel] * 0.8 * np.sin(angle)
            rw_lon = P.kel_lon[kel] + P.kel_radius[kel] * 0.8 * np.cos(angle)
            lat = np.clip(rw_lat + rng.normal(0, 0.0015, F), *LAT_RANGE).round(6)
            lon = np.clip(rw_lon + rng.normal(0, 0.0015, F), *LON_RANGE).round(6)
        else:
            lat = lon = np.full(F, np.nan)
        # A few families share a dwelling with the previous family of the same kelurahan.
        order = np.lexsort((np.arange(F), kel))
        share = np.zeros(F, bool)
        share[order[1:]] = (kel[order[1:]] == kel[order[:-1]]) & (rng.random(F - 1) < 0.03)
        host = np.empty(F, np.int64)
        host[order[1:]] = order[:-1]
        for arr in (rw, rt, street, komplek, number, letter, blok, lat, lon):
            if share.any():
                # copy along chains of sharing families (rarely longer than two)
                for _ in range(3):
                    arr[share] = arr[host[share]]

        area = FLOOR_AREA_MEDIAN[d] * np.exp(rng.normal(0, 0.35, F)) + 6 * np.maximum(size - 3, 0)
        area = np.clip(np.round(area), 9, 600).astype(np.int64)
        coastal = P.kec_coastal[kec]
        asset_p = np.minimum(
            ASSET_P[d] * np.where(coastal[:, None], ASSET_COASTAL[None, :], 1.0), 0.95
        )
        has_asset = rng.random(asset_p.shape) < asset_p
        peri = P.kec_peri_urban[kec]
        stock_scale = np.where(peri, 1.0, 0.25) * np.where(d <= 4, 1.0, 0.6)
        livestock = {
            "sapi": (rng.random(F) < 0.02 * stock_scale, rng.integers(1, 5, F)),
            "kerbau": (rng.random(F) < 0.004 * stock_scale, rng.integers(1, 4, F)),
            "kuda": (rng.random(F) < 0.0005 * stock_scale, np.ones(F, np.int64)),
            "babi": ((ethnic == 2) & (rng.random(F) < 0.1), rng.integers(1, 6, F)),
            "kambing": (rng.random(F) < 0.04 * stock_scale, rng.integers(1, 9, F)),
        }
        period = np.where(no_desil, 0, np.where(u[5] < 0.8, 1, 2))
        frame = pl.DataFrame(
            {
                "kode_wilayah": self.kel_pool.pick(kel),
                "rw": rw,
                "rt": rt,
                "_street": stp.pick(street),
                "_komplek": komplek,
                "_number": number,
                "_letter": self.letter_pool.pick(letter),
                "_blok": self.letter_pool.pick(blok),
                "lintang": lat,
                "bujur": lon,
                "desil": np.where(no_desil, 0, desil),
                "periode_desil": self.period_pool.pick(period),
                "status_kepemilikan_rumah": _cat(rng, OWNERSHIP, d) + 1,
                "luas_lantai": area,
                "jenis_lantai": _cat(rng, FLOOR, d) + 1,
                "jenis_dinding": _cat(rng, WALL, d) + 1,
                "jenis_atap": _cat(rng, ROOF, d) + 1,
                "sumber_air_minum": _cat(rng, WATER, d) + 1,
                "sumber_penerangan": _cat(rng, LIGHTING, d) + 1,
                "bahan_bakar_memasak": _cat(rng, FUEL, d) + 1,
                "fasilitas_bab": _cat(rng, TOILET, d) + 1,
                "aset": join_flags(has_asset, [a[0] for a in ASSETS]),
                "ternak": join_counts(
                    np.column_stack([np.where(m, cnt, 0) for m, cnt in livestock.values()]),
                    list(livestock),
                ),
            }
        )
        return frame.with_columns(
            pl.col("rw").cast(pl.String).str.zfill(3),
            pl.col("rt").cast(pl.String).str.zfill(3),
            pl.col("lintang").fill_nan(None),
            pl.col("bujur").fill_nan(None),
            pl.col("desil").replace(0, None),
            pl.col("periode_desil").replace("", None),
            pl.when(pl.col("_komplek"))
            .then(pl.format("{} Blok {} No. {}", "_street", "_blok", "_number"))
            .otherwise(pl.format("{} No. {}{}", "_street", "_number", "_letter"))
            .alias("alamat"),
        ).select(FAMILY_COLUMNS)
