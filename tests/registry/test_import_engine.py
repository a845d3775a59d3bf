"""The registry import engine: files in, validated rows upserted set-based, a per-row report."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.core.records.problems import WHITESPACE
from padu.registry.identifiers import (
    InvalidIdentifier,
    check_number,
    normalise_number_expr,
    number_problems_expr,
)
from padu.registry.importer import selectors
from padu.registry.importer.files import ImportFileError
from padu.registry.importer.layout import NAMES
from padu.registry.importer.services import (
    import_error_report_path,
    import_local_file,
    import_submit,
)
from padu.registry.masks import mask_number
from padu.registry.models import DesilRecord, Dwelling, Family, ImportBatch, NameKey, Person
from padu.synth.population import generate_population
from tests.factories import KEC_A, KEC_B, KOTA, make_user, today

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Family.objects.unscoped().count(),
        Person.objects.unscoped().count(),
        DesilRecord.objects.unscoped().count(),
        AuditEntry.objects.filter(object_type__in=["registry.family", "registry.person"]).count(),
        ImportBatch.objects.count(),
    )


def _report(batch) -> list[dict]:
    path = import_error_report_path(batch)
    if path is None:
        return []
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _row(**values) -> dict:
    base = {
        "no_kk": "1371011501200001",
        "nik": "1371015705800001",
        "nama": "Siti Rahmah",
        "jenis_kelamin": "P",
        "tanggal_lahir": "1980-05-17",
        "hubungan_keluarga": "1",
        "kode_wilayah": "13.71.01.1001",
    }
    return {**base, **values}


def _write_csv(path, rows, columns=None):
    columns = columns or list(NAMES)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def test_generated_csv_imports_and_reimport_changes_nothing(tmp_path, media, operator):
    path = tmp_path / "pop.csv"
    generated = generate_population(path, people=300, seed=3)
    batch = import_local_file(actor=operator, path=path)
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert (batch.people_created, batch.families_created) == (300, generated.families)
    assert batch.error_rows == 0 and batch.unchanged_rows == 0
    assert (
        Person.objects.unscoped().count() == 300
        and Family.objects.unscoped().count() == generated.families
    )
    ranked = sum(n for d, n in generated.desil_families.items() if d is not None)
    assert DesilRecord.objects.unscoped().count() == ranked
    assert Person.objects.unscoped().filter(ppks__isnull=False).exists()
    # Every name can be searched (registry.models.NameKey).
    keys = set(Person.objects.unscoped().values_list("name_key", flat=True))
    assert set(NameKey.objects.values_list("key", flat=True)) == keys
    # What the import created points to it; one audit entry counts it all.
    assert not Person.objects.unscoped().exclude(created_import=batch).exists()
    assert not Family.objects.unscoped().exclude(created_import=batch).exists()
    entries = AuditEntry.objects.filter(source=f"import:{batch.pk}")
    applied = entries.get(action="registry.import.applied")
    assert applied.after["people_created"] == 300
    assert applied.after["families_created"] == generated.families
    assert applied.after["sha256"] == batch.file_sha256
    assert not entries.filter(object_type__in=["registry.person", "registry.family"]).exists()

    before = _counts()
    versions = list(Person.objects.unscoped().order_by("pk").values_list("version", flat=True))
    again = import_local_file(actor=operator, path=path)
    assert (again.people_created, again.people_updated) == (0, 0)
    assert (again.families_created, again.families_updated) == (0, 0)
    assert again.unchanged_rows == 300
    assert _counts()[:4] == before[:4]
    assert (
        list(Person.objects.unscoped().order_by("pk").values_list("version", flat=True)) == versions
    )


def test_one_changed_cell_updates_exactly_that_record(tmp_path, media, operator):
    path = _write_csv(
        tmp_path / "a.csv",
        [
            _row(),
            _row(
                nik="1371011708050002",
                nama="Budi",
                jenis_kelamin="L",
                tanggal_lahir="2005-08-17",
                hubungan_keluarga="3",
            ),
        ],
    )
    import_local_file(actor=operator, path=path)
    person = Person.objects.unscoped().get(nik="1371011708050002")
    changed = _write_csv(
        tmp_path / "b.csv",
        [
            _row(),
            _row(
                nik="1371011708050002",
                nama="Budi S",
                jenis_kelamin="L",
                tanggal_lahir="2005-08-17",
                hubungan_keluarga="3",
            ),
        ],
    )
    batch = import_local_file(actor=operator, path=changed)
    assert (batch.people_updated, batch.families_updated, batch.unchanged_rows) == (1, 0, 1)
    entry = AuditEntry.objects.get(source=f"import:{batch.pk}", object_type="registry.person")
    assert entry.action == "registry.person.updated"
    assert entry.before == {"name": "Budi", "version": 1}
    assert entry.after == {"name": "Budi S", "version": 2}
    person.refresh_from_db()
    assert (person.name, person.version, person.last_import_id) == ("Budi S", 2, batch.pk)


def test_update_audit_holds_the_changed_fields_of_every_kind(tmp_path, media, operator):
    """Decimals, flags, JSON lists, PPKS codes and values that become empty are compared and
    written to the audit trail the way the services' snapshots hold them."""
    first = _row(
        penghasilan="1500000",
        disabilitas="fisik",
        ppks="9",
        lintang="-0.9471",
        bujur="100.4172",
        aset="televisi",
    )
    import_local_file(actor=operator, path=_write_csv(tmp_path / "a.csv", [first]))
    second = {
        **first,
        "penghasilan": "",
        "disabilitas": "",
        "ppks": "9;24",
        "lintang": "-0.95",
        "aset": "televisi;lemari_es",
    }
    batch = import_local_file(actor=operator, path=_write_csv(tmp_path / "b.csv", [second]))
    assert (batch.people_updated, batch.families_updated) == (1, 1)
    entries = AuditEntry.objects.filter(source=f"import:{batch.pk}")
    person = entries.get(object_type="registry.person")
    assert person.before == {"income": 1500000, "ppks": [9], "version": 1}
    assert person.after == {"income": None, "ppks": [9, 24], "version": 2}
    # The disability is a record of its own: it ends, with its own entry.
    ended = entries.get(object_type="registry.persondisability")
    assert ended.action == "registry.disability.ended"
    assert ended.before == {"ended_on": None, "end_reason": ""}
    assert ended.after["ended_on"] == today().isoformat()
    family = entries.get(object_type="registry.family")
    assert family.before == {"latitude": "-0.947100", "version": 1}
    assert family.after == {"latitude": "-0.950000", "version": 2}
    # The assets are the dwelling's now: its own entry, with the same keys as the services'.
    dwelling = entries.get(object_type="registry.dwelling")
    assert dwelling.before == {"assets": ["televisi"], "version": 1}
    assert dwelling.after == {"assets": ["lemari_es", "televisi"], "version": 2}


