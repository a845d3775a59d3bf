"""Who each person is: NIK and KK number, name, sex, birth date and place, place in the family,
marital status, mother's name and whether Dukcapil matched the NIK (status padan).

NIK and KK numbers are unique across the whole file: the serial allocators live as long as the
generator, not one chunk.
"""

import numpy as np
import polars as pl

from .allocator import SerialAllocator, compose_number
from .dates import EPOCH, REF, YEAR, date_parts
from .households import (
    ABSENT_MOTHER,
    N_GRAND,
    N_SLOTS,
    S_CHILD,
    S_GRAND,
    S_HEAD,
    S_MCHILD,
    S_XGRAND,
    Households,
)
from .names import NamePools, StringPool, make_names
from .places import Places


class People:
    def __init__(self, places: Places):
        self.places = places
        self.pools = NamePools()
        self.nik_alloc = SerialAllocator(len(places.prefixes))
        self.kk_alloc = SerialAllocator(places.n_local_prefixes)
        self.prefix_index = {int(p): i for i, p in enumerate(places.prefixes)}
        self.sex_pool = StringPool(sex=("L", "P"))
        self.place_pool = StringPool(
            none=("",),
            other=places.other_birth_places,
            prefix=tuple(places.prefix_birth_place),
        )
        self.padan_pool = StringPool(padan=("padan",), belum=("belum",), tidak=("tidak_padan",))

    def draw(self, rng, h: Households, u: np.ndarray) -> tuple[pl.DataFrame, np.ndarray]:
        """The columns of who each person is, and the birth days: a birth date moves by a day or
        two where the NIK serials of a date ran out (`SerialAllocator`). ``u``: the person's
        uniforms (rows 0–4, 10 and 11 are read here)."""
        P = self.places
        fam, slot, female, birth, F = h.fam, h.slot, h.female, h.birth, h.families
        kec, ethnic, surname = h.kec, h.ethnic, h.surname
        mother_slot, mother_birth = h.mother_slot, h.mother_birth
        n = len(fam)
        age = (REF - birth) / YEAR
        is_head = slot == S_HEAD

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
        # Born where the family lives (its kab/kota town), or in a town nearby.
        home = pp.offset["prefix"] + kec[fam]
        local_place = np.where(u[1] < 0.9, home, pp.draw(rng, "other", n))
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

        padan = np.where(u[11] < np.where(age < 1, 0.55, 0.91), 0, np.where(u[10] < 0.67, 1, 2))
        frame = pl.DataFrame(
            {
                "no_kk": kk[fam],
                "nik": nik,
                "nama": names,
                "jenis_kelamin": self.sex_pool.pick(female.astype(np.int64)),
                "tempat_lahir": pp.pick(birth_place),
                "tanggal_lahir": (EPOCH + birth.astype("timedelta64[D]")),
                "hubungan_keluarga": h.rel,
                "status_kawin": h.marital,
                "nama_ibu_kandung": mother_name,
                "status_padan": self.padan_pool.pick(padan),
            }
        )
        return frame.with_columns(
            pl.col("no_kk").cast(pl.String),
            pl.col("nik").cast(pl.String),
            pl.when(pl.col("tempat_lahir").str.len_chars() > 0).then(pl.col("tempat_lahir")),
        ), birth
