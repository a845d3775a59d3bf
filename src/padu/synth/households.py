"""Who lives together: a chunk of families, their members' ages and sex, and the hidden desil.

Every family gets a latent welfare score ``z`` (kecamatan shift + family type + noise); the DTSEN
desil is cut from ``z`` so that the family shares match a city with about 4 % poverty in a national
ranking (§1.3 of DOMAIN.md: few families in desil 1–2, most in the middle and upper deciles); the
people (`people`, `welfare`) and the dwellings (`dwellings`) are drawn from tables that move with
it. Nothing here loops over people in Python: each chunk is a handful of numpy arrays.

A family is laid out in fixed slots (head, spouse, married child, child-in-law, children,
grandchildren, a parent, another relative, a helper); absent slots are masked and the present ones
are flattened in slot order, so the head is always the family's first row.
"""

from dataclasses import dataclass

import numpy as np

from .dates import REF, YEAR, date_parts
from .places import Places

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


@dataclass
class Households:
    """A chunk of families: arrays per family (length ``families``) and per person, the people in
    file order (each family's rows together, the head first)."""

    families: int
    kel: np.ndarray  # the family's kelurahan (index into the Places arrays)
    kec: np.ndarray  # its kecamatan
    ftype: np.ndarray  # family type (T_*)
    desil: np.ndarray  # hidden desil 1..10, also of the families not ranked yet
    no_desil: np.ndarray  # not ranked yet ("belum ada desil")
    ethnic: np.ndarray  # 0 Minang, 1 from elsewhere in Indonesia, 2 Nias
    surname: np.ndarray  # index of the family's clan/family name
    mother_birth: np.ndarray  # birth day of the children's mother, present or not
    fam: np.ndarray  # per person: the family (0..families-1)
    slot: np.ndarray  # per person: the slot (S_*)
    female: np.ndarray
    birth: np.ndarray  # birth day (since 1970-01-01)
    rel: np.ndarray  # hubungan keluarga code
    marital: np.ndarray  # status kawin code
    mother_slot: np.ndarray  # slot of the person's mother, ABSENT_MOTHER or RANDOM_MOTHER

    @property
    def size(self) -> np.ndarray:
        """Members per family."""
        return np.bincount(self.fam, minlength=self.families)


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


def compose(
    rng, places: Places, thresholds: np.ndarray, n_families: int, *, only_single_adults=False
) -> Households:
    """``n_families`` families (only one-person families of young adults when asked: the rows that
    `inject` turns into duplicates and broken rows)."""
    P = places
    F = n_families
    kel = rng.choice(len(P.kel_weight), F, p=P.kel_weight)
    kec = P.kel_kec[kel]
    ftype = np.full(F, T_YOUNG) if only_single_adults else rng.choice(5, F, p=TYPE_SHARES)
    z = P.kec_mu[kec] + TYPE_WELFARE[ftype] + rng.standard_normal(F)
    desil = np.searchsorted(thresholds, z) + 1  # 1..10, also for families not ranked yet
    no_desil = rng.random(F) < NO_DESIL_SHARE
    ethnic = rng.choice(3, F, p=P.family_origins)
    surname = rng.integers(0, 1_000_000, F)

    present = np.zeros((F, N_SLOTS), bool)
    female = np.zeros((F, N_SLOTS), bool)
    birth = np.zeros((F, N_SLOTS), np.int64)
    rel = np.zeros((F, N_SLOTS), np.int64)
    marital = np.ones((F, N_SLOTS), np.int64)
    mother = np.full((F, N_SLOTS), RANDOM_MOTHER, np.int64)

    def born(age_years):
        return (
            REF - np.floor(age_years * YEAR).astype(np.int64) - rng.integers(0, 365, len(age_years))
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
    mother_of_children = np.select([couple, ftype == T_MOTHER], [S_SPOUSE, S_HEAD], ABSENT_MOTHER)
    mother_year = date_parts(mother_birth)[0]

    # Children: planned number (more for poorer and older generations), mother 17–45 at birth.
    lam = (
        2.95 - 0.28 * (z - P.kec_mu[kec]) + 0.8 * (mother_year < 1965) + 0.3 * (mother_year < 1980)
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
    married_child = has_mother_line & valid[:, 0] & (child_age[:, 0] >= 20) & (rng.random(F) < 0.26)
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
    return Households(
        families=F,
        kel=kel,
        kec=kec,
        ftype=ftype,
        desil=desil,
        no_desil=no_desil,
        ethnic=ethnic,
        surname=surname,
        mother_birth=mother_birth,
        fam=fam,
        slot=slot,
        female=female[fam, slot],
        birth=birth[fam, slot],
        rel=rel[fam, slot],
        marital=marital[fam, slot],
        mother_slot=mother[fam, slot],
    )
