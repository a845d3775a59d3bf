"""Imports over a registry that already holds people: the monthly case (issue 10, point 7), and
what the report may say of numbers registered outside the importer's area (point 4)."""

import csv

import pytest

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.registry.importer import bulk
from padu.registry.importer.services import import_error_report_path, import_local_file
from padu.registry.models import Family, ImportBatch, Person
from padu.synth.population import generate_population
from tests.factories import KEC_B, KEL_A, FamilyFactory, PersonFactory, make_user
from tests.registry.test_import_engine import _indexes_and_keys, _row, _write_csv

pytestmark = pytest.mark.django_db


def _families(path) -> tuple[list[str], dict[str, list[dict]]]:
    """The file's columns, and its rows by KK in file order."""
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        families: dict[str, list[dict]] = {}
        for row in reader:
            families.setdefault(row["no_kk"], []).append(row)
        return list(reader.fieldnames), families


def _moved(row: dict) -> dict:
    """The row with a new place of birth, and on the family's row a new address."""
    changed = {**row, "tempat_lahir": row["tempat_lahir"] + " Lama"}
    if row["alamat"]:
        changed["alamat"] = row["alamat"] + " (pindah)"
    return changed


@pytest.mark.postgres
@pytest.mark.parametrize("may_skip_triggers", [True, False])
def test_updates_and_new_families_over_a_filled_registry_take_the_bulk_path(
    tmp_path, media, operator, monkeypatch, may_skip_triggers
):
    """With the right to switch triggers off, and without it (then the updates' and the new
    rows' checks are queued, and each block fires those of its own tables before altering
    them: the families' point to new dwellings written after the people)."""
    generate_population(tmp_path / "pop.csv", people=46_000, seed=21)
    columns, families = _families(tmp_path / "pop.csv")
    kks = list(families)
    registered, people = [], 0
    while people < 2_000:
        registered.append(kks[len(registered)])
        people += len(families[registered[-1]])
    new = kks[len(registered) :]
    # More new families and people than the registry holds, and more than the threshold: both
    # tables take the bulk path (indexes rebuilt after), after the updates of the same
    # transaction queued their foreign-key checks.
    assert len(new) >= bulk.BULK_MIN_ROWS
    first = import_local_file(
        actor=operator,
        path=_write_csv(
            tmp_path / "registry.csv", [r for kk in registered for r in families[kk]], columns
        ),
    )
    assert first.status == ImportBatch.Status.DONE and first.people_created == people
    tables = ("registry_family", "registry_person", "registry_desilrecord", "registry_namekey")
    before = {table: _indexes_and_keys(table) for table in tables}

    updated = registered[::2]
    rows = [_moved(r) for kk in updated for r in families[kk]]
    rows += [r for kk in new for r in families[kk]]
    bulk_paths = []
    monkeypatch.setattr(
        bulk, "_may_skip_triggers", lambda: bulk_paths.append(1) or may_skip_triggers
    )
    batch = import_local_file(
        actor=operator, path=_write_csv(tmp_path / "mixed.csv", rows, columns)
    )

    assert batch.status == ImportBatch.Status.DONE, batch.message
    # The families (a block around the people's and the new dwellings'), the people, the new
    # dwellings.
    assert len(bulk_paths) == 3
    updated_people = sum(len(families[kk]) for kk in updated)
    new_people = sum(len(families[kk]) for kk in new)
    assert (batch.error_rows, batch.families_created, batch.families_updated) == (
        0,
        len(new),
        len(updated),
    )
    assert (batch.people_created, batch.people_updated, batch.unchanged_rows) == (
        new_people,
        updated_people,
        0,
    )
    # The registry: every person of the files once, in the family of his KK; the updated ones
    # with the file's new values and a new version, the others untouched.
    expected = {r["nik"]: r["no_kk"] for kk in kks for r in families[kk]}
    found = dict(Person.objects.unscoped().values_list("nik", "family__kk_number"))
    assert found == expected
    assert Family.objects.unscoped().count() == len(kks)
    moved = Family.objects.unscoped().filter(address__endswith=" (pindah)")
    assert set(moved.values_list("kk_number", flat=True)) == {
        kk for kk in updated if any(r["alamat"] for r in families[kk])
    }
    assert set(
        Family.objects.unscoped().filter(version=2).values_list("kk_number", flat=True)
    ) == set(updated)
    born = Person.objects.unscoped().filter(birth_place__endswith=" Lama")
    assert set(born.values_list("nik", flat=True)) == {
        r["nik"] for kk in updated for r in families[kk]
    }
    assert set(Person.objects.unscoped().filter(version=2).values_list("nik", flat=True)) == set(
        born.values_list("nik", flat=True)
    )
    assert Person.objects.unscoped().filter(created_import=batch).count() == new_people
    entries = AuditEntry.objects.filter(source=f"import:{batch.pk}")
    assert entries.filter(action="registry.family.updated").count() == len(updated)
    assert entries.filter(action="registry.person.updated").count() == updated_people
    assert {table: _indexes_and_keys(table) for table in tables} == before


@pytest.mark.parametrize("field", ["nik", "no_kk"])
def test_a_number_registered_outside_the_area_is_only_said_to_be_registered(tmp_path, media, field):
    family = FamilyFactory(region_id=KEL_A, kk_number="1371011501200001")
    person = PersonFactory(family=family, nik="1371015705800001", name="Siti Rahmah")
    importer = make_user(Role.OPERATOR, scope=KEC_B)
    row = _row(no_kk="1371041501200009", nik="1371045705800009", kode_wilayah="13.71.04.1001")
    row["nik" if field == "nik" else "no_kk"] = person.nik if field == "nik" else family.kk_number
    batch = import_local_file(actor=importer, path=_write_csv(tmp_path / "x.csv", [row]))

    assert batch.status == ImportBatch.Status.DONE and batch.error_rows == 1
    with import_error_report_path(batch).open(encoding="utf-8-sig") as fh:
        [line] = list(csv.DictReader(fh))
    text = " ".join(line.values())
    assert "registered_elsewhere" in text
    for secret in (person.name, family.region.name, "13.71.01", "keluarga", "luar wilayah"):
        assert secret.lower() not in text.lower()
    assert family.kk_number not in text and person.nik not in text
    # One entry for the import, counting such numbers and naming none.
    [entry] = AuditEntry.objects.filter(action="registry.import.registered_elsewhere")
    key = "nik" if field == "nik" else "kk_number"
    assert (entry.object_id, entry.after, entry.actor) == (str(batch.pk), {key: 1}, importer)
    assert person.nik not in str(entry.__dict__) and family.kk_number not in str(entry.__dict__)


@pytest.mark.postgres
def test_registry_statistics_gone_stale_are_taken_before_the_checks(regions):
    """A large write leaves the planner's statistics behind until autovacuum comes: the next
    import takes them first (staging.refresh_statistics), and leaves fresh ones alone."""
    from django.db import connection

    from padu.registry.importer.staging import refresh_statistics

    def analyses() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_force_next_flush()")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT analyze_count, n_mod_since_analyze FROM pg_stat_user_tables "
                "WHERE relname = 'registry_family'"
            )
            return cursor.fetchone()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GREATEST(reltuples, 0) FROM pg_class WHERE relname = 'registry_family'"
        )
        (rows,) = cursor.fetchone()
    count, changed = analyses()
    FamilyFactory.create_batch(int(51 + rows / 10) - changed)
    count, changed = analyses()
    assert changed > 50 + rows / 10
    refresh_statistics("registry_family")
    assert analyses() == (count + 1, 0)
    refresh_statistics("registry_family")
    assert analyses() == (count + 1, 0)