@pytest.mark.parametrize("chunk_rows", [100_000, 7])
def test_every_broken_kind_is_reported_and_valid_rows_still_import(
    tmp_path, media, operator, monkeypatch, chunk_rows
):
    # In chunks of 7 rows too: a NIK repeated in a later chunk is found all the same.
    monkeypatch.setattr("padu.registry.importer.runner.CHUNK_ROWS", chunk_rows)
    path = tmp_path / "broken.csv"
    generate_population(path, people=120, seed=5, broken=40)
    manifest = json.loads((tmp_path / "broken.csv.injected.json").read_text())
    batch = import_local_file(actor=operator, path=path)
    report = _report(batch)
    by_row = {}
    for line in report:
        by_row.setdefault(int(line["baris"]), []).append(line)
    for item in manifest["broken"]:
        lines = by_row.get(item["line"], [])
        if item["kind"] == "nama_berisi_skrip":
            # validation.py accepts any name with a letter: it is stored as text, escaped on render
            assert not [x for x in lines if x["tingkat"] == "kesalahan"]
            continue
        level = "kesalahan" if item["severity"] == "error" else "peringatan"
        assert any(x["kolom"] == item["column"] and x["tingkat"] == level for x in lines), item
        assert all(x["pesan"] for x in lines)
    assert Person.objects.unscoped().filter(name="<script>alert(1)</script>").exists()
    errors = {int(x["baris"]) for x in report if x["tingkat"] == "kesalahan"}
    assert batch.error_rows == len(errors)
    assert batch.people_created == batch.total_rows - len(errors)
    assert batch.warning_rows >= 4


