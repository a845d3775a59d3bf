"""Field verification's services: assigning a submitted request to a PSM of its kelurahan,
reassigning within the TKSK's kecamatan, completing with the checklist, coordinates and photos
(which moves the request), the due date, and every refusal: a clear message, nothing written."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from django.utils.translation import gettext

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.notifications.codes import NotificationKind
from padu.notifications.models import Notification
from padu.updates import verification_selectors as selectors
from padu.updates.codes import MemberPresence, NotFoundReason, RequestState, TaskState
from padu.updates.deadlines import task_due_date
from padu.updates.models import ChangeRequest, RequestEvent, RequestEvidence, VerificationTask
from padu.updates.services.notices import tasks_remind
from padu.updates.services.verification import (
    task_add_photos,
    task_assign,
    task_complete,
    task_reassign,
)
from tests.factories import (
    JPEG_BYTES,
    KEC_B,
    KEL_A,
    KEL_A2,
    KEL_B,
    ChangeRequestFactory,
    FamilyFactory,
    PersonFactory,
    VerificationTaskFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

PHOTO = ("rumah.jpg", JPEG_BYTES)


@pytest.fixture
def tksk():
    return make_user(Role.TKSK)  # KEC_A


@pytest.fixture
def psm():
    return make_user(Role.PSM)  # KEL_A


@pytest.fixture
def submitted():
    family = FamilyFactory(region_id=KEL_A)
    PersonFactory(family=family)
    return ChangeRequestFactory(family=family)


def state_of(request):
    return ChangeRequest.objects.unscoped().get(pk=request.pk).state


def snapshot():
    return (
        list(ChangeRequest.objects.unscoped().values_list("pk", "state", "version")),
        list(VerificationTask.objects.unscoped().values_list("pk", "assignee", "state", "version")),
        RequestEvent.objects.unscoped().count(),
        RequestEvidence.objects.unscoped().count(),
        Notification.objects.count(),
        AuditEntry.objects.count(),
    )


def answers(task, **overrides):
    members = {str(p.pk): MemberPresence.LIVES_HERE for p in task.request.family.members.all()}
    return {
        "found": True,
        "not_found_reason": "",
        "dukcapil_match": "padan",
        "well_off": False,
        "note": "Rumah semi permanen.",
        "member_statuses": members,
        **overrides,
    }


# --- assigning


def test_a_tksk_sends_a_submitted_request_to_a_psm_of_its_kelurahan(tksk, psm, submitted):
    task = task_assign(actor=tksk, request=submitted, assignee=psm)
    assert state_of(submitted) == RequestState.FIELD_VERIFICATION
    assert (task.assignee, task.assigned_by, task.region_id, task.state) == (
        psm,
        tksk,
        KEL_A,
        TaskState.OPEN,
    )
    assert task.due_on == task_due_date(timezone.localdate())
    assert AuditEntry.objects.filter(
        action="updates.task.assigned", object_id=str(task.pk)
    ).exists()
    assert (
        RequestEvent.objects.unscoped()
        .filter(request=submitted, transition="send_to_verification")
        .exists()
    )
    notice = Notification.objects.get(recipient=psm)
    assert notice.kind == NotificationKind.TASK_ASSIGNED
    assert submitted.receipt in notice.text
    assert notice.link == f"/tugas/{task.pk}/"


def test_an_operator_may_assign_too(psm, submitted):
    task = task_assign(actor=make_user(Role.OPERATOR), request=submitted, assignee=psm.pk)
    assert task.assignee == psm


@pytest.mark.parametrize("role", [Role.PSM, Role.KELURAHAN, Role.PIMPINAN, Role.ADMIN])
def test_roles_without_the_capability_cannot_assign(role, psm, submitted):
    before = snapshot()
    with pytest.raises(PermissionDeniedError):
        task_assign(actor=make_user(role, scope=KEL_A), request=submitted, assignee=psm)
    assert snapshot() == before


def test_a_tksk_of_another_kecamatan_cannot_assign(psm, submitted):
    before = snapshot()
    with pytest.raises(PermissionDeniedError):
        task_assign(actor=make_user(Role.TKSK, scope=KEC_B), request=submitted, assignee=psm)
    assert snapshot() == before


@pytest.mark.parametrize(
    "who",
    [
        lambda: make_user(Role.PSM, scope=KEL_A2),  # another kelurahan
        lambda: make_user(Role.KELURAHAN, scope=KEL_A),  # not a PSM
        lambda: make_user(Role.PSM, scope=KEL_A, is_active=False),
        lambda: 999999,
        lambda: "bukan angka",
    ],
)
def test_only_an_active_psm_of_the_kelurahan_can_be_assigned(who, tksk, submitted):
    before = snapshot()
    assignee = who()
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        task_assign(actor=tksk, request=submitted, assignee=assignee)
    assert exc.value.errors == {
        "assignee": [gettext("Choose a PSM who works in the request's kelurahan.")]
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    "due, message",
    [
        ("kemarin", "Due date: enter a date as YYYY-MM-DD."),
        (datetime.date(2020, 1, 1), "Due date: choose today or a later day."),
        (datetime.date(2099, 1, 1), "Due date: choose a day within a year."),
    ],
)
def test_a_bad_due_date_is_refused(due, message, tksk, psm, submitted):
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        task_assign(actor=tksk, request=submitted, assignee=psm, due_on=due)
    assert exc.value.errors == {"due_on": [gettext(message)]}
    assert snapshot() == before


def test_only_a_submitted_request_is_assigned(tksk, psm):
    draft = ChangeRequestFactory(state=RequestState.DRAFT)
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        task_assign(actor=tksk, request=draft, assignee=psm)
    assert exc.value.code == "invalid_state"
    assert snapshot() == before


# --- the due date


@override_settings(PADU_VERIFICATION_DAYS=3, PADU_VERIFICATION_WORKING_DAYS=False)
def test_due_date_in_calendar_days():
    assert task_due_date(datetime.date(2026, 12, 24)) == datetime.date(2026, 12, 27)


@override_settings(PADU_VERIFICATION_DAYS=3, PADU_VERIFICATION_WORKING_DAYS=True)
def test_due_date_in_working_days_skips_weekends_and_holidays():
    # Thursday 24 December 2026: Christmas (Friday 25) and the weekend are not working days.
    from lokal.holidays import is_working_day

    start = datetime.date(2026, 12, 24)
    expected, left = start, 3
    while left:
        expected += datetime.timedelta(days=1)
        left -= is_working_day(expected)
    assert not is_working_day(datetime.date(2026, 12, 25))
    assert task_due_date(start) == expected
    assert expected > datetime.date(2026, 12, 29)  # three weekdays would end on the 29th


def test_overdue_and_due_soon_with_a_frozen_clock(clock, psm, tksk):
    today = timezone.localdate()
    late = VerificationTaskFactory(assignee=psm, due_on=today - datetime.timedelta(days=1))
    soon = VerificationTaskFactory(assignee=psm, due_on=today + datetime.timedelta(days=2))
    later = VerificationTaskFactory(assignee=psm, due_on=today + datetime.timedelta(days=3))
    VerificationTaskFactory(
        assignee=psm, due_on=today - datetime.timedelta(days=5), state=TaskState.DONE
    )
    assert list(selectors.task_list(user=tksk, filters={"due": "overdue"})) == [late]
    assert list(selectors.task_list(user=tksk, filters={"due": "due_soon"})) == [soon]
    assert selectors.task_counts(user=tksk) == {"open": 3, "overdue": 1, "due_soon": 1}
    assert selectors.psm_load(user=tksk) == [
        {"id": psm.pk, "name": psm.first_name, "open": 3, "overdue": 1}
    ]
    assert later not in selectors.task_list(user=tksk, filters={"due": "due_soon"})


# --- reassigning


def test_the_tksk_reassigns_within_his_kecamatan(tksk):
    task = VerificationTaskFactory()
    other = make_user(Role.PSM, scope=KEL_A)
    task_reassign(actor=tksk, task=task, assignee=other, reason="Sakit")
    task.refresh_from_db()
    assert (task.assignee, task.assigned_by, task.version) == (other, tksk, 2)
    assert Notification.objects.filter(
        recipient=other, kind=NotificationKind.TASK_ASSIGNED
    ).exists()
    entry = AuditEntry.objects.get(action="updates.task.reassigned")
    assert entry.reason == "Sakit"


def test_reassigning_to_a_psm_outside_the_kelurahan_is_refused(tksk):
    task = VerificationTaskFactory()
    before = snapshot()
    with pytest.raises(ValidationFailed):
        task_reassign(actor=tksk, task=task, assignee=make_user(Role.PSM, scope=KEL_B))
    with pytest.raises(ValidationFailed) as exc:
        task_reassign(actor=tksk, task=task, assignee=task.assignee)
    assert exc.value.errors["assignee"] == [
        gettext("This PSM has the task already; choose another one.")
    ]
    assert snapshot() == before


def test_a_tksk_of_another_kecamatan_cannot_reassign():
    task = VerificationTaskFactory()
    before = snapshot()
    with pytest.raises(PermissionDeniedError):
        task_reassign(
            actor=make_user(Role.TKSK, scope=KEC_B),
            task=task,
            assignee=make_user(Role.PSM, scope=KEL_A),
        )
    assert snapshot() == before


# --- completing


@pytest.fixture
def task(tksk, psm, submitted):
    return task_assign(actor=tksk, request=submitted, assignee=psm)


def test_the_psm_completes_a_found_family_and_the_request_is_verified(psm, task):
    done = task_complete(
        actor=psm,
        task=task,
        checklist=answers(task),
        latitude="-0.949500",
        longitude="100.354100",
        photos=[PHOTO],
    )
    assert state_of(task.request) == RequestState.VERIFIED
    assert (done.state, done.found, done.dukcapil_match, done.well_off) == (
        TaskState.DONE,
        True,
        "padan",
        False,
    )
    assert str(done.latitude) == "-0.949500"
    assert done.member_statuses == {
        str(p.pk): MemberPresence.LIVES_HERE for p in task.request.family.members.all()
    }
    assert [e.task_id for e in RequestEvidence.objects.unscoped()] == [task.pk]
    assert AuditEntry.objects.filter(action="updates.task.completed").exists()


def test_a_family_not_found_makes_the_request_not_verifiable_with_the_reason(psm, task):
    task_complete(
        actor=psm,
        task=task,
        checklist=answers(
            task, found="false", not_found_reason=NotFoundReason.MOVED, member_statuses={}
        ),
    )
    assert state_of(task.request) == RequestState.NOT_VERIFIABLE
    event = RequestEvent.objects.unscoped().get(transition="mark_not_verifiable")
    assert event.reason.startswith(str(NotFoundReason.MOVED.label))


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"found": None}, "found", "Say whether the family was found."),
        (
            {"found": False, "not_found_reason": ""},
            "not_found_reason",
            "Say why the family was not found.",
        ),
        ({"member_statuses": {}}, "member_statuses", None),
        ({"member_statuses": {"999999": 1}}, "member_statuses", None),
        ({"member_statuses": "semua"}, "member_statuses", None),
    ],
)
def test_a_bad_checklist_is_refused_and_nothing_is_written(overrides, field, message, psm, task):
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        task_complete(actor=psm, task=task, checklist=answers(task, **overrides), photos=[PHOTO])
    assert field in exc.value.errors
    if message:
        assert exc.value.errors[field] == [gettext(message)]
    assert snapshot() == before
    assert state_of(task.request) == RequestState.FIELD_VERIFICATION


def test_a_bad_choice_is_refused_by_the_model_field(psm, task):
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        task_complete(
            actor=psm, task=task, checklist=answers(task, dukcapil_match="x"), photos=[PHOTO]
        )
    assert list(exc.value.errors) == ["dukcapil_match"]
    assert snapshot() == before


def test_a_member_status_outside_the_codes_is_refused(psm, task):
    member = task.request.family.members.first()
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        task_complete(
            actor=psm,
            task=task,
            checklist=answers(task, member_statuses={str(member.pk): 9}),
            photos=[PHOTO],
        )
    assert exc.value.errors["member_statuses"] == [
        gettext("Members' status of %(name)s: choose one of the statuses.") % {"name": member.name}
    ]
    assert snapshot() == before


def test_a_found_family_needs_a_photo(psm, task):
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        task_complete(actor=psm, task=task, checklist=answers(task))
    assert exc.value.errors == {"photos": [gettext("Photos: add at least one photo.")]}
    assert snapshot() == before
    task_add_photos(actor=psm, task=task, photos=[PHOTO])
    task_complete(actor=psm, task=task, checklist=answers(task))
    assert state_of(task.request) == RequestState.VERIFIED


@pytest.mark.parametrize(
    "lat, lon, fields",
    [
        ("-0.9", "", ["latitude"]),
        ("91", "100", ["latitude"]),
        ("-0.9", "181", ["longitude"]),
        ("utara", "barat", ["latitude", "longitude"]),
        ("NaN", "Infinity", ["latitude", "longitude"]),
    ],
)
def test_bad_coordinates_are_refused(lat, lon, fields, psm, task):
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        task_complete(
            actor=psm,
            task=task,
            checklist=answers(task),
            latitude=lat,
            longitude=lon,
            photos=[PHOTO],
        )
    assert sorted(exc.value.errors) == fields
    assert snapshot() == before


def test_a_file_that_is_no_photo_is_refused(psm, task):
    before = snapshot()
    with pytest.raises(ValidationFailed) as exc:
        task_complete(
            actor=psm, task=task, checklist=answers(task), photos=[("rumah.jpg", b"GIF89a....")]
        )
    assert list(exc.value.errors) == ["photos"]
    assert snapshot() == before


def test_only_the_assigned_psm_completes(task):
    other = make_user(Role.PSM, scope=KEL_A)
    before = snapshot()
    with pytest.raises(PermissionDeniedError):
        task_complete(actor=other, task=task, checklist=answers(task), photos=[PHOTO])
    with pytest.raises(PermissionDeniedError):
        task_add_photos(actor=other, task=task, photos=[PHOTO])
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.TKSK, Role.OPERATOR, Role.KELURAHAN, Role.PIMPINAN])
def test_roles_without_the_capability_cannot_complete(role, task):
    before = snapshot()
    with pytest.raises(PermissionDeniedError):
        task_complete(
            actor=make_user(role, scope=KEL_A), task=task, checklist=answers(task), photos=[PHOTO]
        )
    assert snapshot() == before


def test_a_psm_moved_out_of_the_kelurahan_cannot_complete(task, psm):
    psm.scopes.update(region_id=KEL_B)
    psm = type(psm).objects.get(pk=psm.pk)
    before = snapshot()
    with pytest.raises(PermissionDeniedError):
        task_complete(actor=psm, task=task, checklist=answers(task), photos=[PHOTO])
    assert snapshot() == before


def test_a_task_is_completed_once(psm, task):
    task_complete(actor=psm, task=task, checklist=answers(task), photos=[PHOTO])
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        task_complete(actor=psm, task=task, checklist=answers(task), photos=[PHOTO])
    assert exc.value.code == "invalid_state"
    assert snapshot() == before


def test_a_stale_version_is_a_conflict(psm, task):
    before = snapshot()
    with pytest.raises(DomainError) as exc:
        task_complete(
            actor=psm,
            task=task,
            checklist=answers(task),
            photos=[PHOTO],
            expected_version=task.version + 1,
        )
    assert exc.value.code == "conflict"
    assert snapshot() == before


def test_the_checklist_of_a_new_family_asks_its_proposed_members(tksk, psm):
    from padu.updates.checklist import checklist_members

    change = ChangeRequestFactory(
        family=None,
        region_id=KEL_A,
        kind="keluarga_baru",
        removal_reason="",
        payload={"family": {}, "members": [{"name": "Siti"}, {"name": "Budi"}]},
    )
    task = task_assign(actor=tksk, request=change, assignee=psm)
    assert [(m.key, m.name) for m in checklist_members(task)] == [
        ("new-0", "Siti"),
        ("new-1", "Budi"),
    ]
    task_complete(
        actor=psm,
        task=task,
        checklist={
            "found": "true",
            "member_statuses": {"new-0": "1", "new-1": str(MemberPresence.NEW)},
        },
        photos=[PHOTO],
    )
    assert state_of(change) == RequestState.VERIFIED


# --- reminders


def test_reminders_are_written_once_a_day_per_task(clock, psm, tksk):
    today = timezone.localdate()
    soon = VerificationTaskFactory(assignee=psm, assigned_by=tksk, due_on=today)
    late = VerificationTaskFactory(
        assignee=psm, assigned_by=tksk, due_on=today - datetime.timedelta(days=1)
    )
    VerificationTaskFactory(assignee=psm, due_on=today + datetime.timedelta(days=10))
    assert tasks_remind() == 3  # soon → PSM; late → PSM and TKSK
    assert tasks_remind() == 0  # idempotent
    kinds = sorted(Notification.objects.values_list("recipient", "kind"))
    assert kinds == sorted(
        [
            (psm.pk, NotificationKind.TASK_DUE_SOON),
            (psm.pk, NotificationKind.TASK_OVERDUE),
            (tksk.pk, NotificationKind.TASK_OVERDUE),
        ]
    )
    assert {n.link for n in Notification.objects.all()} == {
        f"/tugas/{soon.pk}/",
        f"/tugas/{late.pk}/",
    }
    # The next day the soon one is overdue: one more notice each for PSM and TKSK.
    assert tasks_remind(today=today + datetime.timedelta(days=1)) == 2
