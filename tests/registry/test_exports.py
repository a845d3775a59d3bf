"""Downloads of the family and person lists: the list's filters, the user's area, whole numbers
only for roles allowed to export them, and an audit entry for every download."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.registry import codes
from padu.registry.identifiers import mask_number
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
            disability_physical=True,
        ),
        "budi": PersonFactory(family=fam_b, name="=HYPERLINK(1)"),
    }


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[list]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def exports() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action__endswith=".exported").order_by("id"))


def test_an_operator_gets_whole_numbers_and_the_download_is_audited(client, data):
    operator = make_user(Role.OPERATOR)
    client.force_login(operator)
    response = client.get(PEOPLE, {"format": "csv", "q": "Yusuf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = csv_rows(response)
    assert len(header) == len(rows[0]) == 23
    assert [r[1] for r in rows] == ["Muhammad Yusuf"]
    assert rows[0][0] == data["yusuf"].nik
    assert rows[0][6] == data["fam_a"].kk_number
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
    _header, *rows = csv_rows(client.get(FAMILIES, {"format": "csv"}))
    kks = {r[0] for r in rows}
    assert kks == {mask_number(data["fam_a"].kk_number), mask_number(data["fam_b"].kk_number)}
    assert exports()[0].after["full_numbers"] is False


def test_a_kelurahan_exports_only_its_area_even_by_exact_nik(client, data):
    client.force_login(make_user(Role.KELURAHAN, scope=KEL_A))
    _header, *rows = csv_rows(client.get(PEOPLE, {"format": "csv"}))
    assert sorted(r[1] for r in rows) == ["Muhammad Yusuf", "Nurul Aini"]
    assert {r[0] for r in rows} == {mask_number(data["yusuf"].nik), mask_number(data["aini"].nik)}
    _header, *rows = csv_rows(client.get(PEOPLE, {"format": "csv", "q": data["budi"].nik}))
    assert rows == []
    _header, *rows = csv_rows(client.get(FAMILIES, {"format": "csv", "q": data["budi"].nik}))
    assert rows == []
    assert [e.region_code for e in exports()] == [KEL_A, KEL_A, KEL_A]


def test_xlsx_follows_the_filters_and_guards_formulas(client, data):
    client.force_login(make_user(Role.OPERATOR))
    response = client.get(PEOPLE, {"format": "xlsx", "sort": "name"})
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    _header, *rows = xlsx_rows(response)
    assert [r[1] for r in rows] == ["'=HYPERLINK(1)", "Muhammad Yusuf", "Nurul Aini"]
    response = client.get(PEOPLE, {"format": "xlsx", "disability": "any"})
    _header, *rows = xlsx_rows(response)
    assert [r[1] for r in rows] == ["Nurul Aini"]
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