def test_cross_row_rules(tmp_path, media, operator):
    rows = [
        _row(),  # 2: head
        _row(
            nik="1371011708050002",
            nama="Anak",
            jenis_kelamin="L",
            tanggal_lahir="2005-08-17",
            hubungan_keluarga="1",
        ),  # 3: second head
        _row(no_kk="1371011501200002", nik="1371015705800001"),  # 4: NIK of row 2 again
        _row(
            no_kk="1371011501200003",
            nik="1371011708050003",
            jenis_kelamin="L",
            tanggal_lahir="2005-08-17",
            kode_wilayah="",
        ),  # 5: family row without kelurahan
        _row(
            no_kk="1371011501200003",
            nik="1371011708050004",
            jenis_kelamin="L",
            tanggal_lahir="2005-08-17",
            hubungan_keluarga="3",
        ),  # 6: member of row 5's KK
    ]
    batch = import_local_file(actor=operator, path=_write_csv(tmp_path / "x.csv", rows))
    report = {(int(x["baris"]), x["kolom"]): x["pesan"] for x in _report(batch)}
    assert "3" in report[(3, "hubungan_keluarga")] or "2" in report[(3, "hubungan_keluarga")]
    assert "2" in report[(4, "nik")]
    assert (5, "kode_wilayah") in report
    assert "5" in report[(6, "no_kk")]
    assert list(Person.objects.unscoped().values_list("nik", flat=True)) == ["1371015705800001"]


def test_a_new_head_for_a_family_whose_head_stays_is_rejected(tmp_path, media, operator):
    first = [
        _row(),
        _row(
            nik="1371011708050002",
            nama="Anak",
            jenis_kelamin="L",
            tanggal_lahir="2005-08-17",
            hubungan_keluarga="3",
        ),
    ]
    import_local_file(actor=operator, path=_write_csv(tmp_path / "a.csv", first))
    # The same KK with another head, while the registered head is not in the file.
    second = [
        _row(nik="1371011203780001", nama="Budi", jenis_kelamin="L", tanggal_lahir="1978-03-12"),
        _row(
            nik="1371011708050003",
            nama="Adik",
            jenis_kelamin="L",
            tanggal_lahir="2005-08-17",
            hubungan_keluarga="3",
        ),
    ]
    batch = import_local_file(actor=operator, path=_write_csv(tmp_path / "b.csv", second))
    report = {(int(x["baris"]), x["kolom"]): x["pesan"] for x in _report(batch)}
    assert mask_number(_row()["nik"]) in report[(2, "hubungan_keluarga")]
    assert "2" in report[(3, "no_kk")]
    assert batch.people_created == 0 and batch.error_rows == 2
    family = Family.objects.unscoped().get(kk_number="1371011501200001")
    assert list(family.members.filter(relationship=1).values_list("nik", flat=True)) == [
        "1371015705800001"
    ]
    # Handing the head over in the file is fine: the former head stays as a spouse.
    third = [
        second[0],
        _row(hubungan_keluarga="2"),
    ]
    batch = import_local_file(actor=operator, path=_write_csv(tmp_path / "c.csv", third))
    assert batch.error_rows == 0
    assert sorted(family.members.values_list("nik", "relationship")) == [
        ("1371011203780001", 1),
        ("1371011708050002", 3),
        ("1371015705800001", 2),
    ]


def test_rows_outside_the_actors_area_are_rejected(tmp_path, media):
    kecamatan_user = make_user(Role.OPERATOR, scope=KEC_B)
    rows = [
        _row(),
        _row(no_kk="1371041501200001", nik="1371045705800001", kode_wilayah="13.71.04.1001"),
    ]
    batch = import_local_file(actor=kecamatan_user, path=_write_csv(tmp_path / "s.csv", rows))
    assert batch.people_created == 1 and batch.error_rows == 1
    assert [x["kolom"] for x in _report(batch)] == ["kode_wilayah"]
    assert not Family.objects.unscoped().filter(region__code__startswith=KEC_A).exists()


