"""`padu generate population`: structure, realism, determinism and injected rows."""

import datetime
import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from django.conf import settings
from django.core.management import call_command

from padu.registry.importer.layout import FAMILY_COLUMNS, NAMES, ROW
from padu.synth.allocator import SerialAllocator, compose_number
from padu.synth.dates import REFERENCE_DATE
from padu.synth.inject import BROKEN_KINDS, DUPLICATE_KINDS
from padu.synth.names import spelling_variant
from padu.synth.places import _villages_from_csv, load_villages
from padu.synth.population import generate_population
from padu.synth.welfare import PPKS_CODES

DOC = Path(settings.BASE_DIR) / "docs" / "import-layout.md"
REF = datetime.date.fromisoformat(str(REFERENCE_DATE))
PADANG_KECAMATAN = {f"13.71.{i:02d}" for i in range(1, 12)}
PROVINCES = {
    "11",
    "12",
    "13",
    "14",
    "15",
    "16",
    "17",
    "18",
    "19",
    "21",
    "31",
    "32",
    "33",
    "34",
    "35",
}
PROVINCES |= {"36", "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75"}
PROVINCES |= {"76", "81", "82", "91", "92", "93", "94", "95", "96"}
ASSETS = {
    "tabung_gas", "lemari_es", "ac", "pemanas_air", "telepon_rumah", "televisi", "emas", "komputer",
    "sepeda", "sepeda_motor", "mobil", "perahu", "motor_tempel", "perahu_motor", "kapal", "lahan",
    "rumah_lain",
}  # fmt: skip
CODE_RANGES = {
    "hubungan_keluarga": 8, "status_kawin": 4, "pendidikan": 8, "status_pekerjaan": 9,
    "status_kepemilikan_rumah": 5, "jenis_lantai": 10, "jenis_dinding": 7, "jenis_atap": 10,
    "sumber_air_minum": 12, "sumber_penerangan": 3, "bahan_bakar_memasak": 9, "fasilitas_bab": 4,
    "desil": 10,
}  # fmt: skip


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _nik_parts(nik):
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    return nik[:6], day - 40 if female else day, month, yy, female, int(nik[12:])


def problems(row, villages) -> set[str]:
    """An independent check of one row against docs/import-layout.md: the columns it breaks."""
    bad = set()
    nik, kk = row["nik"] or "", row["no_kk"] or ""
    birth = _date(row["tanggal_lahir"])
    if not re.fullmatch(r"\d{16}", nik):
        bad.add("nik")
    else:
        prefix, day, month, yy, female, serial = _nik_parts(nik)
        real = None
        try:
            real = datetime.date(2000 + yy if 2000 + yy <= REF.year else 1900 + yy, month, day)
        except ValueError:
            bad.add("nik")
        if serial == 0 or prefix[:2] not in PROVINCES or prefix[2:4] == "00" or prefix[4:] == "00":
            bad.add("nik")
        if prefix.startswith("1371") and f"13.71.{prefix[4:]}" not in PADANG_KECAMATAN:
            bad.add("nik")
        if real and birth and (birth.day, birth.month, birth.year % 100) != (day, month, yy):
            bad.add("nik")
        if row["jenis_kelamin"] in ("L", "P") and female != (row["jenis_kelamin"] == "P"):
            bad.add("nik")
    if not re.fullmatch(r"\d{16}", kk) or kk.endswith("0000"):
        bad.add("no_kk")
    if not row["nama"] or "<" in row["nama"]:
        bad.add("nama")
    if row["jenis_kelamin"] not in ("L", "P"):
        bad.add("jenis_kelamin")
    if birth is None or birth > REF or (REF - birth).days / 365.25 > 110:
        bad.add("tanggal_lahir")
    for column, top in CODE_RANGES.items():
        value = row[column]
        if value is not None and not (value.isdigit() and 1 <= int(value) <= top):
            bad.add(column)
    if row["penghasilan"] is not None and not row["penghasilan"].isdigit():
        bad.add("penghasilan")
    if row["luas_lantai"] is not None and not row["luas_lantai"].isdigit():
        bad.add("luas_lantai")
    if row["ppks"] and any(
        not c.isdigit() or int(c) not in PPKS_CODES for c in row["ppks"].split(";")
    ):
        bad.add("ppks")
    if row["disabilitas"] and not set(row["disabilitas"].split(";")) <= {
        "fisik", "intelektual", "mental", "netra", "rungu", "wicara", "rungu_wicara",
    }:  # fmt: skip
        bad.add("disabilitas")
    if row["tingkat_disabilitas"] not in (None, "ringan", "sedang", "berat"):
        bad.add("tingkat_disabilitas")
    if row["status_padan"] not in (None, "padan", "tidak_padan", "belum"):
        bad.add("status_padan")
    if row["hubungan_keluarga"] == "1" and row["kode_wilayah"] not in villages:
        bad.add("kode_wilayah")
    for column in ("rw", "rt"):
        if row[column] is not None and not re.fullmatch(r"\d{1,3}", row[column]):
            bad.add(column)
    for column, lo, hi in (("lintang", -11, 6), ("bujur", 95, 141)):
        if row[column] is not None:
            try:
                if not lo <= float(row[column]) <= hi:
                    bad.add(column)
            except ValueError:
                bad.add(column)
    if row["aset"] and not set(row["aset"].split(";")) <= ASSETS:
        bad.add("aset")
    if row["ternak"] and not all(
        re.fullmatch(r"(sapi|kerbau|kuda|babi|kambing):[1-9]\d*", t)
        for t in row["ternak"].split(";")
    ):
        bad.add("ternak")
    if row["periode_desil"] is not None and _date(row["periode_desil"]) is None:
        bad.add("periode_desil")
    return bad


