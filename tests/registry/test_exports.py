"""Downloads of the family and person lists: the import layout's columns, the list's filters, the
user's area, whole numbers only for roles allowed to export them (a notice above the header
otherwise), and an audit entry for every download."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.registry import codes
from padu.registry.importer.layout import MASKED_NOTICE, REGION_NAMES, ROW
from padu.registry.masks import mask_number
from tests.factories import KEL_A, KEL_B, FamilyFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db

PEOPLE = reverse("registry:person_export")
FAMILIES = reverse("registry:family_export")


@pytest.fixture
def data():
    fam_a = FamilyFactory(region_id=KEL_A, desil=2)
    fam_b = FamilyFactory(region_id=KEL_B, desil=7)
    return {
        "fam_a": fam_a,
        "fam_b": fam_b,
        "yusuf": PersonFactory(family=fam_a, name="Muhammad Yusuf"),
        "aini": PersonFactory(
            family=fam_a,
            name="Nurul Aini",
            sex=codes.Sex.FEMALE,
            relationship=codes.Relationship.SPOUSE,
            disability=["fisik"],
        ),
        "budi": PersonFactory(family=fam_b, name="=HYPERLINK(1)"),
    }


def _records(lines: list[list]) -> tuple[str, list[dict]]:
    """(the notice above the header, or "", the rows by column name)."""
    notice = ""
    if lines and lines[0][0] not in ROW.names:
        notice = lines[0][0]
        lines = lines[1:]
    header, *rows = lines
    assert header == [*ROW.names, *ROW.export_only, *REGION_NAMES]
    return notice, [dict(zip(header, row, strict=True)) for row in rows]


def csv_rows(response) -> tuple[str, list[dict]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return _records(list(csv.reader(io.StringIO(text))))


def xlsx_rows(response) -> tuple[str, list[dict]]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return _records([list(row) for row in book.active.iter_rows(values_only=True)])


def exports() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__endswith=".exported").order_by("id"))


def test_an_operator_gets_whole_numbers_and_the_download_is_audited(client, data):
    operator = make_user(Role.OPERATOR)
    client.force_login(operator)
    response = client.get(PEOPLE, {"format": "csv", "q": "Yusuf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    notice, rows = csv_rows(response)
    assert notice == ""
    assert [r["nama"] for r in rows] == ["Muhammad Yusuf"]
    assert rows[0]["nik"] == data["yusuf"].nik
    assert rows[0]["no_kk"] == data["fam_a"].kk_number
    assert (rows[0]["kode_wilayah"], rows[0]["nama_kelurahan"]) == (KEL_A, "Belakang Pondok")
    [entry] = exports()
    assert entry.action == "registry.person.exported"
    assert entry.actor == operator
    assert entry.after == {
        "filters": {"q": "Yusuf"},
        "format": "csv",
        "rows": 1,
        "full_numbers": True,
    }


def test_a_leader_gets_masked_numbers(client, data):
    client.force_login(make_user(Role.PIMPINAN))
    notice, rows = csv_rows(client.get(FAMILIES, {"format": "csv"}))
    assert notice == str(MASKED_NOTICE)
    kks = {r["no_kk"] for r in rows}
    assert kks == {mask_number(data["fam_a"].kk_number), mask_number(data["fam_b"].kk_number)}
    assert exports()[0].after["full_numbers"] is False


def test_a_kelurahan_exports_only_its_area_even_by_exact_nik(client, data):
    client.force_login(make_user(Role.KELURAHAN, scope=KEL_A))
    _notice, rows = csv_rows(client.get(PEOPLE, {"format": "csv"}))
    assert sorted(r["nama"] for r in rows) == ["Muhammad Yusuf", "Nurul Aini"]
    assert {r["nik"] for r in rows} == {
        mask_number(data["yusuf"].nik),
        mask_number(data["aini"].nik),
    }
    _notice, rows = csv_rows(client.get(PEOPLE, {"format": "csv", "q": data["budi"].nik}))
    assert rows == []
    _notice, rows = csv_rows(client.get(FAMILIES, {"format": "csv", "q": data["budi"].nik}))
    assert rows == []
    assert [e.region_code for e in exports()] == [KEL_A, KEL_A, KEL_A]


def test_xlsx_follows_the_filters_and_guards_formulas(client, data):
    client.force_login(make_user(Role.OPERATOR))
    response = client.get(PEOPLE, {"format": "xlsx", "sort": "name"})
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    _notice, rows = xlsx_rows(response)
    assert [r["nama"] for r in rows] == ["'=HYPERLINK(1)", "Muhammad Yusuf", "Nurul Aini"]
    response = client.get(PEOPLE, {"format": "xlsx", "disability": "any"})
    _notice, rows = xlsx_rows(response)
    assert [(r["nama"], r["disabilitas"]) for r in rows] == [("Nurul Aini", "fisik")]
    assert [e.after["format"] for e in exports()] == ["xlsx", "xlsx"]


def test_invalid_filters_send_back_to_the_list_and_record_nothing(client, data):
    client.force_login(make_user(Role.OPERATOR))
    response = client.get(PEOPLE, {"format": "csv", "q": "12345"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("registry:person_list"))
    assert exports() == []


def test_roles_without_export_are_refused(client, data):
    client.force_login(make_user(Role.PSM))
    assert client.get(PEOPLE, {"format": "csv"}).status_code == 403
    assert exports() == []