def test_xlsx_imports(tmp_path, media, operator):
    path = tmp_path / "pop.xlsx"
    generate_population(path, people=60, seed=2)
    batch = import_local_file(actor=operator, path=path)
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert batch.people_created == 60 and batch.error_rows == 0


def _zip_bomb(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    return path


BAD_FILES = {
    "columns": lambda p: _write_csv(p, [_row()], columns=["nik", "nama", "warna"]),
    "binary": lambda p: p.write_bytes(b"abc\x00\x01\x02" * 100) and p,
    "pdf": lambda p: p.write_bytes(b"%PDF-1.7\n...") and p,
    "xls": lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) and p,
    "encoding": lambda p: p.write_bytes(",".join(NAMES).encode() + b"\n1,2,Sit\xed\n") and p,
    "empty": lambda p: p.write_bytes(b"") or p,
    "zip_bomb": _zip_bomb,
    "header_only": lambda p: _write_csv(p, []),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_are_refused_and_write_nothing(tmp_path, media, operator, kind):
    path = BAD_FILES[kind](tmp_path / "bad.csv")
    before = _counts()
    with pytest.raises(ImportFileError) as caught, path.open("rb") as fh:
        import_submit(actor=operator, upload=fh, file_name="bad.csv")
    assert str(caught.value)
    assert _counts() == before
    assert not list((media / "imports").rglob("*.*")) if (media / "imports").exists() else True


def test_oversized_upload_is_refused_while_streaming(tmp_path, media, operator):
    path = _write_csv(tmp_path / "big.csv", [_row()] * 50)
    with (
        override_settings(PADU_IMPORT_MAX_BYTES=1000),
        path.open("rb") as fh,
        pytest.raises(ImportFileError) as caught,
    ):
        import_submit(actor=operator, upload=fh, file_name="big.csv")
    assert caught.value.code == "too_large"
    assert ImportBatch.objects.count() == 0


def test_submit_queues_and_runs_the_task(
    tmp_path, media, operator, django_capture_on_commit_callbacks
):
    path = _write_csv(tmp_path / "ok.csv", [_row()])
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as fh:
        batch = import_submit(actor=operator, upload=fh, file_name="ok.csv")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE and batch.people_created == 1
    assert batch.region_id == KOTA and len(batch.file_sha256) == 64
    assert AuditEntry.objects.filter(action="registry.import.submitted").count() == 1


def test_imports_visible_is_scoped(tmp_path, media, operator):
    batch = import_local_file(actor=operator, path=_write_csv(tmp_path / "v.csv", [_row()]))
    other = make_user(Role.OPERATOR, scope=KEC_B)
    viewer = make_user(Role.VIEWER, scope=KOTA) if hasattr(Role, "VIEWER") else None
    assert list(selectors.imports_visible(operator)) == [batch]
    assert selectors.import_get(operator, batch.pk) == batch
    assert not selectors.imports_visible(other).exists()
    with pytest.raises(ImportBatch.DoesNotExist):
        selectors.import_get(other, batch.pk)
    if viewer is not None:
        assert not selectors.imports_visible(viewer).exists()


def test_command_prints_progress_and_counts(tmp_path, media):
    path = tmp_path / "cmd.csv"
    generate_population(path, people=50, seed=4)
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "registry", str(path), stdout=out, stderr=err)
    assert "100 %" in err.getvalue()
    assert "50" in out.getvalue()
    batch = ImportBatch.objects.get()
    assert batch.created_by is None and batch.region_id == KOTA and batch.people_created == 50
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError):
        call_command("import", "registry", str(bad), stdout=out, stderr=err)


TRICKY = [
    "1371015705800001",
    "137101570580000",
    "13710157058000011",
    "137101570580000a",
    "0071015705800001",
    "1300015705800001",
    "1371005705800001",
    "1371993205800001",
    "1371013205800001",
    "1371017205800001",
    "1371010013800001",
    "1371012902010001",
    "1371012902000001",
    "1371016902040001",
    "1371015705800000",
    " 1371015705800001 ",
    "１３７１０１５７０５８０００01",
    "1371-01570580001",
    "1306015705800001",
    "9971015705800001",
]


