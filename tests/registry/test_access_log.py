"""Every read of a person's or a family's full record, every list read through the API and every
download writes exactly one access-log row (UU 27/2022), and those who answer for personal data
can see them: per reader, per person, and as a download; old rows go after the retention."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.accounts.tokens import token_create
from padu.core.models import AccessLog, AuditEntry
from tests.factories import KEL_A, KEL_B, FamilyFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return PersonFactory(family=FamilyFactory(region_id=KEL_A), name="Siti Aminah")


def _rows(purpose: str) -> list[AccessLog]:
    return list(AccessLog.objects.filter(purpose=purpose))


PAGES = [
    ("registry:person_detail", "person", "person_detail"),
    ("registry:person_edit", "person", "person_edit"),
    ("registry:person_status", "person", "person_status"),
    ("registry:family_detail", "family", "family_detail"),
    ("registry:family_edit", "family", "family_edit"),
    ("registry:family_status", "family", "family_status"),
    ("registry:member_add", "family", "member_add"),
]


@pytest.mark.parametrize(("url", "kind", "purpose"), PAGES)
def test_each_page_and_form_of_a_record_writes_one_row(client, person, url, kind, purpose):
    operator = make_user(Role.OPERATOR)
    client.force_login(operator)
    obj = person if kind == "person" else person.family
    assert client.get(reverse(url, args=[obj.pk])).status_code == 200
    [row] = AccessLog.objects.all()
    assert (row.user, row.purpose, row.object_id, row.region_code) == (
        operator,
        purpose,
        str(obj.pk),
        KEL_A,
    )


@pytest.mark.parametrize("name", ["registry:person_export", "registry:family_export"])
def test_each_download_writes_one_row_with_its_filters_and_rows(client, person, name):
    client.force_login(make_user(Role.OPERATOR))
    response = client.get(reverse(name), {"format": "csv", "q": "Siti"})
    b"".join(response.streaming_content)
    [row] = AccessLog.objects.all()
    assert row.object_id == "" and row.rows == 1
    assert row.filters == {"q": "Siti", "format": "csv"}


@pytest.mark.parametrize(
    ("path", "purpose"),
    [
        ("/api/v1/people/{person}", "api_person_detail"),
        ("/api/v1/families/{family}", "api_family_detail"),
        ("/api/v1/people", "api_person_list"),
        ("/api/v1/families", "api_family_list"),
    ],
)
def test_each_api_read_writes_one_row(person, path, purpose):
    operator = make_user(Role.OPERATOR)
    _token, key = token_create(actor=operator, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api.get(path.format(person=person.pk, family=person.family_id))
    assert response.status_code == 200
    [row] = AccessLog.objects.all()
    assert (row.user, row.purpose) == (operator, purpose)
    if "list" in purpose:
        assert row.rows == len(json.loads(response.content)["items"]) == 1


def test_an_unopened_or_refused_record_writes_nothing(client, person):
    client.force_login(make_user(Role.PSM, scope=KEL_B))  # another kelurahan
    assert client.get(reverse("registry:person_detail", args=[person.pk])).status_code == 404
    assert not AccessLog.objects.exists()


def test_the_access_history_of_a_person_shows_who_saw_it(client, person):
    reader = make_user(Role.PSM, scope=KEL_A, username="psm_siti")
    reader_client = Client()
    reader_client.force_login(reader)
    reader_client.get(reverse("registry:person_detail", args=[person.pk]))
    reader_client.get(reverse("registry:family_detail", args=[person.family_id]))
    for role in (Role.ADMIN, Role.PRIVACY):
        client.force_login(make_user(role))
        page = client.get(reverse("core:person_access", args=[person.pk])).content.decode()
        assert page.count("psm_siti") >= 2
    client.force_login(make_user(Role.OPERATOR))
    assert client.get(reverse("core:person_access", args=[person.pk])).status_code == 403


def test_the_access_history_of_a_person_outside_the_area_is_not_found(client, person):
    client.force_login(make_user(Role.PRIVACY, scope="13.71.04"))
    assert client.get(reverse("core:person_access", args=[person.pk])).status_code == 404


def test_the_access_report_counts_per_reader_and_its_download_is_audited(client, person):
    for name in ("ani", "budi"):
        reader = Client()
        reader.force_login(make_user(Role.OPERATOR, username=name))
        reader.get(reverse("registry:person_detail", args=[person.pk]))
    client.force_login(make_user(Role.PRIVACY))
    page = client.get(reverse("core:access"), {"reader": "ani"}).content.decode()
    assert "ani" in page and "budi" not in page.split("<h2")[2]
    download = client.get(reverse("core:access_export"), {"format": "csv"})
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "ani" in text and "budi" in text
    assert AuditEntry.objects.filter(action="core.accesslog.exported").count() == 1


def test_prune_keeps_the_retention_period(person, settings):
    settings.PADU_ACCESS_LOG_RETENTION_DAYS = 30
    user = make_user(Role.OPERATOR)
    old, recent = (
        AccessLog.objects.create(user=user, object_type="registry.person", object_id="1"),
        AccessLog.objects.create(user=user, object_type="registry.person", object_id="2"),
    )
    AccessLog.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=31))
    call_command("accesslog", "prune")
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]