@pytest.fixture(scope="module")
def villages():
    return {code for code, _name in _villages_from_csv("13.71")}


@pytest.fixture(scope="module")
def population(tmp_path_factory, django_db_setup, django_db_blocker):
    """20,000 people with a few duplicates and two of every broken kind."""
    path = tmp_path_factory.mktemp("pop") / "population.csv"
    with django_db_blocker.unblock():
        report = generate_population(
            path, people=20_000, seed=7, duplicates=12, broken=2 * len(BROKEN_KINDS)
        )
    frame = pl.read_csv(path, infer_schema=False)
    return report, frame, path


@pytest.fixture(scope="module")
def clean(population):
    """The generated rows only (injected ones removed), with ages."""
    report, frame, _path = population
    injected = {r["line"] for r in report.duplicates + report.broken}
    frame = frame.with_row_index("line", offset=2).filter(~pl.col("line").is_in(list(injected)))
    return frame.with_columns(
        pl.col("tanggal_lahir").str.to_date().alias("_birth"),
        pl.col("hubungan_keluarga").cast(pl.Int64).alias("_rel"),
    ).with_columns(((pl.lit(REF) - pl.col("_birth")).dt.total_days() / 365.25).alias("_age"))


def test_columns_are_those_of_the_import_layout_document():
    documented = re.findall(r"^\| `([a-z_]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.M)
    assert documented == [*NAMES, *ROW.export_only]


def test_file_has_every_column_and_exact_counts(population):
    report, frame, _path = population
    assert frame.columns == list(NAMES)
    assert report.people == 20_000
    assert frame.height == 20_000 + 12 + 2 * len(BROKEN_KINDS) == report.rows
    assert 4_900 <= report.families <= 5_700  # mean family size ≈ 3.8


def test_generated_rows_are_all_valid(population, clean, villages):
    rows = clean.drop("line", "_birth", "_rel", "_age").to_dicts()
    failures = [
        (i, problems(row, villages)) for i, row in enumerate(rows) if problems(row, villages)
    ]
    assert failures == []


def test_identifiers_agree_with_the_registry_rules(clean, db):
    """Generated numbers are well formed, their regions are in the national list, a KK's digits
    7–12 are a date, and a NIK agrees with the sex and birth date: no error and no warning."""
    from padu.registry.context import RecordContext
    from padu.registry.declarations import FAMILY, PERSON
    from padu.registry.identifiers import check_number

    context = RecordContext()
    columns = clean.select("nik", "no_kk", "tanggal_lahir", "jenis_kelamin")
    for row in columns.iter_rows(named=True):
        person = {
            "nik": check_number(row["nik"], "nik"),
            "birth_date": _date(row["tanggal_lahir"]),
            "sex": row["jenis_kelamin"],
        }
        family = {"kk_number": check_number(row["no_kk"], "kk_number")}
        assert PERSON.warnings(person, context) == []
        assert FAMILY.warnings(family, context) == []


def test_nik_and_kk_are_unique_and_consistent_with_region(clean):
    assert clean["nik"].n_unique() == clean.height
    heads = clean.filter(pl.col("_rel") == 1)
    assert heads["no_kk"].n_unique() == heads.height == clean["no_kk"].n_unique()
    # KK prefix = the family's kecamatan; NIK prefix mostly the family's kecamatan.
    kec = heads["kode_wilayah"].str.slice(0, 8).str.replace_all(".", "", literal=True)
    assert (heads["no_kk"].str.slice(0, 6) == kec).all()
    # KK registration date is a real date, not after the reference date
    for kk in heads["no_kk"].head(2000):
        registered = datetime.date(2000 + int(kk[10:12]), int(kk[8:10]), int(kk[6:8]))
        assert datetime.date(2008, 1, 1) <= registered <= REF
    outside = (~clean["nik"].str.starts_with("1371")).mean()
    assert 0.05 <= outside <= 0.15


def test_every_family_has_exactly_one_head_and_it_comes_first(clean):
    groups = clean.group_by("no_kk", maintain_order=True).agg(
        pl.col("_rel").first().alias("first"), (pl.col("_rel") == 1).sum().alias("heads")
    )
    assert (groups["heads"] == 1).all()
    assert (groups["first"] == 1).all()
    # family columns on the head's row only
    members = clean.filter(pl.col("_rel") != 1)
    assert (
        members.select(pl.all_horizontal(pl.col(list(FAMILY_COLUMNS)).is_null())).to_series().all()
    )
    # rows of a family are contiguous
    runs = (clean["no_kk"] != clean["no_kk"].shift(1)).fill_null(True).sum()
    assert runs == groups.height


def test_children_are_younger_than_their_mothers(clean):
    mothers = clean.filter(
        (pl.col("_rel").is_in([1, 2])) & (pl.col("jenis_kelamin") == "P")
    ).select(
        "no_kk", pl.col("nama").alias("nama_ibu_kandung"), pl.col("_birth").alias("_mother_birth")
    )
    children = clean.filter(pl.col("_rel") == 3).join(
        mothers, on=["no_kk", "nama_ibu_kandung"], how="left"
    )
    with_mother = children.filter(pl.col("_mother_birth").is_not_null())
    assert with_mother.height > 0.8 * children.height
    gap = (with_mother["_birth"] - with_mother["_mother_birth"]).dt.total_days() / 365.25
    assert gap.min() >= 16.9
    assert gap.max() <= 45.1
    # When the spouse is a woman, her children carry her name as their mother's name.
    wives = clean.filter((pl.col("_rel") == 2) & (pl.col("jenis_kelamin") == "P")).select(
        "no_kk", pl.col("nama").alias("wife")
    )
    kids = clean.filter(pl.col("_rel") == 3).join(wives, on="no_kk")
    assert (kids["nama_ibu_kandung"] == kids["wife"]).all()
    # Heads are adults; the age pyramid is that of a young city.
    assert clean.filter(pl.col("_rel") == 1)["_age"].min() >= 17
    assert 25 <= clean["_age"].median() <= 32
    assert clean["_age"].max() <= 105


def test_no_plausibility_warnings_against_the_head(clean):
    """Registry warnings: a child/grandchild not younger, a parent not older, than the head."""
    heads = clean.filter(pl.col("_rel") == 1).select("no_kk", pl.col("_birth").alias("_head"))
    members = clean.join(heads, on="no_kk")
    assert (
        members.filter(pl.col("_rel").is_in([3, 5]) & (pl.col("_birth") <= pl.col("_head"))).height
        == 0
    )
    assert members.filter((pl.col("_rel") == 6) & (pl.col("_birth") >= pl.col("_head"))).height == 0


def test_family_structure_is_plausible(clean):
    sizes = clean.group_by("no_kk").len()["len"]
    assert 3.6 <= sizes.mean() <= 4.0
    assert 0.06 <= (sizes == 1).mean() <= 0.14
    heads = clean.filter(pl.col("_rel") == 1)
    assert 0.1 <= (heads["jenis_kelamin"] == "P").mean() <= 0.25
    rel = clean["_rel"].value_counts()
    present = set(rel["_rel"].to_list())
    assert {1, 2, 3, 4, 5, 6, 8} <= present
    singles = (
        clean.group_by("no_kk").agg(pl.len(), pl.col("_age").first()).filter(pl.col("len") == 1)
    )
    assert (singles["_age"] >= 60).sum() > 0.3 * singles.height  # single elderly households


def test_desil_distribution_fits_a_city_with_four_percent_poverty(population, clean):
    report, _frame, _path = population
    heads = clean.filter(pl.col("_rel") == 1)
    share = {d: (heads["desil"] == str(d)).mean() for d in range(1, 11)}
    none = heads["desil"].is_null().mean()
    assert 0.02 <= share[1] <= 0.05
    assert 0.035 <= share[2] <= 0.065
    assert 0.015 <= none <= 0.05
    assert share[1] < share[2] < share[3] < share[5] < share[7]
    assert sum(share[d] for d in range(6, 11)) > 0.55
    assert sum(report.desil_families.values()) == report.families
    # The periode_desil is there exactly when the desil is.
    assert (heads["desil"].is_null() == heads["periode_desil"].is_null()).all()


def test_one_dwelling_in_ten_to_fifteen_holds_several_families(clean):
    """Issue #11: about 10–15 % of dwellings hold two KKs or more; the families of a dwelling
    live in one kelurahan and give the same housing columns."""
    heads = clean.filter(pl.col("_rel") == 1)
    housing = [
        "kode_wilayah",
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
        "alamat",
    ]
    dwellings = heads.group_by("id_rumah_tangga").agg(
        pl.len().alias("families"), *[pl.col(c).n_unique().alias(c) for c in housing]
    )
    shared = (dwellings["families"] >= 2).mean()
    assert 0.10 <= shared <= 0.15, shared
    assert dwellings.select(pl.max_horizontal(housing)).max().item() == 1
    assert heads["id_rumah_tangga"].null_count() == 0


def test_housing_assets_and_income_follow_the_desil(clean):
    heads = clean.filter((pl.col("_rel") == 1) & pl.col("desil").is_not_null()).with_columns(
        pl.col("desil").cast(pl.Int64)
    )
    poor, rich = heads.filter(pl.col("desil") <= 2), heads.filter(pl.col("desil") >= 9)

    def share(frame, column, codes):
        return frame[column].cast(pl.Int64).is_in(codes).mean()

    assert share(poor, "jenis_lantai", [6, 7, 8, 9]) > 2 * share(rich, "jenis_lantai", [6, 7, 8, 9])
    assert share(poor, "bahan_bakar_memasak", [8]) > 0.05 > share(rich, "bahan_bakar_memasak", [8])
    assert share(poor, "fasilitas_bab", [2, 3, 4]) > 3 * share(rich, "fasilitas_bab", [2, 3, 4])
    assert share(poor, "sumber_air_minum", [7, 9, 10]) > share(rich, "sumber_air_minum", [7, 9, 10])
    assets = pl.col("aset").fill_null("").str.count_matches(";") + pl.col("aset").is_not_null()
    assert poor.select(assets.mean()).item() + 2 < rich.select(assets.mean()).item()
    assert poor["luas_lantai"].cast(pl.Int64).median() < rich["luas_lantai"].cast(pl.Int64).median()
    income = clean.join(heads.select("no_kk", pl.col("desil").alias("d")), on="no_kk").filter(
        pl.col("penghasilan").cast(pl.Int64) > 0
    )
    median = income.group_by("d").agg(pl.col("penghasilan").cast(pl.Int64).median()).sort("d")
    assert median["penghasilan"].is_sorted()


def test_disability_ppks_chronic_and_matching_prevalence(clean):
    assert 0.015 <= clean["disabilitas"].is_not_null().mean() <= 0.035
    multiple = clean["disabilitas"].str.contains(";").sum()
    assert 0 < multiple < 0.25 * clean["disabilitas"].is_not_null().sum()
    # The file's one severity: the one all of a person's types share (each has its own, in the
    # assessments beside the file; test_assessments_beside_the_file).
    single = clean.filter(
        pl.col("disabilitas").is_not_null() & ~pl.col("disabilitas").str.contains(";")
    )
    assert single["tingkat_disabilitas"].is_not_null().all()
    assert clean.filter(pl.col("disabilitas").is_null())["tingkat_disabilitas"].is_null().all()
    types = clean["disabilitas"].drop_nulls().str.split(";").explode().value_counts()
    counts = dict(types.iter_rows())
    # The sensory sub-types, sight the commonest; none written as bare "sensorik".
    assert counts["netra"] > counts["rungu"] > counts["wicara"] > 0 and counts["rungu_wicara"] > 0
    assert "sensorik" not in counts
    assert 0.01 <= clean["penyakit_kronis"].is_not_null().mean() <= 0.08
    codes = clean["ppks"].drop_nulls().str.split(";").explode().cast(pl.Int64)
    counts = dict(codes.value_counts().iter_rows())
    assert counts[24] > counts[9] > counts[8] > 0  # fakir miskin, disabilitas, lansia terlantar
    disabled_adults = clean.filter(pl.col("disabilitas").is_not_null() & (pl.col("_age") >= 18))
    assert disabled_adults["ppks"].fill_null("").str.contains(r"\b9\b").mean() > 0.7
    heads = clean.filter(pl.col("_rel") == 1)
    fakir = heads.filter(pl.col("ppks").fill_null("").str.contains(r"\b24\b"))
    assert fakir["desil"].cast(pl.Int64).drop_nulls().le(3).mean() > 0.95
    padan = clean["status_padan"].value_counts(normalize=True)
    padan = dict(padan.iter_rows())
    assert padan["padan"] > 0.85 and padan["belum"] > 0.02 and padan["tidak_padan"] > 0.01


def test_addresses_cover_all_kelurahan_and_stay_in_padang(clean, villages):
    heads = clean.filter(pl.col("_rel") == 1)
    assert set(heads["kode_wilayah"]) == villages
    assert len(villages) == 104
    by_kec = heads.group_by(pl.col("kode_wilayah").str.slice(0, 8)).len()
    by_kec = dict(by_kec.iter_rows())
    assert by_kec["13.71.11"] > 4 * by_kec["13.71.05"]  # Koto Tangah vs Bungus Teluk Kabung
    assert by_kec["13.71.09"] > by_kec["13.71.03"]  # Kuranji vs Padang Barat
    lat, lon = heads["lintang"].cast(pl.Float64), heads["bujur"].cast(pl.Float64)
    assert lat.min() >= -1.05 and lat.max() <= -0.75
    assert lon.min() >= 100.33 and lon.max() <= 100.50
    rw, rt = heads["rw"].cast(pl.Int64), heads["rt"].cast(pl.Int64)
    assert rw.min() >= 1 and rw.max() <= 15 and rt.min() >= 1 and rt.max() <= 10
    assert heads["rw"].str.len_chars().eq(3).all()
    assert heads["alamat"].str.contains(r"^(Jl\.|Gg\.|Komp\.|Perum).* No\. \d+").mean() > 0.99


def test_names_look_indonesian_and_minangkabau(clean):
    names = clean["nama"]
    assert names.str.contains(" Dt. ").sum() > 50
    assert names.str.contains("'").sum() > 20
    assert names.str.contains(r"^(Muhammad|M\.|Muhamad|Mohammad) ").sum() > 100
    assert names.str.contains(r"^(Nurul|Nur) ").sum() > 50
    assert names.str.contains(r"^(Nofrizal|Afrizal|Desrita|Yusrizal|Nofriyanti)").sum() > 10
    assert names.n_unique() > 3000


def test_broken_rows_are_listed_and_each_breaks_its_column(population, villages):
    report, frame, _path = population
    assert {b["kind"] for b in report.broken} == {k.kind for k in BROKEN_KINDS}
    assert len(report.broken) == 2 * len(BROKEN_KINDS)
    manifest = json.loads(Path(report.manifest).read_text(encoding="utf-8"))
    assert manifest["broken"] == report.broken
    lines = [b["line"] for b in report.broken]
    assert max(lines) - min(lines) > 10_000  # spread through the file
    for record in report.broken:
        row = frame.row(record["line"] - 2, named=True)
        assert row["nik"] == record["nik"]
        found = problems(row, villages)
        if record["kind"] == "nik_ganda_dalam_berkas":
            assert found == set()
            source = frame.row(record["source_line"] - 2, named=True)
            assert source["nik"] == row["nik"] and record["source_line"] < record["line"]
            assert source["tanggal_lahir"] == row["tanggal_lahir"]
        else:
            assert found == {record["column"]}, (record, found)
    assert frame["nama"].str.contains("<script>alert(1)</script>", literal=True).sum() == 2
    # NIKs are unique except for the deliberate duplicates
    assert frame["nik"].drop_nulls().is_duplicated().sum() == 2 * 2


def test_duplicates_are_the_same_person_under_another_nik(population, villages):
    report, frame, _path = population
    assert len(report.duplicates) == 12
    assert {d["kind"] for d in report.duplicates} == set(DUPLICATE_KINDS)
    for record in report.duplicates:
        row = frame.row(record["line"] - 2, named=True)
        source = frame.row(record["source_line"] - 2, named=True)
        assert problems(row, villages) == set()
        assert row["nik"] != source["nik"] and row["nama"] != source["nama"]
        for column in ("tanggal_lahir", "jenis_kelamin", "nama_ibu_kandung", "tempat_lahir"):
            assert row[column] == source[column]
        assert row["no_kk"] != source["no_kk"]
        if record["kind"] == "kk_lain_nik_lain":
            assert row["hubungan_keluarga"] == "8"
            assert frame.filter(pl.col("no_kk") == row["no_kk"]).height >= 2
        else:
            assert row["hubungan_keluarga"] == "1" and row["kode_wilayah"] in villages


def test_same_seed_same_file_other_seed_other_file(tmp_path, db):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    generate_population(a, people=2_500, seed=3, duplicates=3, broken=5)
    generate_population(b, people=2_500, seed=3, duplicates=3, broken=5)
    generate_population(c, people=2_500, seed=4, duplicates=3, broken=5)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert (
        Path(str(a) + ".injected.json").read_text() == Path(str(b) + ".injected.json").read_text()
    )


def test_xlsx_output(tmp_path, db):
    from openpyxl import load_workbook

    path = tmp_path / "pop.xlsx"
    report = generate_population(path, people=300, seed=2, broken=3)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(NAMES)
    assert len(rows) == 1 + 303 == 1 + report.rows
    nik = NAMES.index("nik")
    rel = NAMES.index("hubungan_keluarga")
    assert all(isinstance(r[nik], str) for r in rows[1:] if r[nik])
    assert {type(r[rel]) for r in rows[1:]} <= {int, str}


def test_the_command_accepts_call_command_options(tmp_path, db):
    path = tmp_path / "demo.csv"
    call_command(
        "generate", "population", people=400, out=str(path), seed=5, format="csv", duplicates=2,
        broken=3, verbosity=0,
    )  # fmt: skip
    frame = pl.read_csv(path, infer_schema=False)
    assert frame.height == 405
    # the same through the command line, as `padu demo` calls it
    again = tmp_path / "again.csv"
    call_command(
        "generate", "population", "--people", "400", "--out", str(again), "--seed", "5",
        "--duplicates", "2", "--broken", "3", verbosity=0,
    )  # fmt: skip
    assert again.read_bytes() == path.read_bytes()


def test_regions_come_from_the_table_when_loaded(db):
    rows, source = load_villages("13.71")
    assert source == "table"
    assert [c for c, _ in rows] == sorted(c for c, _ in _villages_from_csv("13.71"))
    rows, _source = load_villages("13.71.05")
    assert len(rows) == 6
    with pytest.raises(ValueError):
        load_villages("99.99")


def test_one_kecamatan_only(tmp_path, db):
    path = tmp_path / "bungus.csv"
    generate_population(path, people=500, seed=1, region="13.71.05")
    heads = pl.read_csv(path, infer_schema=False).filter(pl.col("hubungan_keluarga") == "1")
    assert heads["kode_wilayah"].str.starts_with("13.71.05.").all()
    assert heads["no_kk"].str.starts_with("137105").all()


def test_serial_allocation_moves_to_a_nearby_day_when_a_date_is_full():
    alloc = SerialAllocator(n_prefixes=1, max_serial=3)
    days = np.full(8, 10_000)
    female = np.array([False] * 7 + [True])
    serial, moved = alloc.allocate(np.zeros(8, np.int64), days, female)
    assert serial.tolist() == [1, 2, 3, 1, 2, 3, 1, 1]
    assert moved.tolist() == [10_000] * 3 + [10_001] * 3 + [9_999, 10_000]
    numbers = compose_number(np.full(8, 137101), moved, female, serial)
    assert len(set(numbers.tolist())) == 8
    assert str(numbers[-1])[6:8] == str(int(str(numbers[0])[6:8]) + 40)


@pytest.mark.parametrize(
    "name",
    [
        "Muhammad Yusuf",
        "Ma'ruf",
        "Nurul Aini",
        "H. Zulkifli Dt. Rajo Mangkuto",
        "Yusrizal",
        "Fadhil",
    ],
)
def test_spelling_variants(name):
    rng = np.random.default_rng(1)
    variant = spelling_variant(name, rng)
    assert variant and variant != name
    shared = set(name.lower()) & set(variant.lower())
    assert len(shared) >= 0.6 * len(set(name.lower()))


def test_the_family_columns_are_those_the_layout_takes_from_the_head(db):
    from padu.synth.generator import PopulationGenerator
    from padu.synth.places import build_places

    villages, _source = load_villages("13.71")
    chunk = PopulationGenerator(build_places(villages), seed=1).generate(
        np.random.default_rng(1), 50
    )
    assert chunk.family_columns == FAMILY_COLUMNS
    assert chunk.frame.columns == list(NAMES)


def test_assessments_beside_the_file(population, clean):
    """Each type in force has one record with its own severity, a date in the past after the
    person's birth and a source; some replaced an earlier one; each PPKS category a person holds
    was met at an assessment with a date, an assessor and evidence."""
    report, _frame, path = population
    assert report.assessments == [f"{path}.disabilitas.csv", f"{path}.ppks.csv"]
    records = pl.read_csv(report.assessments[0], infer_schema=False)
    in_force = records.filter(pl.col("ended_on").is_null())
    given = (
        clean.select("nik", "_birth", pl.col("disabilitas").str.split(";").alias("type"))
        .explode("type")
        .drop_nulls("type")
    )
    assert sorted(in_force.select("nik", "type").rows()) == sorted(
        given.select("nik", "type").rows()
    )
    assert set(records["severity"]) <= {"ringan", "sedang", "berat"}
    assert set(records["source"]) <= {"surat_dokter", "kunjungan_psm", "asesmen_dinas", "lainnya"}
    dated = in_force.join(given, on=["nik", "type"]).with_columns(
        pl.col("assessed_on").str.to_date()
    )
    assert (dated["assessed_on"] >= dated["_birth"]).all()
    assert dated["assessed_on"].max() < REF
    ganda = in_force.group_by("nik").agg(pl.col("severity").n_unique().alias("n"), pl.len())
    assert ganda.filter(pl.col("len") > 1)["n"].max() > 1  # each type its own severity
    replaced = records.filter(pl.col("ended_on").is_not_null())
    assert 0 < replaced.height < in_force.height
    later = replaced.join(in_force, on=["nik", "type"], suffix="_new")
    assert later.height == replaced.height
    assert (later["ended_on"] == later["assessed_on_new"]).all()
    assert (later["assessed_on"] < later["assessed_on_new"]).all()
    assert (later["severity"] != later["severity_new"]).all()

    assessments = pl.read_csv(report.assessments[1], infer_schema=False)
    held = (
        clean.select("nik", pl.col("ppks").str.split(";").alias("category"))
        .explode("category")
        .drop_nulls("category")
    )
    met = assessments.group_by("nik", "category").agg(pl.col("result").last())
    assert sorted(held.rows()) == sorted(met.select("nik", "category").rows())
    assert set(met["result"]) == {"memenuhi"}
    assert set(assessments["result"]) == {"memenuhi", "tidak_memenuhi"}
    assert assessments["assessor"].str.len_chars().min() > 0
    assert assessments["evidence"].str.len_chars().min() > 0