def _verdict(value, field):
    try:
        check_number(value, field)
    except InvalidIdentifier as exc:
        return str(exc)
    return None


def _polars_verdicts(values, *, kk):
    import polars as pl

    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    text = pl.col("v").str.strip_chars(WHITESPACE)
    chain = None
    number = normalise_number_expr(text)
    for rule, failed in number_problems_expr(number, "kk_number" if kk else "nik"):
        chain = (chain.when if chain is not None else pl.when)(failed).then(rule.text_expr(text))
    return frame.select(chain.alias("v"))["v"].to_list()


@pytest.mark.parametrize("kk", [False, True])
def test_polars_identifier_rules_match_check_number(kk):
    field = "kk_number" if kk else "nik"
    assert _polars_verdicts(TRICKY, kk=kk) == [_verdict(v, field) for v in TRICKY]


digits = st.text(alphabet="0123456789", min_size=16, max_size=16)
nik_like = st.one_of(
    digits,
    st.builds(lambda d, p: p + d[2:], digits, st.sampled_from(["13", "12", "99", "00"])),
    st.builds(lambda d: "137101" + d[6:], digits),
    st.text(alphabet="0123456789 -x\t", min_size=14, max_size=18),
)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(nik_like, min_size=1, max_size=30))
def test_polars_nik_rules_match_check_number_hypothesis(values):
    assert _polars_verdicts(values, kk=False) == [_verdict(v, "nik") for v in values]


# --- PostgreSQL: the first import of a city (indexes built afterwards, keys checked at once) ----


def _indexes_and_keys(table: str) -> tuple[set, set]:

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass",
            [table],
        )
        return indexes, {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres
@pytest.mark.parametrize("may_skip_triggers", [True, False])
def test_bulk_first_import_keeps_every_index_and_key(
    tmp_path, media, operator, monkeypatch, may_skip_triggers
):
    from padu.registry.importer import bulk

    monkeypatch.setattr(bulk, "BULK_MIN_ROWS", 10)
    monkeypatch.setattr(bulk, "_may_skip_triggers", lambda: may_skip_triggers)
    tables = (
        "registry_dwelling",
        "registry_family",
        "registry_person",
        "registry_desilrecord",
        "registry_namekey",
        "registry_person_ppks",
    )
    before = {table: _indexes_and_keys(table) for table in tables}
    path = tmp_path / "pop.csv"
    generated = generate_population(path, people=200, seed=11)
    with CaptureQueriesContext(connection) as queries:
        batch = import_local_file(actor=operator, path=path)
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert (batch.people_created, batch.families_created) == (200, generated.families)
    assert {table: _indexes_and_keys(table) for table in tables} == before
    assert Person.objects.unscoped().filter(family__kk_number__isnull=False).count() == 200
    # Each new dwelling is written once, with its head (written after the people, its families
    # before it, their keys checked once it is there).
    assert not [q for q in queries if q["sql"].startswith("UPDATE registry_dwelling")]
    assert not Dwelling.objects.unscoped().filter(head__isnull=True).exists()
    families = Family.objects.unscoped()
    assert families.count() == generated.families
    assert not families.exclude(dwelling__head__family__dwelling=F("dwelling")).exists()


@pytest.mark.postgres
def test_no_one_else_writes_a_dwelling_while_an_import_writes(
    tmp_path, media, operator, monkeypatch
):
    """The new dwellings are written after the people, from codes worked out before: other
    writers of dwellings wait for the import's commit; readers do not."""
    from padu.registry.importer.dwellings import DwellingStep

    held = []
    write = DwellingStep.write

    def spy(step):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid() "
                "AND relation = 'registry_dwelling'::regclass"
            )
            held.extend(mode for (mode,) in cursor.fetchall())
        write(step)

    monkeypatch.setattr(DwellingStep, "write", spy)
    path = tmp_path / "pop.csv"
    generate_population(path, people=20, seed=3)
    batch = import_local_file(actor=operator, path=path)
    assert batch.status == ImportBatch.Status.DONE, batch.message
    assert "ShareRowExclusiveLock" in held


