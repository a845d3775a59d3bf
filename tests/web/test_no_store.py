"""Nothing Padu answers is kept in a cache (issue 10, point 8): every page of the permission
matrix, which covers every named URL of the web interface, and every GET operation of the API's
OpenAPI document, answered to a user allowed to see it, carries `Cache-Control: no-store`."""

import re

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role, capabilities_for
from padu.api.openapi import openapi_document
from padu.periods import months
from padu.periods.services import period_close
from tests import permission_matrix as pm
from tests.api.conftest import key_for
from tests.factories import (
    KEL_A,
    KOTA,
    BenefitGroupFactory,
    CandidateFactory,
    ChangeRequestFactory,
    FamilyFactory,
    MuskelSessionFactory,
    PersonFactory,
    ProgramFactory,
    TrainingCourseFactory,
    VerificationTaskFactory,
    make_user,
)
from tests.test_permission_matrix import MODEL_BACKEND

ALLOWED_ROWS = [row for row in pm.ROWS if not row.placeholder and row.ok not in (403, 404)]


def _allowed_role(row: pm.Row):
    return next(role for role in pm.OWN_SCOPE if set(row.capabilities) <= capabilities_for(role))


@pytest.mark.parametrize("row", ALLOWED_ROWS, ids=lambda row: row.id)
def test_every_page_is_no_store(client, db, row):
    role = _allowed_role(row)
    actor = make_user(role, scope=pm.OWN_SCOPE[role])
    client.force_login(actor, backend=MODEL_BACKEND)
    world = pm.World(actor)
    url = reverse(row.name, kwargs=row.target.own(world) if row.target else None)
    data = row.data(world) if row.data else {}
    response = client.get(url, data) if row.method == "GET" else client.post(url, data)
    assert response.status_code == row.ok
    assert "no-store" in response["Cache-Control"], f"{row.id}: {response['Cache-Control']}"


API_GETS = [path for path, operations in openapi_document()["paths"].items() if "get" in operations]


@pytest.mark.parametrize("template", API_GETS)
def test_every_api_read_is_no_store(client, db, template):
    family = FamilyFactory(region_id=KEL_A)
    person = PersonFactory(family=family)
    closed = period_close(actor=None, month=months.preceding(months.current()), run_now=True)
    ids = {
        "family_id": lambda: family.pk,
        "person_id": lambda: person.pk,
        "dwelling_id": lambda: family.dwelling_id,
        "month": lambda: closed.text,
        "request_id": lambda: ChangeRequestFactory(family=family).pk,
        "pk": lambda: VerificationTaskFactory(request__family=family).pk,  # tasks/{pk}
        "program_id": lambda: ProgramFactory().pk,
        "cohort_id": lambda: CandidateFactory(person=person).cohort_id,
        "beneficiary_id": lambda: CandidateFactory(person=person, state="enrolled").pk,
        "session_id": lambda: MuskelSessionFactory(region_id=KEL_A).pk,
        "group_id": lambda: BenefitGroupFactory().pk,
        "course_id": lambda: TrainingCourseFactory().pk,
    }
    path = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]()), template)
    key = key_for(make_user(Role.OPERATOR, scope=KOTA))
    response = client.get(path, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_an_error_and_the_login_page_are_no_store(client, db):
    assert "no-store" in client.get("/tidak-ada/")["Cache-Control"]
    assert "no-store" in client.get(reverse("accounts:login"))["Cache-Control"]


def test_static_files_keep_their_cache_headers(client):
    response = client.get("/static/padu/css/padu.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
