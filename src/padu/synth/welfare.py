"""Each person's circumstances: schooling, work and income, disability, chronic illness and the
PPKS categories (Permensos 08/2012), all drawn from tables that move with the family's hidden desil
and the person's age and sex."""

from dataclasses import dataclass

import numpy as np
import polars as pl

from .dates import REF, YEAR, date_parts
from .draws import desil_table, draw_category, join_flags
from .households import S_HEAD, S_HELPER, T_COUPLE, T_FATHER, T_MOTHER, Households
from .names import StringPool
from .places import Places

# PPKS codes 1–26 of Permensos 08/2012 (DOMAIN.md §3.1), the list the registry's PPKS category
# table is seeded with; hard-coded here so that generation needs no database.
PPKS_CODES = tuple(range(1, 27))
FAKIR_MISKIN, LANSIA_TERLANTAR, DISABILITAS, ANAK_DISABILITAS = 24, 8, 9, 5

EDU_ADULT = desil_table(
    [5, 15, 35, 22, 20, 1, 2, 0], [1, 4, 15, 18, 45, 7, 10, 0], [0, 0, 2, 4, 30, 14, 42, 8]
)
# Kedudukan dalam pekerjaan 1..8 for working adults, men and women.
WORK_MEN = desil_table(
    [30, 3, 0, 14, 1, 7, 40, 5], [28, 5, 1, 38, 8, 2, 15, 3], [18, 8, 8, 40, 24, 0, 1, 1]
)
WORK_WOMEN = desil_table(
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
# UU 8/2016's categories; a sensory disability is drawn with its sub-type (`SENSORY`, shares of
# the sub-types among sensory disabilities, Susenas-like: sight first, then hearing).
CATEGORIES = ("fisik", "intelektual", "mental", "sensorik")
SENSORY = ("netra", "rungu", "wicara", "rungu_wicara")
SENSORY_SHARE = (0.42, 0.25, 0.08, 0.25)
DISABILITY_TYPES = (*CATEGORIES[:3], *SENSORY)
SEVERITIES = ("ringan", "sedang", "berat")


@dataclass(frozen=True)
class Drawn:
    """What the import layout cannot carry, for the records of assessments (synth.assessments):
    each person's types of disability (rows × DISABILITY_TYPES) with each type's severity (an
    index of SEVERITIES), and his PPKS categories (rows × `ppks_codes`)."""

    types: np.ndarray
    severity: np.ndarray
    ppks: np.ndarray
    ppks_codes: tuple[int, ...]


class Welfare:
    def __init__(self, places: Places):
        self.places = places
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

    def draw(
        self, rng, h: Households, u: np.ndarray, birth: np.ndarray
    ) -> tuple[pl.DataFrame, Drawn]:
        """The columns of each person's circumstances, and what their records need beside them.
        ``birth``: the birth days as the NIK has them (`People.draw`); ``u``: the person's
        uniforms (rows 5–10 are read here)."""
        P = self.places
        fam, slot, female, kec, F = h.fam, h.slot, h.female, h.kec, h.families
        desil, ftype = h.desil, h.ftype
        n = len(fam)
        year = date_parts(birth)[0]
        age = (REF - birth) / YEAR
        d_idx = desil[fam] - 1  # hidden desil, 0-based
        is_head = slot == S_HEAD

        # Schooling
        edu_adult = draw_category(rng, EDU_ADULT, d_idx) + 1
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
        # The sub-types and each type's severity from a generator of their own, so that the draws
        # after these (and the files of a seed) stay as they were.
        types, type_severity = _sub_types(rng.spawn(1)[0], dis_flags, severity - sp.offset["mild"])
        common = _common_severity(types, type_severity)
        severity = np.where(common >= 0, sp.offset["mild"] + common, sp.offset["none"])
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
        size = h.size
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

        frame = pl.DataFrame(
            {
                "pendidikan": edu,
                "status_pekerjaan": pl.Series(employment).replace(0, None),
                "pekerjaan": jp.pick(occupation),
                "penghasilan": pl.Series(np.where(age < 15, -1, income)).replace(-1, None),
                "disabilitas": join_flags(types, DISABILITY_TYPES),
                "tingkat_disabilitas": sp.pick(severity),
                # The detail of a disability is free text a social worker writes: left empty.
                "keterangan_disabilitas": pl.Series([None] * len(edu), dtype=pl.String),
                "penyakit_kronis": self.chronic_pool.pick(chronic),
                "ppks": join_flags(np.column_stack(list(ppks.values())), [str(c) for c in ppks]),
            }
        )
        frame = frame.with_columns(
            pl.when(pl.col(c).str.len_chars() > 0).then(pl.col(c)).alias(c)
            for c in ("pekerjaan", "tingkat_disabilitas", "penyakit_kronis")
        )
        held = np.column_stack(list(ppks.values()))
        return frame, Drawn(types, type_severity, held, tuple(ppks))


def _sub_types(rng, categories: np.ndarray, severity: np.ndarray):
    """Each person's types (rows × DISABILITY_TYPES) from his categories (rows × CATEGORIES): a
    sensory one becomes a sub-type; one in seven with two types has a third (fisik, intelektual
    or mental). Each type's severity: the person's for one type; with several (ganda) each has
    its own, the same as the person's half the time."""
    n = len(categories)
    rows = np.arange(n)
    types = np.zeros((n, len(DISABILITY_TYPES)), bool)
    types[:, :3] = categories[:, :3]
    sensory = rng.choice(len(SENSORY), n, p=SENSORY_SHARE)
    types[rows, 3 + sensory] = categories[:, 3]
    third = (categories.sum(axis=1) == 2) & (rng.random(n) < 1 / 7)
    types[rows, rng.integers(0, 3, n)] |= third
    ganda = types.sum(axis=1) > 1
    own = rng.choice(len(SEVERITIES), (n, len(DISABILITY_TYPES)), p=[0.4, 0.4, 0.2])
    same = ~ganda[:, None] | (rng.random((n, len(DISABILITY_TYPES))) < 0.5)
    type_severity = np.where(same, np.maximum(severity, 0)[:, None], own)
    return types, np.where(types, type_severity, -1)


def _common_severity(types: np.ndarray, severity: np.ndarray) -> np.ndarray:
    """The severity all of a person's types share (the file's one column), else -1."""
    high = np.where(types, severity, -1).max(axis=1)
    low = np.where(types, severity, len(SEVERITIES)).min(axis=1)
    return np.where(types.any(axis=1) & (high == low), high, -1)
