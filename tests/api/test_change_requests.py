"""The change request endpoints for every actor (in the request's area, outside it, anonymous),
and a request made, moved and approved through the API. Denials change nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from padu.accounts.capabilities import Cap, capabilities_for
from padu.registry.codes import FamilyStatus
from padu.updates.codes import MemberPresence, RequestKind, RequestState
from padu.updates.models import ChangeRequest, RequestEvent
from tests.factories import (
    JPEG_BYTES,
    KEL_A,
    ChangeRequestFactory,
    FamilyFactory,
    PersonFactory,
    make_user,
)

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
    """Each step where it is taken: the field verification by its task, the Muskel by its
    session, the rest by the generic transition."""
    family = FamilyFactory(region_id=KEL_A)
    member = PersonFactory(family=family)
    psm_user = make_user("psm")
    psm, operator = token_for(psm_user), token_for(make_user("operator"))
    kelurahan = token_for(make_user("kelurahan"))
    made = api.post(
        "/api/v1/change-requests",
        {"kind": "penghapusan", "family_id": family.pk, "removal_reason": "mampu", "submit": True},
        token=psm,
    )
    assert made.status_code == 201, made.data
    pk = made.data["id"]
    assert made.data["transitions"] == []  # the PSM's next step is the task's, not this one
    task = api.post(
        f"/api/v1/verification/requests/{pk}/task",
        {"assignee": psm_user.pk},
        token=token_for(make_user("tksk")),
    )
    assert task.status_code == 201, task.data
    photo = Client().post(
        f"/api/v1/verification/tasks/{task.data['id']}/photos",
        {"photos": [SimpleUploadedFile("rumah.jpg", JPEG_BYTES, "image/jpeg")]},
        headers={"Authorization": f"Bearer {psm}"},
    )
    assert photo.status_code == 200
    done = api.post(
        f"/api/v1/verification/tasks/{task.data['id']}/complete",
        {"found": True, "member_statuses": {str(member.pk): MemberPresence.LIVES_HERE}},
        token=psm,
    )
    assert done.status_code == 200, done.data
    session = api.post(
        "/api/v1/muskel/sessions",
        {"kelurahan": KEL_A, "date": "2026-12-01", "place": "Aula", "quorum": 1},
        token=kelurahan,
    )
    url = f"/api/v1/muskel/sessions/{session.data['id']}"
    agenda = api.post(f"{url}/agenda", {"request_id": pk}, token=kelurahan)
    assert agenda.status_code == 201, agenda.data
    item = agenda.data["agenda"][0]["id"]
    decided = api.post(f"{url}/agenda/{item}/decision", {"decision": "agreed"}, token=kelurahan)
    assert decided.status_code == 200, decided.data
    for step in ("check", "approve"):
        response = api.post(f"/api/v1/change-requests/{pk}/transitions/{step}", {}, token=operator)
        assert response.status_code == 200, (step, response.data)
    assert response.data["state"] == RequestState.APPROVED
    family.refresh_from_db()
    assert family.status == FamilyStatus.WELL_OFF
    wrong = api.post(f"/api/v1/change-requests/{pk}/transitions/approve", {}, token=operator)
    assert (wrong.status_code, wrong.data["code"]) == (400, "invalid_state")


@pytest.mark.parametrize(
    ("step", "state", "role", "where"),
    [
        ("send_to_verification", RequestState.SUBMITTED, "tksk", "field verification"),
        ("verify", RequestState.FIELD_VERIFICATION, "psm", "field verification"),
        ("mark_not_verifiable", RequestState.FIELD_VERIFICATION, "psm", "field verification"),
        ("put_on_agenda", RequestState.VERIFIED, "kelurahan", "Muskel session"),
        ("remove_from_agenda", RequestState.ON_AGENDA, "kelurahan", "Muskel session"),
        ("agree", RequestState.ON_AGENDA, "kelurahan", "Muskel session"),
        ("reject_in_muskel", RequestState.ON_AGENDA, "kelurahan", "Muskel session"),
    ],
)
def test_steps_of_verification_and_muskel_are_refused_here(
    api, token_for, db, step, state, role, where
):
    """Without a task or a session they would skip what those do (the checklist and photos, the
    agenda and the Berita Acara): a 400 that says where the step is taken, nothing written."""
    family = FamilyFactory(region_id=KEL_A)
    PersonFactory(family=family)
    request = ChangeRequestFactory(family=family, state=state, removal_reason="pindah")
    before = _state(request)
    token = token_for(make_user(role))
    assert (
        step
        not in api.get(f"/api/v1/change-requests/{request.pk}", token=token).data["transitions"]
    )
    response = api.post(
        f"/api/v1/change-requests/{request.pk}/transitions/{step}",
        {"reason": "Sudah dicek.", "version": request.version},
        token=token,
        headers={"Accept-Language": "en"},
    )
    assert (response.status_code, response.data["code"]) == (400, "taken_elsewhere")
    assert where in response.data["detail"]
    assert _state(request) == before


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


def test_the_api_shows_the_kelurahan_s_name(api, token_for, db):
    from tests.updates.test_region_names import NAME_A, NAME_A2, new_family, region_change

    request = new_family()
    changed = region_change()
    key = token_for(make_user("operator"))
    detail = api.get(f"/api/v1/change-requests/{request.pk}", token=key).data
    assert (detail["kelurahan"], detail["kelurahan_name"]) == (KEL_A, "Belakang Pondok")
    afters = [row["after"] for s in detail["sections"] for row in s["rows"]]
    assert afters.count(NAME_A) == 2
    listed = api.get("/api/v1/change-requests", token=key).data["items"]
    summaries = {i["id"]: i["summary"] for i in listed}
    assert f"{NAME_A} → {NAME_A2}" in summaries[changed.pk]
    assert {i["kelurahan_name"] for i in listed} == {"Belakang Pondok"}
