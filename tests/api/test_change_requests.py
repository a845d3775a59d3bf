"""The change request endpoints for every actor (in the request's area, outside it, anonymous),
and a request made, moved and approved through the API. Denials change nothing."""

import pytest

from padu.accounts.capabilities import Cap, capabilities_for
from padu.registry.codes import FamilyStatus
from padu.updates.codes import RequestKind, RequestState
from padu.updates.models import ChangeRequest, RequestEvent
from tests.factories import KEL_A, ChangeRequestFactory, FamilyFactory, PersonFactory, make_user

from .test_permissions import ACTORS, _key, refused

ALL = list(ACTORS)


@pytest.fixture
def target(db):
    family = FamilyFactory(region_id=KEL_A)
    PersonFactory(family=family)
    return ChangeRequestFactory(family=family, state=RequestState.DRAFT, removal_reason="pindah")


def _state(request: ChangeRequest) -> tuple:
    fresh = ChangeRequest.objects.unscoped().get(pk=request.pk)
    return (
        ChangeRequest.objects.unscoped().count(),
        RequestEvent.objects.unscoped().count(),
        fresh.state,
        fresh.version,
    )


def _may(role, cap) -> bool:
    return cap in capabilities_for(role)


def _status(role, cap, inside, success) -> int:
    """Refused token, missing capability, outside the area (404, as missing), or `success`."""
    return refused(role) or (403 if not _may(role, cap) else success if inside else 404)


@pytest.mark.parametrize("name", ALL)
def test_list(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    response = api.get("/api/v1/change-requests", token=_key(name, token_for))
    expected = refused(role) or (200 if _may(role, Cap.REQUEST_VIEW) else 403)
    assert response.status_code == expected
    if response.status_code == 200:
        assert [i["id"] for i in response.data["items"]] == ([target.pk] if inside else [])


@pytest.mark.parametrize("name", ALL)
def test_detail(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    response = api.get(f"/api/v1/change-requests/{target.pk}", token=_key(name, token_for))
    allowed = _may(role, Cap.REQUEST_VIEW)
    assert response.status_code == (
        refused(role) or (403 if not allowed else 200 if inside else 404)
    )
    if response.status_code == 200:
        assert response.data["receipt"] == target.receipt


@pytest.mark.parametrize("name", ALL)
def test_create(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    before = _state(target)
    body = {"kind": RequestKind.REMOVAL, "family_id": target.family_id, "removal_reason": "pindah"}
    response = api.post("/api/v1/change-requests", body, token=_key(name, token_for))
    allowed = _may(role, Cap.REQUEST_PROPOSE)
    assert response.status_code == (
        refused(role) or (403 if not allowed else 201 if inside else 404)
    )
    if response.status_code == 201:
        assert response.data["state"] == RequestState.DRAFT
    else:
        assert _state(target) == before


@pytest.mark.parametrize("name", ALL)
def test_submit(api, target, token_for, name):
    role, _scope, inside = ACTORS[name]
    before = _state(target)
    response = api.post(
        f"/api/v1/change-requests/{target.pk}/transitions/submit",
        {"version": target.version},
        token=_key(name, token_for),
    )
    if refused(role):
        expected = refused(role)
    elif not _may(role, Cap.REQUEST_VIEW):
        expected = 403
    elif not inside:
        expected = 404
    else:
        expected = 200 if _may(role, Cap.REQUEST_PROPOSE) else 403
    assert response.status_code == expected
    if response.status_code == 200:
        assert response.data["state"] == RequestState.SUBMITTED
    else:
        assert _state(target) == before


def test_a_request_through_the_api_from_proposal_to_registry(api, token_for, db):
    family = FamilyFactory(region_id=KEL_A)
    PersonFactory(family=family)
    psm, operator = token_for(make_user("psm")), token_for(make_user("operator"))
    made = api.post(
        "/api/v1/change-requests",
        {"kind": "penghapusan", "family_id": family.pk, "removal_reason": "mampu", "submit": True},
        token=psm,
    )
    assert made.status_code == 201, made.data
    pk = made.data["id"]
    steps = [
        ("send_to_verification", token_for(make_user("tksk"))),
        ("verify", psm),
        ("put_on_agenda", token_for(make_user("kelurahan"))),
        ("agree", token_for(make_user("kelurahan"))),
        ("check", operator),
        ("approve", operator),
    ]
    for step, token in steps:
        response = api.post(f"/api/v1/change-requests/{pk}/transitions/{step}", {}, token=token)
        assert response.status_code == 200, (step, response.data)
    assert response.data["state"] == RequestState.APPROVED
    family.refresh_from_db()
    assert family.status == FamilyStatus.WELL_OFF
    wrong = api.post(f"/api/v1/change-requests/{pk}/transitions/approve", {}, token=operator)
    assert (wrong.status_code, wrong.data["code"]) == (400, "invalid_state")


def test_an_unknown_field_is_a_400_with_its_message(api, token_for, db):
    family = FamilyFactory(region_id=KEL_A)
    response = api.post(
        "/api/v1/change-requests",
        {"kind": "perubahan", "family_id": family.pk, "data": {"changes": {"warna": "merah"}}},
        token=token_for(make_user("psm")),
    )
    assert response.status_code == 400
    assert "warna" in response.data["errors"]["changes"][0]
    assert ChangeRequest.objects.unscoped().count() == 0