@pytest.mark.postgres
def test_statements_apart_from_a_bulk_block_run_with_the_triggers_on(transactional_db, monkeypatch):
    """The families' block spans the people's, the audit's and the new dwellings' writes (the
    families point to the new dwellings, written last): those writes, apart from it, keep the
    database's own checks or make their own."""
    from django.db import transaction

    from padu.registry.importer import bulk

    monkeypatch.setattr(bulk, "BULK_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "_may_skip_triggers", lambda: True)

    def role() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            return cursor.fetchone()[0]

    with transaction.atomic():
        with bulk.bulk_write("registry_family", 1, user_id=None, batch_id=None) as block:
            assert role() == "replica"
            with block.apart():
                assert role() == "origin"
                with bulk.bulk_write("registry_dwelling", 1, user_id=None, batch_id=None):
                    assert role() == "replica"
                assert role() == "origin"
            assert role() == "replica"
        assert role() == "origin"


@pytest.mark.postgres
def test_a_key_with_nothing_to_point_to_fails_the_check(transactional_db):
    from django.db import IntegrityError, transaction

    from padu.registry.importer.bulk import _check_foreign_keys, _check_value

    keys = [("family_id", "registry_family", "id"), ("region_id", "regions_region", "code")]
    person = "registry_person t"
    _check_foreign_keys("registry_person", keys, person)
    _check_value("registry_person", "created_by_id", "accounts_user", "id", None)
    with pytest.raises(IntegrityError, match="created_by_id"):
        _check_value("registry_person", "created_by_id", "accounts_user", "id", 987654)
    with (
        pytest.raises(IntegrityError, match=r"registry_person\.family_id = 999999 has no row"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "INSERT INTO registry_person (nik, name, name_key, sex, birth_place, birth_date,"
            " relationship, marital_status, mother_name, occupation,"
            " chronic_illness, dukcapil_status, disability_note,"
            " life_status, version, created_at, updated_at, region_id, family_id) VALUES ("
            " '1371010101900001',"
            " 'X', 'x', 'L', '', '1990-01-01', 1, 1, '', '',"
            " '', '', '', 'aktif', 1, now(), now(), '99.99.99.9999', 999999)"
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
        with pytest.raises(IntegrityError, match=r"registry_person\.region_id = '99\.99"):
            _check_foreign_keys("registry_person", keys[1:], person)
        _check_foreign_keys("registry_person", keys, person)


@pytest.mark.postgres
def test_the_values_an_update_writes_are_checked_where_it_takes_them(transactional_db):
    """The rows a bulk update changes are checked by the values it writes (bulk_write's
    `updated`), read from its work table rather than from every row of the registry."""
    from django.db import IntegrityError, transaction

    from padu.registry.importer.bulk import _check_foreign_keys

    keys = [("family_id", "registry_family", "id")]
    values = {"family_id": "t.fam_id"}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE work (fam_id bigint, changed boolean)")
        cursor.execute("INSERT INTO work VALUES (999999, FALSE), (NULL, TRUE)")
        _check_foreign_keys("registry_person", keys, "work t", "t.changed", values=values)
        cursor.execute("UPDATE work SET changed = TRUE")
        with pytest.raises(IntegrityError, match=r"registry_person\.family_id = 999999 has no"):
            _check_foreign_keys("registry_person", keys, "work t", "t.changed", values=values)


def test_a_family_the_import_changes_is_named_in_the_trail_by_its_mask(tmp_path, media, operator):
    """The audit entry of a changed family names it as everywhere else (`Family KK 1371••••••••
    ABCD`, the keyed tag of registry.masks), never by digits of its KK."""
    import_local_file(actor=operator, path=_write_csv(tmp_path / "a.csv", [_row(rt="1")]))
    import_local_file(actor=operator, path=_write_csv(tmp_path / "b.csv", [_row(rt="2")]))
    family = Family.objects.unscoped().get()
    entry = AuditEntry.objects.get(action="registry.family.updated")
    assert "rt" in entry.after
    assert entry.object_repr == str(family)
    assert mask_number(family.kk_number) in entry.object_repr
    assert family.kk_number[-4:] not in entry.object_repr
