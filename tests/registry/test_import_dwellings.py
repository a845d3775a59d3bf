"""The import's dwellings (issue #11): the dwelling ID column (`id_rumah_tangga`) puts families in
one dwelling, whose housing columns land on the dwelling; a registered family without an ID keeps
its dwelling; an ID outside the importer's area, in another kelurahan, or given with other housing
columns is refused with a message and nothing of that family is written."""

import csv

import pytest
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.registry.importer.layout import NAMES
from padu.registry.importer.services import import_error_report_path, import_local_file
from padu.registry.models import Dwelling, Family, Person
from tests.factories import KEL_A, KEL_A2, KEL_B, DwellingFactory, FamilyFactory, make_user

pytestmark = pytest.mark.django_db
KK1, KK2, KK3 = "1371011501200001", "1371011501200002", "1371011501200003"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def operator():
    return make_user(Role.OPERATOR, language="en")


def head(kk: str, nik: str, **values) -> dict:
    return {
        "no_kk": kk,
        "nik": nik,
        "nama": "Siti Rahmah",
        "jenis_kelamin": "P",
        "tanggal_lahir": "1980-05-17",
        "hubungan_keluarga": "1",
        "kode_wilayah": KEL_A,
        **values,
    }


def write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(NAMES))
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in NAMES})
    return path


def report(batch) -> list[dict]:
    path = import_error_report_path(batch)
    if path is None:
        return []
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def family(kk: str) -> Family:
    return Family.objects.unscoped().select_related("dwelling").get(kk_number=kk)


def housing(**values) -> dict:
    return {"status_kepemilikan_rumah": "1", "luas_lantai": "48", "aset": "televisi", **values}


def test_families_with_one_dwelling_id_share_it_and_its_housing(tmp_path, media, operator):
    rows = [
        head(KK1, "1371015705800001", id_rumah_tangga="RT-A", **housing()),
        head(
            KK2,
            "1371011703050001",
            nama="Rudi",
            jenis_kelamin="L",
            id_rumah_tangga="RT-A",
            **housing(),
        ),
        head(KK3, "1371015705800003", **housing(luas_lantai="30")),  # no ID: its own dwelling
    ]
    batch = import_local_file(actor=operator, path=write(tmp_path / "a.csv", rows))
    assert batch.error_rows == 0, report(batch)
    one, two, three = family(KK1), family(KK2), family(KK3)
    assert one.dwelling_id == two.dwelling_id != three.dwelling_id
    shared = one.dwelling
    assert (shared.code, shared.region_id, shared.ownership, shared.floor_area) == (
        "RT-A",
        KEL_A,
        1,
        48,
    )
    assert shared.assets == ["televisi"] and shared.created_import == batch
    assert shared.head == Person.objects.unscoped().get(nik="1371015705800001")
    assert three.dwelling.floor_area == 30 and three.dwelling.code.startswith("R-")
    assert Dwelling.objects.unscoped().count() == 2


def test_a_later_file_updates_the_dwelling_and_moves_a_family(tmp_path, media, operator):
    rows = [
        head(KK1, "1371015705800001", id_rumah_tangga="RT-A", **housing()),
        head(KK2, "1371015705800003", **housing()),
    ]
    import_local_file(actor=operator, path=write(tmp_path / "a.csv", rows))
    own = family(KK2).dwelling
    # KK2 moves in with KK1 and the house has a new roof; KK1's row without an ID keeps it.
    rows = [
        head(KK1, "1371015705800001", **housing(jenis_atap="1")),
        head(KK2, "1371015705800003", id_rumah_tangga="RT-A", **housing(jenis_atap="1")),
    ]
    batch = import_local_file(actor=operator, path=write(tmp_path / "b.csv", rows))
    assert batch.error_rows == 0, report(batch)
    shared = family(KK1).dwelling
    assert family(KK2).dwelling == shared and shared.code == "RT-A"
    assert (shared.roof_material, shared.version) == (1, 2)
    entries = AuditEntry.objects.filter(source=f"import:{batch.pk}")
    updated = entries.get(action="registry.dwelling.updated")
    assert (updated.object_id, updated.before, updated.after) == (
        str(shared.pk),
        {"roof_material": None, "version": 1},
        {"roof_material": 1, "version": 2},
    )
    moved = entries.get(action="registry.family.dwelling_moved")
    assert (moved.before, moved.after) == ({"dwelling": own.pk}, {"dwelling": shared.pk})
    # The dwelling KK2 left has no family and so no head.
    assert Dwelling.objects.unscoped().get(pk=own.pk).head is None
    # The same file again changes nothing.
    again = import_local_file(actor=operator, path=write(tmp_path / "c.csv", rows))
    assert again.unchanged_rows == 2
    assert not AuditEntry.objects.filter(
        source=f"import:{again.pk}", object_type__startswith="registry.", object_id__gt=""
    ).exclude(action__startswith="registry.import")


