"""The family's columns of the import layout: where it lives (kelurahan, RW/RT, address,
coordinates), its dwelling (its ID; ownership, floor area, floor, walls, roof, water, light,
cooking fuel, toilet; assets), some shared with other families, its livestock, and its desil
with the period of the ranking."""

import numpy as np
import polars as pl

from .draws import desil_probability, desil_table, draw_category, join_counts, join_flags
from .households import Households
from .names import StringPool
from .places import GENERIC_STREETS, KOMPLEKS, LAT_RANGE, LON_RANGE, Places

# The two latest rankings a family's desil can come from.
DESIL_PERIODS = ("2025-07-20", "2025-04-20")
# The codes of the layout's housing columns (1..k), drawn from probabilities anchored at desil 1, 5
# and 10.
OWNERSHIP = desil_table([55, 18, 22, 0, 5], [68, 20, 10, 1, 1], [80, 14, 2, 3, 1])
FLOOR = desil_table(
    [0, 20, 0, 5, 2, 45, 3, 15, 8, 2],
    [0, 62, 1, 8, 3, 23, 0, 2, 0.5, 0.5],
    [8, 80, 4, 4, 2, 2, 0, 0, 0, 0],
)
WALL = desil_table([55, 6, 25, 6, 2, 4, 2], [88, 2, 9, 0.5, 0, 0.5, 0], [98, 0, 2, 0, 0, 0, 0])
ROOF = desil_table(
    [0, 0, 2, 1, 5, 86, 0, 1, 4, 1],
    [1, 1, 8, 2, 6, 82, 0, 0, 0, 0],
    [8, 5, 30, 2, 3, 52, 0, 0, 0, 0],
)
WATER = desil_table(
    [0, 20, 12, 3, 15, 22, 16, 4, 4, 3, 1, 0],
    [1, 42, 20, 2, 18, 14, 2, 1, 0, 0, 0, 0],
    [12, 45, 25, 0, 15, 3, 0, 0, 0, 0, 0, 0],
)
LIGHTING = desil_table([96.5, 2, 1.5], [99.8, 0.2, 0], [100, 0, 0])
FUEL = desil_table(
    [0, 0, 78, 0, 2, 0, 1, 17, 2], [1, 4, 92, 0, 0.5, 0, 0, 1.5, 1], [10, 45, 40, 1, 0, 0, 0, 0, 4]
)
TOILET = desil_table([70, 17, 6, 7], [93, 5, 1, 1], [99.5, 0.5, 0, 0])
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
ASSET_P = np.array([desil_probability(a[1], a[2], a[3]) for a in ASSETS]).T  # (10, n_assets)
ASSET_COASTAL = np.array([a[4] for a in ASSETS], float)
# The share of dwellings holding two families or more (issue #11 asks for 10–15 %).
SHARE = 0.125
FLOOR_AREA_MEDIAN = np.exp(np.interp(np.arange(1, 11), [1, 5, 10], np.log([30, 45, 110])))


class Dwellings:
    def __init__(self, places: Places):
        self.places = places
        streets = [tuple(s) for s in places.kec_streets]
        self.street_pool = StringPool(
            generic=GENERIC_STREETS,
            kompleks=KOMPLEKS,
            **{f"k{i}": s or ("Jl. Raya",) for i, s in enumerate(streets)},
        )
        self.letter_pool = StringPool(none=("",), letters=("A", "B", "C", "D", "E", "F"))
        self.kel_pool = StringPool(kel=tuple(places.kel_codes))
        self.period_pool = StringPool(none=("",), periods=DESIL_PERIODS)

    def draw(self, rng, h: Households) -> pl.DataFrame:
        """One row per family: the layout's family columns, in no particular order."""
        F, kel, kec, desil, no_desil = h.families, h.kel, h.kec, h.desil, h.no_desil
        size, ethnic = h.size, h.ethnic
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
        # Families share a dwelling (several KK under one roof: a married child's family with
        # the parents, siblings' families): in kelurahan order, a family joins the dwelling of
        # the previous one with probability SHARE, so that about SHARE of the dwellings hold two
        # families or more. Those families have the dwelling's ID, address and housing columns.
        order = np.lexsort((np.arange(F), kel))
        joins = np.zeros(F, bool)
        joins[1:] = (kel[order[1:]] == kel[order[:-1]]) & (rng.random(F - 1) < SHARE)
        run = np.cumsum(~joins) - 1  # the dwelling of each family, in sorted order
        host = np.empty(F, np.int64)
        host[order] = order[np.flatnonzero(~joins)][run]
        share = host != np.arange(F)
        for arr in (rw, rt, street, komplek, number, letter, blok, lat, lon):
            arr[share] = arr[host[share]]
        code = rng.integers(0, 2**63 - 1, F, dtype=np.int64)[host]

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
        housing = {
            "status_kepemilikan_rumah": draw_category(rng, OWNERSHIP, d) + 1,
            "luas_lantai": area,
            "jenis_lantai": draw_category(rng, FLOOR, d) + 1,
            "jenis_dinding": draw_category(rng, WALL, d) + 1,
            "jenis_atap": draw_category(rng, ROOF, d) + 1,
            "sumber_air_minum": draw_category(rng, WATER, d) + 1,
            "sumber_penerangan": draw_category(rng, LIGHTING, d) + 1,
            "bahan_bakar_memasak": draw_category(rng, FUEL, d) + 1,
            "fasilitas_bab": draw_category(rng, TOILET, d) + 1,
        }
        # A dwelling's housing and assets are those drawn for its first family.
        housing = {name: values[host] for name, values in housing.items()}
        has_asset = has_asset[host]
        frame = pl.DataFrame(
            {
                "_code": code,
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
                **housing,
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
            pl.format("R-{}", pl.col("_code").cast(pl.String).str.zfill(19)).alias(
                "id_rumah_tangga"
            ),
            pl.when(pl.col("_komplek"))
            .then(pl.format("{} Blok {} No. {}", "_street", "_blok", "_number"))
            .otherwise(pl.format("{} No. {}{}", "_street", "_number", "_letter"))
            .alias("alamat"),
        ).select(pl.exclude("^_.*$"))  # without the parts of the address
