"""A request shows a kelurahan by its name, with its code after it, wherever it shows one: the
request's page (a proposed family's kelurahan, its housing's), a change's diff, the list and its
download (the API's: tests/api/test_change_requests.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.updates import display
from padu.updates.codes import RequestKind, RequestState
from tests.factories import (
    KEL_A,
    KEL_A2,
    ChangeRequestFactory,
    FamilyFactory,
    PersonFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

NAME_A = "Belakang Pondok (13.71.01.1001)"
NAME_A2 = "Alang Laweh (13.71.01.1002)"


def new_family():
    return ChangeRequestFactory(
        kind=RequestKind.NEW_FAMILY,
        family=None,
        region_id=KEL_A,
        removal_reason="",
        state=RequestState.SUBMITTED,
        payload={
            "family": {"kk_number": "1371011501209901", "region": KEL_A, "address": "Jl. Baru"},
            "housing": {"region": KEL_A},
            "members": [{"name": "Rahmat Hidayat"}],
        },
    )


def region_change():
    family = FamilyFactory(region_id=KEL_A)
    PersonFactory(family=family)
    return ChangeRequestFactory(
        family=family,
        kind=RequestKind.CHANGE,
        removal_reason="",
        payload={"changes": {"region": KEL_A2}},
        before={"region": KEL_A},
        state=RequestState.SUBMITTED,
    )


def test_the_request_page_shows_the_proposed_family_s_kelurahan_by_name(client):
    request = new_family()
    client.force_login(make_user(Role.OPERATOR))
    page = client.get(reverse("updates:request_detail", args=[request.pk])).content.decode()
    assert page.count(NAME_A) == 2  # the family's and the housing's
    assert f">{KEL_A}<" not in page


def test_a_change_of_kelurahan_shows_both_names_in_the_diff_and_the_list(client):
    request = region_change()
    client.force_login(make_user(Role.OPERATOR))
    page = client.get(reverse("updates:request_detail", args=[request.pk])).content.decode()
    assert f"<del>{NAME_A}</del>" in page and f"<ins>{NAME_A2}</ins>" in page
    listed = client.get(reverse("updates:request_list")).content.decode()
    assert f"{NAME_A} → {NAME_A2}" in listed
    exported = client.get(reverse("updates:request_export"), {"format": "csv"})
    assert f"{NAME_A} → {NAME_A2}" in b"".join(exported.streaming_content).decode("utf-8-sig")


def test_a_code_the_region_table_lacks_is_shown_as_it_is():
    request = region_change()
    request.payload = {"changes": {"region": "99.99.99.9999"}}
    rows = display.sections(make_user(Role.OPERATOR), request)[0]["rows"]
    assert [(r["before"], r["after"]) for r in rows] == [(NAME_A, "99.99.99.9999")]


def test_a_list_reads_each_kelurahan_s_name_once():
    user = make_user(Role.OPERATOR)
    requests = [region_change() for _ in range(4)]
    regions = display.RegionNames()
    with CaptureQueriesContext(connection) as queries:
        lines = [display.summary(user, r, regions=regions) for r in requests]
    assert len(queries) == 2  # Belakang Pondok, Alang Laweh
    assert all(line.endswith(f": {NAME_A} → {NAME_A2}") for line in lines)