def test_bad_dwelling_ids_are_refused_and_nothing_of_those_families_is_written(
    tmp_path, media, operator
):
    DwellingFactory(code="RT-B", region_id=KEL_B)  # outside the kelurahan operator's area
    DwellingFactory(code="RT-A2", region_id=KEL_A2)  # inside his area, another kelurahan
    kelurahan_operator = make_user(Role.OPERATOR, scope=KEL_A, language="en")
    rows = [
        head(KK1, "1371015705800001", id_rumah_tangga="RT-B"),
        head(KK2, "1371015705800003", id_rumah_tangga="RT-X", **housing()),
        head(
            "1371011501200004",
            "1371015705800004",
            id_rumah_tangga="RT-X",
            **housing(luas_lantai="99"),
        ),
        {
            **head("1371011501200004", "1371011703050004"),
            "hubungan_keluarga": "3",
            "nama": "Anak",
            "tanggal_lahir": "2010-01-01",
            "jenis_kelamin": "L",
        },
    ]
    with translation.override("en"):
        batch = import_local_file(actor=kelurahan_operator, path=write(tmp_path / "a.csv", rows))
    lines = {(int(r["baris"]), r["kolom"]): r["pesan"] for r in report(batch)}
    # The report speaks the office's language (runner.import_run).
    assert lines[(2, "id_rumah_tangga")] == _reported(
        "dwelling ID %(code)s is registered outside your area.", code="RT-B"
    )
    assert lines[(4, "id_rumah_tangga")] == _reported(
        "row %(row)d gives dwelling ID %(code)s with another kelurahan or other housing columns: "
        "the families of one dwelling share them.",
        row=3,
        code="RT-X",
    )
    assert (5, "no_kk") in lines  # a member of the refused family
    assert set(Family.objects.unscoped().values_list("kk_number", flat=True)) == {KK2}
    assert family(KK2).dwelling.code == "RT-X"
    # Inside the area, but in another kelurahan than the family's.
    rows = [head(KK3, "1371015705800005", id_rumah_tangga="RT-A2")]
    batch = import_local_file(actor=operator, path=write(tmp_path / "b.csv", rows))
    [line] = report(batch)
    assert line["kolom"] == "id_rumah_tangga"
    assert line["pesan"] == _reported(
        "dwelling ID %(code)s is registered in another kelurahan: the families of a dwelling live "
        "in its kelurahan.",
        code="RT-A2",
    )
    assert not Family.objects.unscoped().filter(kk_number=KK3).exists()
    assert Dwelling.objects.unscoped().count() == 3


def test_a_registered_family_keeps_its_dwelling_without_an_id(tmp_path, media, operator):
    registered = FamilyFactory(kk_number=KK1, region_id=KEL_A)
    rows = [head(KK1, "1371015705800001", **housing(luas_lantai="55"))]
    batch = import_local_file(actor=operator, path=write(tmp_path / "a.csv", rows))
    assert batch.error_rows == 0, report(batch)
    assert family(KK1).dwelling_id == registered.dwelling_id
    assert family(KK1).dwelling.floor_area == 55


def test_new_dwellings_and_families_never_take_the_id_of_a_deleted_one(tmp_path, media, operator):
    # The import draws the new rows' ids before writing them (a family is written before its new
    # dwelling): after the largest id ever given, not after the largest there now.
    gone = FamilyFactory(region_id=KEL_A)
    ids = (gone.pk, gone.dwelling_id)
    Family.objects.unscoped().filter(pk=gone.pk).delete()
    Dwelling.objects.unscoped().filter(pk=gone.dwelling_id).delete()
    rows = [head(KK1, "1371015705800001", id_rumah_tangga="RT-NEW", **housing())]
    batch = import_local_file(actor=operator, path=write(tmp_path / "a.csv", rows))
    assert batch.error_rows == 0, report(batch)
    new = family(KK1)
    assert new.pk > ids[0] and new.dwelling_id > ids[1]
    assert new.dwelling.code == "RT-NEW" and new.dwelling.head.nik == "1371015705800001"


def _reported(message: str, **params) -> str:
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message) % params
