"""Duplicate and broken rows mixed into a generated chunk, for import, dedup and benchmark tests.

Every injected row is new: an extra person placed right after the rows of a family of the chunk.

Duplicates (``--duplicates``) are the same person as an earlier or later row — same birth date,
sex, birth place and mother's name — under a spelling variant of the name and **a different
NIK** (a new, structurally valid serial), so that they import cleanly and only probabilistic
linkage can find them:

- ``kk_lain_nik_lain``: added to another family's KK as "lainnya" (hubungan 8);
- ``kk_baru_nik_lain``: alone on a new KK (a one-person family elsewhere in the city).

The same person with the *same* NIK in another KK is the broken kind ``nik_ganda_dalam_berkas``:
an importer must reject it as a NIK used twice in the file.

Broken rows (``--broken``) are one-person families, valid in every column except one; the kinds
cycle through ``BROKEN_KINDS`` in random positions, so ``--broken 35`` or more gives each kind at
least once. ``severity`` tells whether the registry treats the problem as an error or as a warning
that needs confirmation (NIK and birth date/sex disagreeing, an implausible age).
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from .allocator import compose_number
from .dates import EPOCH
from .generator import PopulationGenerator
from .names import spelling_variant


@dataclass(frozen=True)
class BrokenKind:
    kind: str
    column: str
    severity: str  # "error" or "warning"
    description: str


BROKEN_KINDS = (
    BrokenKind("nik_format", "nik", "error", "NIK of 15 digits"),
    BrokenKind("nik_serial_0000", "nik", "error", "NIK serial 0000"),
    BrokenKind(
        "nik_wilayah_tidak_dikenal", "nik", "error", "NIK prefix of an unknown province (99)"
    ),
    BrokenKind("nik_tanggal_mustahil", "nik", "error", "NIK day 35 (or 75 for a woman)"),
    BrokenKind("nik_tanggal_beda", "nik", "warning", "NIK date differs from tanggal_lahir"),
    BrokenKind("nik_perempuan_tanpa_40", "nik", "warning", "woman whose NIK day lacks +40"),
    BrokenKind("nik_laki_dengan_40", "nik", "warning", "man whose NIK day has +40"),
    BrokenKind(
        "nik_ganda_dalam_berkas",
        "nik",
        "error",
        "NIK already used by an earlier row (same person, new KK)",
    ),
    BrokenKind("no_kk_format", "no_kk", "error", "KK number of 15 digits"),
    BrokenKind(
        "kode_wilayah_tidak_dikenal", "kode_wilayah", "error", "kelurahan code that does not exist"
    ),
    BrokenKind("tanggal_lahir_tidak_valid", "tanggal_lahir", "error", "30 February"),
    BrokenKind(
        "tanggal_lahir_masa_depan",
        "tanggal_lahir",
        "error",
        "birth date in the future (NIK agrees)",
    ),
    BrokenKind(
        "usia_tidak_wajar", "tanggal_lahir", "warning", "born 1905 (age over 110; NIK agrees)"
    ),
    BrokenKind("jenis_kelamin_tidak_valid", "jenis_kelamin", "error", "sex X"),
    BrokenKind(
        "hubungan_keluarga_di_luar_rentang", "hubungan_keluarga", "error", "relationship code 9"
    ),
    BrokenKind("status_kawin_di_luar_rentang", "status_kawin", "error", "marital status 5"),
    BrokenKind("pendidikan_di_luar_rentang", "pendidikan", "error", "education 0"),
    BrokenKind(
        "status_pekerjaan_di_luar_rentang", "status_pekerjaan", "error", "employment status 10"
    ),
    BrokenKind("desil_di_luar_rentang", "desil", "error", "desil 11"),
    BrokenKind("jenis_lantai_di_luar_rentang", "jenis_lantai", "error", "floor code 11"),
    BrokenKind("sumber_air_minum_di_luar_rentang", "sumber_air_minum", "error", "water source 13"),
    BrokenKind("nama_berisi_skrip", "nama", "error", "<script>alert(1)</script> as the name"),
    BrokenKind("nama_kosong", "nama", "error", "empty name"),
    BrokenKind("penghasilan_negatif", "penghasilan", "error", "income -500000"),
    BrokenKind("ppks_tidak_dikenal", "ppks", "error", "PPKS code 99"),
    BrokenKind("disabilitas_tidak_dikenal", "disabilitas", "error", "disability type 'buta'"),
    BrokenKind(
        "tingkat_disabilitas_tidak_valid", "tingkat_disabilitas", "error", "severity 'parah'"
    ),
    BrokenKind("status_padan_tidak_valid", "status_padan", "error", "match status 'ya'"),
    BrokenKind("lintang_di_luar_rentang", "lintang", "error", "latitude 45.5"),
    BrokenKind("bujur_bukan_angka", "bujur", "error", "longitude 'seratus'"),
    BrokenKind("rt_tidak_valid", "rt", "error", "RT '1234'"),
    BrokenKind("aset_tidak_dikenal", "aset", "error", "asset 'helikopter'"),
    BrokenKind("ternak_tidak_valid", "ternak", "error", "livestock 'gajah:1'"),
    BrokenKind("periode_desil_tidak_valid", "periode_desil", "error", "desil period 2025-13-20"),
    BrokenKind("luas_lantai_negatif", "luas_lantai", "error", "floor area -36"),
)
BROKEN_BY_NAME = {b.kind: b for b in BROKEN_KINDS}
DUPLICATE_KINDS = ("kk_lain_nik_lain", "kk_baru_nik_lain")

# What a duplicate does not share with its original (besides the family's columns).
_OWN_COLUMNS = ("no_kk", "nik", "nama", "hubungan_keluarga")
_FIELD_VALUES = {
    "jenis_kelamin_tidak_valid": "X",
    "hubungan_keluarga_di_luar_rentang": "9",
    "status_kawin_di_luar_rentang": "5",
    "pendidikan_di_luar_rentang": "0",
    "status_pekerjaan_di_luar_rentang": "10",
    "desil_di_luar_rentang": "11",
    "jenis_lantai_di_luar_rentang": "11",
    "sumber_air_minum_di_luar_rentang": "13",
    "nama_berisi_skrip": "<script>alert(1)</script>",
    "nama_kosong": None,
    "penghasilan_negatif": "-500000",
    "ppks_tidak_dikenal": "99",
    "disabilitas_tidak_dikenal": "buta",
    "status_padan_tidak_valid": "ya",
    "lintang_di_luar_rentang": "45.5",
    "bujur_bukan_angka": "seratus",
    "rt_tidak_valid": "1234",
    "aset_tidak_dikenal": "televisi;helikopter",
    "ternak_tidak_valid": "gajah:1",
    "periode_desil_tidak_valid": "2025-13-20",
    "luas_lantai_negatif": "-36",
}


@dataclass
class Planned:
    position: int  # row of the chunk after whose family the row goes
    category: str  # "duplicate" or "broken"
    kind: str


def _days(iso: str) -> int:
    return int((np.datetime64(iso, "D") - EPOCH).astype(np.int64))


def _iso(days: int) -> str:
    return str(EPOCH + np.timedelta64(int(days), "D"))


class Injector:
    def __init__(self, gen: PopulationGenerator):
        self.gen = gen
        self.invalid_niks: set[str] = set()

    def _new_nik(self, prefix: str, birth_iso: str, female: bool) -> tuple[str, str]:
        """A fresh valid NIK (and the birth date it encodes, normally unchanged)."""
        idx = self.gen.people.prefix_index[int(prefix)]
        serial, days = self.gen.people.nik_alloc.allocate(
            np.array([idx]), np.array([_days(birth_iso)]), np.array([female])
        )
        nik = compose_number(np.array([int(prefix)]), days, np.array([female]), serial)
        return str(int(nik[0])), _iso(int(days[0]))

    def _unique_invalid(self, nik: str) -> str:
        """Invalid NIKs are made from valid ones; keep them distinct from each other."""
        while nik in self.invalid_niks:
            nik = nik[:-4] + f"{(int(nik[-4:]) + 1) % 10000:04d}"
        self.invalid_niks.add(nik)
        return nik

    def apply(
        self,
        rng,
        frame: pl.DataFrame,
        fam: np.ndarray,
        plan: list[Planned],
        *,
        family_columns: tuple[str, ...],
    ):
        """The chunk as strings with the planned rows inserted, and one record per inserted row.

        Records carry ``_at`` (index in the returned frame) and ``_source`` (index of the original
        row in the returned frame, or None); the caller turns them into file line numbers.
        """
        gen = self.gen
        n = frame.height
        strings = frame.with_columns(pl.all().cast(pl.String))
        # The person's own attributes, which a duplicate shares with its original.
        same_person = tuple(
            c for c in frame.columns if c not in family_columns and c not in _OWN_COLUMNS
        )
        last_row = np.zeros(int(fam.max()) + 1, np.int64)
        last_row[fam] = np.arange(n)
        first_row = np.zeros_like(last_row)
        first_row[fam[::-1]] = np.arange(n)[::-1]
        needs_fresh = sum(1 for p in plan if p.category == "broken" or p.kind == "kk_baru_nik_lain")
        fresh_rows = []

        def more_fresh(count):
            fresh = gen.generate(rng, count, only_single_adults=True).frame
            fresh_rows.extend(fresh.with_columns(pl.all().cast(pl.String)).to_dicts())

        if needs_fresh:
            more_fresh(needs_fresh + 4)

        def take_fresh(sex=None):
            if not fresh_rows:
                more_fresh(8)
            for i, row in enumerate(fresh_rows):
                if sex is None or row["jenis_kelamin"] == sex:
                    return fresh_rows.pop(i)
            row = fresh_rows.pop(0)
            if sex is not None:
                row["jenis_kelamin"] = sex
            return row

        def source_row(before: int, exclude_fam=None):
            for _ in range(20):
                r = int(rng.integers(0, before + 1))
                if exclude_fam is None or fam[r] != exclude_fam:
                    return r
            return int(rng.integers(0, before + 1))

        # Sort keys: original row r → r·m; the k-th row inserted after row `end` → end·m + k.
        m = len(plan) + 1
        rows, keys, records = [], [], []
        per_family: dict[int, int] = {}
        for p in plan:
            end = int(last_row[fam[p.position]])
            k = per_family.get(end, 0) + 1
            per_family[end] = k
            key = end * m + k
            source = None
            if p.kind == "kk_lain_nik_lain":
                host_head = strings.row(int(first_row[fam[p.position]]), named=True)
                exclude = fam[p.position]
                source = source_row(n - 1, exclude_fam=exclude)
                src = strings.row(source, named=True)
                row = dict.fromkeys(strings.columns)
                row.update({c: src[c] for c in same_person})
                row["no_kk"] = host_head["no_kk"]
                row["hubungan_keluarga"] = "8"
                prefix = host_head["no_kk"][:6]
                row["nik"], row["tanggal_lahir"] = self._new_nik(
                    prefix, src["tanggal_lahir"], src["jenis_kelamin"] == "P"
                )
                row["nama"] = spelling_variant(src["nama"], rng)
            elif p.kind == "kk_baru_nik_lain":
                source = source_row(n - 1)
                src = strings.row(source, named=True)
                row = take_fresh()
                row.update({c: src[c] for c in same_person})
                row["hubungan_keluarga"] = "1"
                row["nik"], row["tanggal_lahir"] = self._new_nik(
                    row["no_kk"][:6], src["tanggal_lahir"], src["jenis_kelamin"] == "P"
                )
                row["nama"] = spelling_variant(src["nama"], rng)
            else:
                row, source = self._broken(
                    rng, p.kind, take_fresh, strings, source_row, end, same_person
                )
            rows.append(row)
            keys.append(key)
            records.append({"category": p.category, "kind": p.kind, "_key": key, "_source": source})

        injected = pl.DataFrame(rows, schema=dict.fromkeys(strings.columns, pl.String))
        combined = pl.concat(
            [
                strings.with_columns(pl.Series("_key", np.arange(n, dtype=np.int64) * m)),
                injected.with_columns(pl.Series("_key", np.array(keys, dtype=np.int64))),
            ]
        ).sort("_key")
        sorted_keys = combined["_key"].to_numpy()
        for rec in records:
            rec["_at"] = int(np.searchsorted(sorted_keys, rec.pop("_key")))
            if rec["_source"] is not None:
                rec["_source"] = int(np.searchsorted(sorted_keys, rec["_source"] * m))
            row = combined.row(rec["_at"], named=True)
            rec["nik"], rec["no_kk"], rec["nama"] = row["nik"], row["no_kk"], row["nama"]
            if rec["_source"] is not None:
                src = combined.row(rec["_source"], named=True)
                rec["source_nik"], rec["source_nama"] = src["nik"], src["nama"]
            if rec["category"] == "broken":
                b = BROKEN_BY_NAME[rec["kind"]]
                rec["column"], rec["severity"] = b.column, b.severity
        return combined.drop("_key"), records

    def _broken(self, rng, kind, take_fresh, strings, source_row, end, same_person):
        source = None
        if kind == "nik_perempuan_tanpa_40":
            row = take_fresh("P")
        elif kind == "nik_laki_dengan_40":
            row = take_fresh("L")
        else:
            row = take_fresh()
        nik, birth, female = row["nik"], row["tanggal_lahir"], row["jenis_kelamin"] == "P"
        if kind in _FIELD_VALUES:
            row[BROKEN_BY_NAME[kind].column] = _FIELD_VALUES[kind]
        elif kind == "tingkat_disabilitas_tidak_valid":
            row["disabilitas"], row["tingkat_disabilitas"] = "fisik", "parah"
        elif kind == "nik_format":
            row["nik"] = self._unique_invalid(nik[:-1])
        elif kind == "nik_serial_0000":
            # Two such rows for people with the same prefix, birth date and sex would collide;
            # bumping the serial would make the NIK valid, so take another person instead.
            for _ in range(len(self.invalid_niks) + 2):
                if nik[:12] + "0000" not in self.invalid_niks:
                    break
                row = take_fresh()
                nik = row["nik"]
            row["nik"] = nik[:12] + "0000"
            self.invalid_niks.add(row["nik"])
        elif kind == "nik_wilayah_tidak_dikenal":
            row["nik"] = self._unique_invalid("990101" + nik[6:])
        elif kind == "nik_tanggal_mustahil":
            row["nik"] = self._unique_invalid(nik[:6] + ("75" if female else "35") + nik[8:])
        elif kind == "nik_tanggal_beda":
            other = _iso(_days(birth) + 123)
            row["nik"], _ = self._new_nik(nik[:6], other, female)
        elif kind == "nik_perempuan_tanpa_40":
            row["nik"], row["tanggal_lahir"] = self._new_nik(nik[:6], birth, False)
        elif kind == "nik_laki_dengan_40":
            row["nik"], row["tanggal_lahir"] = self._new_nik(nik[:6], birth, True)
        elif kind == "nik_ganda_dalam_berkas":
            source = source_row(end)
            src = strings.row(source, named=True)
            row.update({c: src[c] for c in same_person})
            row["nik"] = src["nik"]
            row["nama"] = spelling_variant(src["nama"], rng)
        elif kind == "no_kk_format":
            row["no_kk"] = row["no_kk"][:-1]
        elif kind == "kode_wilayah_tidak_dikenal":
            code = row["kode_wilayah"]
            row["kode_wilayah"] = f"{code[:5]}.99.{code[-4:]}" if len(code) == 13 else code + ".99"
        elif kind == "tanggal_lahir_tidak_valid":
            row["tanggal_lahir"] = birth[:4] + "-02-30"
        elif kind == "tanggal_lahir_masa_depan":
            future = "2031" + birth[4:] if birth[5:] != "02-29" else "2031-02-28"
            row["nik"], row["tanggal_lahir"] = self._new_nik(nik[:6], future, female)
        elif kind == "usia_tidak_wajar":
            old = "1905" + birth[4:] if birth[5:] != "02-29" else "1905-02-28"
            row["nik"], row["tanggal_lahir"] = self._new_nik(nik[:6], old, female)
            row["status_kawin"] = "4"
        else:  # pragma: no cover - every kind is handled above
            raise ValueError(kind)
        return row, source
