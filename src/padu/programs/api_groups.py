"""Programs endpoints for groups and training courses: a KUBE's or Loka Bina Karya's members
(added, given a role, leaving) and the grant paid to its account; a course's participants, a
day's attendance and a participant's completion. Thin: the services of the pages, the token
owner as their actor; each write takes the version of what it changes (the group, the course,
the participant) as read, 409 when it moved."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from padu.accounts.capabilities import Cap
from padu.core.errors import ValidationFailed
from padu.core.schemas import DETAIL_ERRORS, WRITE_ERRORS, RecordId, Version
from padu.core.scoping import require
from padu.registry.disclosure import Disclosure
from padu.registry.models import Person

from . import benefit_selectors as selectors
from .api_benefits import DisbursementOut, GroupOut, ProgramRef, disbursement_out, group_out
from .api_fieldwork import PaymentIn
from .benefit_codes import CourseState, GroupRole, InstitutionKind
from .codes import CandidateState
from .lookup import in_area
from .services import benefits, groups, training

router = Router(tags=[gettext_noop("programs")])


class GroupMemberOut(Schema):
    id: int
    person: int
    name: str
    nik: str = Field(description="Masked unless the caller may see whole numbers.")
    kelurahan: str
    role: GroupRole
    joined_on: datetime.date


class GroupDetailOut(GroupOut):
    address: str
    member_list: list[GroupMemberOut] = Field(description="The members who have not left.")
    version: int = Field(description="Bumped by every change of the group or its members.")


class MemberIn(Schema):
    person: RecordId = Field(description="A person of the caller's area, in the group's kecamatan.")
    role: GroupRole = GroupRole.MEMBER
    version: Version | None = Field(None, description="The group's version as read.")


class RoleIn(Schema):
    role: GroupRole
    version: Version | None = Field(None, description="The group's version as read.")


class LeaveIn(Schema):
    reason: str = Field("", max_length=500)
    version: Version | None = Field(None, description="The group's version as read.")


def _group_detail(user, pk: int) -> dict:
    group = in_area(selectors.group_get, user, pk)
    members = list(selectors.group_members(user=user, group=group))
    show = Disclosure(user)
    return {
        **group_out(group, group.members.filter(left_on__isnull=True).count()),
        "address": group.address,
        "member_list": [
            {
                "id": m.pk,
                "person": m.person_id,
                "name": m.person.name,
                "nik": show.number(m.person.nik),
                "kelurahan": m.region.name,
                "role": m.role,
                "joined_on": m.joined_on,
            }
            for m in members
        ],
        "version": group.version,
    }


@router.get(
    "/programs/groups/{group_id}",
    response={200: GroupDetailOut, **DETAIL_ERRORS},
    operation_id="group_detail",
    summary=gettext_noop("A group and its members"),
)
def group_detail(request, group_id: RecordId):
    """The members the caller's area holds (a kelurahan's user sees those of his kelurahan)."""
    require(request.auth, Cap.PROGRAM_VIEW)
    return _group_detail(request.auth, group_id)


@router.post(
    "/programs/groups/{group_id}/members",
    response={201: GroupDetailOut, **WRITE_ERRORS},
    operation_id="group_member_add",
    summary=gettext_noop("Add a member to a group"),
)
def group_member_add(request, group_id: RecordId, payload: MemberIn):
    """Refused with its reason (400): a full group (`group_full`), a person of another
    kecamatan, a family already in a KUBE, an office already held."""
    require(request.auth, Cap.BENEFIT_MANAGE)
    group = in_area(selectors.group_get, request.auth, group_id)
    person = Person.objects.scoped(request.auth).filter(pk=payload.person).first()
    if person is None:
        raise ValidationFailed({"person": [_("Person: choose a person of your area.")]})
    groups.group_member_add(
        actor=request.auth,
        group=group,
        person=person,
        role=payload.role,
        expected_version=payload.version,
    )
    return Status(201, _group_detail(request.auth, group_id))


@router.post(
    "/programs/groups/{group_id}/members/{member_id}/role",
    response={200: GroupDetailOut, **WRITE_ERRORS},
    operation_id="group_member_role",
    summary=gettext_noop("Give a group member another role"),
)
def group_member_role(request, group_id: RecordId, member_id: RecordId, payload: RoleIn):
    """An office (chair, secretary, treasurer) held by another member is refused
    (`group_officer_taken`): make its holder a plain `anggota` first."""
    require(request.auth, Cap.BENEFIT_MANAGE)
    groups.group_member_set_role(
        actor=request.auth,
        group=in_area(selectors.group_get, request.auth, group_id),
        member_id=member_id,
        role=payload.role,
        expected_version=payload.version,
    )
    return _group_detail(request.auth, group_id)


@router.post(
    "/programs/groups/{group_id}/members/{member_id}/remove",
    response={200: GroupDetailOut, **WRITE_ERRORS},
    operation_id="group_member_remove",
    summary=gettext_noop("A member leaves a group"),
)
def group_member_remove(request, group_id: RecordId, member_id: RecordId, payload: LeaveIn):
    """A formed group keeps at least five members (`group_too_small`)."""
    require(request.auth, Cap.BENEFIT_MANAGE)
    groups.group_member_remove(
        actor=request.auth,
        group=in_area(selectors.group_get, request.auth, group_id),
        member_id=member_id,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _group_detail(request.auth, group_id)


@router.post(
    "/programs/groups/{group_id}/disbursements",
    response={201: DisbursementOut, **WRITE_ERRORS},
    operation_id="group_disburse",
    summary=gettext_noop("Record a group's grant paid to its account"),
)
def group_disburse(
    request,
    group_id: RecordId,
    payload: Form[PaymentIn],
    proofs: File[list[UploadedFile]] = None,
):
    """Multipart. The channel is `group_transfer`; never more than the approved grant in all
    (`over_grant`). Proofs are needed unless the transfer gives its `reference`."""
    require(request.auth, Cap.BENEFIT_MANAGE)
    payment = benefits.disbursement_record(
        actor=request.auth,
        group=in_area(selectors.group_get, request.auth, group_id),
        proofs=proofs or [],
        expected_version=payload.version,
        **payload.model_dump(exclude={"version"}),
    )
    return Status(201, disbursement_out(payment))


# ------------------------------------------------------------------------------ training


class ParticipantOut(Schema):
    id: int
    beneficiary: int
    name: str
    kelurahan: str
    state: CandidateState = Field(description="The beneficiary's state in the program.")
    days_present: int
    days_recorded: int
    completed: bool | None
    completed_on: datetime.date | None
    certificate_number: str
    version: int


class CourseOut(Schema):
    id: int
    program: ProgramRef
    name: str
    skill: str
    institution_kind: InstitutionKind
    institution_name: str
    place: str
    area: str
    starts_on: datetime.date
    ends_on: datetime.date
    capacity: int
    min_attendance: int = Field(description="The share of recorded days to attend (%).")
    state: CourseState
    participants: int
    version: int


class CourseDetailOut(CourseOut):
    participant_list: list[ParticipantOut] = Field(
        description="The participants the caller's area holds."
    )


class ParticipantIn(Schema):
    beneficiary: RecordId = Field(description="An approved or enrolled beneficiary.")
    version: Version | None = Field(None, description="The course's version as read.")


class AttendanceIn(Schema):
    day: datetime.date = Field(description="A day of the course, not in the future.")
    present: list[RecordId] = Field(
        max_length=500,
        description="The participants present; the caller's other participants are absent.",
    )
    version: Version | None = Field(None, description="The course's version as read.")


class ParticipantCompleteIn(Schema):
    certificate_number: str = Field(max_length=80)
    completed_on: datetime.date | None = Field(None, description="Default: today.")
    version: Version | None = Field(None, description="The participant's version as read.")


def _course_out(c, participants: int) -> dict:
    return {
        "id": c.pk,
        "program": {"id": c.program.pk, "code": c.program.code, "name": c.program.name},
        **{
            f: getattr(c, f)
            for f in (
                "name",
                "skill",
                "institution_kind",
                "institution_name",
                "place",
                "starts_on",
                "ends_on",
                "capacity",
                "min_attendance",
                "state",
                "version",
            )
        },
        "area": c.region_id,
        "participants": participants,
    }


def _course_detail(user, pk: int) -> dict:
    course = in_area(selectors.course_get, user, pk)
    rows = list(selectors.course_participants(user=user, course=course).select_related("candidate"))
    return {
        **_course_out(course, course.participants.count()),
        "participant_list": [
            {
                "id": p.pk,
                "beneficiary": p.candidate_id,
                "name": p.candidate.person.name if p.candidate.person_id else "",
                "kelurahan": p.region.name,
                "state": p.candidate.state,
                "days_present": p.days_present,
                "days_recorded": p.days_recorded,
                "completed": p.completed,
                "completed_on": p.completed_on,
                "certificate_number": p.certificate_number,
                "version": p.version,
            }
            for p in rows
        ],
    }


@router.get(
    "/programs/courses",
    response={200: list[CourseOut], **DETAIL_ERRORS},
    operation_id="course_list",
    summary=gettext_noop("List training courses"),
)
def course_list(request):
    require(request.auth, Cap.PROGRAM_VIEW)
    return [
        _course_out(c, c.participant_count) for c in selectors.course_list(user=request.auth)[:500]
    ]


@router.get(
    "/programs/courses/{course_id}",
    response={200: CourseDetailOut, **DETAIL_ERRORS},
    operation_id="course_detail",
    summary=gettext_noop("A training course and its participants"),
)
def course_detail(request, course_id: RecordId):
    require(request.auth, Cap.PROGRAM_VIEW)
    return _course_detail(request.auth, course_id)


@router.post(
    "/programs/courses/{course_id}/participants",
    response={201: CourseDetailOut, **WRITE_ERRORS},
    operation_id="course_participant_add",
    summary=gettext_noop("Take a beneficiary into a course"),
)
def course_participant_add(request, course_id: RecordId, payload: ParticipantIn):
    """An approved beneficiary is enrolled as he joins; the course's places are counted
    (`course_full`)."""
    require(request.auth, Cap.BENEFIT_MANAGE)
    course = in_area(selectors.course_get, request.auth, course_id)
    candidate = selectors.beneficiary_get(user=request.auth, pk=payload.beneficiary)
    if candidate is None:
        raise ValidationFailed(
            {"beneficiary": [_("Beneficiary: choose a beneficiary of your area.")]}
        )
    training.course_participant_add(
        actor=request.auth, course=course, candidate=candidate, expected_version=payload.version
    )
    return Status(201, _course_detail(request.auth, course_id))


@router.post(
    "/programs/courses/{course_id}/attendance",
    response={200: CourseDetailOut, **WRITE_ERRORS},
    operation_id="course_attendance",
    summary=gettext_noop("Record a day's attendance"),
)
def course_attendance(request, course_id: RecordId, payload: AttendanceIn):
    """The day's attendance of the caller's participants: those in `present` present, the
    others absent. Sending a day again corrects it."""
    require(request.auth, Cap.BENEFIT_MANAGE)
    training.attendance_record(
        actor=request.auth,
        course=in_area(selectors.course_get, request.auth, course_id),
        day=payload.day,
        present_ids=payload.present,
        expected_version=payload.version,
    )
    return _course_detail(request.auth, course_id)


@router.post(
    "/programs/courses/{course_id}/participants/{participant_id}/complete",
    response={200: CourseDetailOut, **WRITE_ERRORS},
    operation_id="course_participant_complete",
    summary=gettext_noop("A participant completed the course"),
)
def course_participant_complete(
    request, course_id: RecordId, participant_id: RecordId, payload: ParticipantCompleteIn
):
    """With his certificate's number, on or after the course's last day, having attended its
    minimum share of the recorded days (`attendance_too_low`); his benefit is delivered and
    completed."""
    require(request.auth, Cap.BENEFIT_MANAGE)
    course = in_area(selectors.course_get, request.auth, course_id)
    participant = (
        selectors.course_participants(user=request.auth, course=course)
        .filter(pk=participant_id)
        .first()
    )
    if participant is None:
        raise Http404
    training.participant_complete(
        actor=request.auth,
        participant=participant,
        certificate_number=payload.certificate_number,
        completed_on=payload.completed_on,
        expected_version=payload.version,
    )
    return _course_detail(request.auth, course_id)
