"""The field verification and notification endpoints: scoped lists, a task, assigning,
reassigning, photos and completing; every role in and out of the task's area; bad input answered
400 with nothing written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.translation import gettext

from padu.accounts.capabilities import Role
from padu.notifications.models import Notification
from padu.updates.codes import MemberPresence, RequestState, TaskState
from padu.updates.models import ChangeRequest, VerificationTask
from tests.api.conftest import key_for
from tests.factories import (
    JPEG_BYTES,
    KEC_A,
    KEC_B,
    KEL_A,
    KEL_B,
    KOTA,
    ChangeRequestFactory,
    FamilyFactory,
    PersonFactory,
    VerificationTaskFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/verification"


@pytest.fixture
def psm():
    return make_user(Role.PSM, scope=KEL_A)


@pytest.fixture
def task(psm):
    family = FamilyFactory(region_id=KEL_A)
    PersonFactory(family=family)
    return VerificationTaskFactory(
        assignee=psm,
        request=ChangeRequestFactory(family=family, state=RequestState.FIELD_VERIFICATION),
    )


def state():
    return (
        list(ChangeRequest.objects.unscoped().values_list("pk", "state", "version")),
        list(VerificationTask.objects.unscoped().values_list("pk", "assignee", "state", "version")),
        Notification.objects.count(),
    )


@pytest.mark.parametrize(
    "role, scope, status",
    [
        (Role.PSM, KEL_A, 200),
        (Role.TKSK, KEC_A, 200),
        (Role.OPERATOR, KOTA, 200),
        (Role.PIMPINAN, KOTA, 200),
        (Role.KELURAHAN, KEL_A, 200),
        (Role.TKSK, KEC_B, 404),
        (Role.PSM, KEL_B, 404),
        (Role.ADMIN, KOTA, 403),  # no capability to see requests
    ],
)
def test_task_detail_by_role_and_area(api, token_for, task, role, scope, status):
    response = api.get(f"{BASE}/tasks/{task.pk}", token=token_for(make_user(role, scope=scope)))
    assert response.status_code == status
    if status == 200:
        assert response.data["request"]["receipt"] == task.request.receipt
        assert [m["key"] for m in response.data["members"]] == [
            str(p.pk) for p in task.request.family.members.all()
        ]


def test_lists_mine_and_the_area(api, token_for, task, psm):
    other = VerificationTaskFactory(region_id=KEL_A)  # another PSM's
    VerificationTaskFactory(request=ChangeRequestFactory(family=FamilyFactory(region_id=KEL_B)))
    mine = api.get(f"{BASE}/tasks", token=token_for(psm), mine=True)
    assert [t["id"] for t in mine.data["items"]] == [task.pk]
    tksk = token_for(make_user(Role.TKSK, scope=KEC_A))
    area = api.get(f"{BASE}/tasks", token=tksk)
    assert sorted(t["id"] for t in area.data["items"]) == sorted([task.pk, other.pk])
    assert area.data["count"] == 2


def test_assign_and_reassign(api, token_for, psm):
    change = ChangeRequestFactory(family=FamilyFactory(region_id=KEL_A))
    key = token_for(make_user(Role.TKSK, scope=KEC_A))
    response = api.post(f"{BASE}/requests/{change.pk}/task", {"assignee": psm.pk}, token=key)
    assert response.status_code == 201, response.data
    assert response.data["assignee"]["id"] == psm.pk
    assert response.data["request"]["state"] == RequestState.FIELD_VERIFICATION
    other = make_user(Role.PSM, scope=KEL_A)
    response = api.post(
        f"{BASE}/tasks/{response.data['id']}/reassign", {"assignee": other.pk}, token=key
    )
    assert response.status_code == 200
    assert response.data["assignee"]["id"] == other.pk


@pytest.mark.parametrize(
    "role, scope, status",
    [(Role.PSM, KEL_A, 403), (Role.KELURAHAN, KEL_A, 403), (Role.TKSK, KEC_B, 404)],
)
def test_assign_refused(api, token_for, psm, role, scope, status):
    change = ChangeRequestFactory(family=FamilyFactory(region_id=KEL_A))
    before = state()
    response = api.post(
        f"{BASE}/requests/{change.pk}/task",
        {"assignee": psm.pk},
        token=token_for(make_user(role, scope=scope)),
    )
    assert response.status_code == status
    assert state() == before


def test_assigning_someone_who_is_no_psm_is_400(api, token_for):
    change = ChangeRequestFactory(family=FamilyFactory(region_id=KEL_A))
    before = state()
    response = api.post(
        f"{BASE}/requests/{change.pk}/task",
        {"assignee": make_user(Role.PSM, scope=KEL_B).pk},
        token=token_for(make_user(Role.TKSK, scope=KEC_A)),
    )
    assert response.status_code == 400
    assert response.data["errors"] == {
        "assignee": [gettext("Choose a PSM who works in the request's kelurahan.")]
    }
    assert state() == before


def _photo(psm, task):
    """Photos are multipart; the JSON client is not for them."""
    return Client().post(
        f"{BASE}/tasks/{task.pk}/photos",
        {"photos": [SimpleUploadedFile("rumah.jpg", JPEG_BYTES, "image/jpeg")]},
        headers={"Authorization": f"Bearer {key_for(psm)}"},
    )


def test_the_psm_adds_a_photo_then_completes(api, token_for, psm, task):
    assert _photo(psm, task).status_code == 200
    member = task.request.family.members.first()
    response = api.post(
        f"{BASE}/tasks/{task.pk}/complete",
        {
            "found": True,
            "dukcapil_match": "padan",
            "member_statuses": {str(member.pk): MemberPresence.LIVES_HERE},
            "latitude": "-0.95",
            "longitude": "100.35",
            "version": task.version,
        },
        token=token_for(psm),
    )
    assert response.status_code == 200, response.data
    assert response.data["state"] == TaskState.DONE
    assert response.data["request"]["state"] == RequestState.VERIFIED
    assert response.data["photos"] == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"found": True}, "photos"),
        ({"found": False}, "not_found_reason"),
        ({"found": True, "latitude": 91}, "latitude"),
        ({"found": True, "member_statuses": {"1": 9}}, "member_statuses.1"),
        ({"found": True, "dukcapil_match": "x" * 20}, "dukcapil_match"),
    ],
)
def test_a_bad_completion_is_400_and_writes_nothing(api, token_for, psm, task, body, field):
    before = state()
    response = api.post(f"{BASE}/tasks/{task.pk}/complete", body, token=token_for(psm))
    assert response.status_code == 400
    assert any(k.startswith(field.split(".")[0]) for k in response.data["errors"]), response.data
    assert state() == before


def test_another_psm_cannot_complete(api, token_for, task):
    before = state()
    response = api.post(
        f"{BASE}/tasks/{task.pk}/complete",
        {"found": False, "not_found_reason": "pindah"},
        token=token_for(make_user(Role.PSM, scope=KEL_A)),
    )
    assert response.status_code == 403
    assert state() == before


def test_notifications_are_the_callers_own(api, token_for, psm, task):
    from padu.notifications.services import notify

    params = {"receipt": "R1", "kelurahan": "K", "due": "1 Mei 2026"}
    mine = notify(recipient=psm, kind="task_due_soon", params=params)
    theirs = notify(recipient=make_user(Role.PSM), kind="task_due_soon", params=params)
    key = token_for(psm)
    listed = api.get("/api/v1/notifications", token=key)
    assert [n["id"] for n in listed.data["items"]] == [mine.pk]
    assert listed.data["unread"] == 1
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read", token=key).status_code == 404
    assert api.post(f"/api/v1/notifications/{mine.pk}/read", token=key).status_code == 200
    assert api.get("/api/v1/notifications/unread", token=key).data == {"unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None
