"""Training courses (angkatan): a course at an LPK or BLKI with its schedule and places; its
participants are the program's approved or enrolled candidates (a provincial office's course
takes them from several kabupaten/kota), enrolled as they join; attendance is recorded day by
day; a participant who attended enough days completes the course with a certificate, which
delivers and completes his benefit (lifecycle.py)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.scoping import in_scope, require
from padu.regions.models import Region

from ..benefit_codes import CourseState, InstitutionKind
from ..codes import CandidateState
from ..models import Attendance, Candidate, Program, TrainingCourse, TrainingParticipant
from .base import check_version, touch
from .lifecycle import deliver_if_enrolled, locked_candidate, move

TEXTS = ("name", "skill", "institution_name", "place")


def _audit(actor, course: TrainingCourse, action: str, after: dict, before=None):
    audit_record(
        actor=actor,
        action=f"programs.course.{action}",
        obj=course,
        region_code=course.region_id,
        before=before,
        after=after,
    )


def course_create(
    *,
    actor,
    program: Program,
    region: str,
    institution_kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    capacity: int = 32,
    min_attendance: int = 80,
    **texts,
) -> TrainingCourse:
    require(actor, Cap.BENEFIT_MANAGE)
    cleaned = {k: str(texts.get(k) or "").strip() for k in TEXTS}
    errors = {k: [_("Enter it.")] for k, v in cleaned.items() if not v}
    if institution_kind not in InstitutionKind.values:
        errors["institution_kind"] = [_("Kind of institution: choose one from the list.")]
    if ends_on < starts_on:
        errors["ends_on"] = [_("Ends on: the course cannot end before it starts.")]
    if not 1 <= capacity <= 500:
        errors["capacity"] = [_("Places: enter a number from 1 to 500.")]
    if not 0 <= min_attendance <= 100:
        errors["min_attendance"] = [_("Minimum attendance: enter a percentage from 0 to 100.")]
    area = Region.objects.filter(code=region).first()
    if area is None or not in_scope(actor, area.code):
        errors["region"] = [_("Area: choose an area of yours.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        course = TrainingCourse.objects.create(
            program=program,
            region=area,
            institution_kind=institution_kind,
            starts_on=starts_on,
            ends_on=ends_on,
            capacity=capacity,
            min_attendance=min_attendance,
            created_by=actor,
            updated_by=actor,
            **cleaned,
        )
        _audit(
            actor,
            course,
            "created",
            {
                **cleaned,
                "program": program.pk,
                "region": area.code,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "capacity": capacity,
            },
        )
    return course


def _locked_course(actor, course: TrainingCourse) -> TrainingCourse:
    locked = TrainingCourse.objects.select_for_update().scoped(actor).filter(pk=course.pk).first()
    if locked is None:
        raise PermissionDeniedError()
    return locked


def _open(course: TrainingCourse) -> None:
    if course.state == CourseState.FINISHED:
        raise DomainError(_("This course is finished."), code="invalid_state")


def course_participant_add(
    *,
    actor,
    course: TrainingCourse,
    candidate: Candidate,
    expected_version: int | None = None,
) -> TrainingParticipant:
    """Take an approved (then enrolled) or enrolled candidate of the course's program.
    `expected_version`: the course's version the user read."""
    require(actor, Cap.BENEFIT_MANAGE)
    with transaction.atomic():
        locked = _locked_course(actor, course)
        check_version(locked, expected_version)
        _open(locked)
        person = locked_candidate(actor, candidate)
        if person.cohort.program_id != locked.program_id:
            raise DomainError(
                _("This candidate is in another program's cohort."), code="other_program"
            )
        if locked.participants.filter(candidate=person).exists():
            raise DomainError(
                _("This candidate takes part in the course already."), code="participant_twice"
            )
        if locked.participants.count() >= locked.capacity:
            raise DomainError(
                _("The course is full (%(places)d places).") % {"places": locked.capacity},
                code="course_full",
            )
        if person.state == CandidateState.APPROVED:
            move(actor=actor, locked=person, name="enrol", after={"course": locked.pk})
        elif person.state != CandidateState.ENROLLED:
            raise DomainError(
                _("Only approved or enrolled candidates join a course; this one is %(state)s.")
                % {"state": person.get_state_display().lower()},
                code="invalid_state",
            )
        participant = TrainingParticipant.objects.create(
            course=locked,
            candidate=person,
            region_id=person.region_id,
            created_by=actor,
            updated_by=actor,
        )
        touch(locked, actor)
        _audit(actor, locked, "participant_added", {"candidate": person.pk})
    return participant


def attendance_record(
    *,
    actor,
    course: TrainingCourse,
    day: datetime.date,
    present_ids,
    expected_version: int | None = None,
) -> int:
    """One day's attendance of the participants the actor sees: those in `present_ids` present,
    the others absent. Recording a day again corrects it. Returns how many were present.
    `expected_version`: the course's version the user read."""
    require(actor, Cap.BENEFIT_MANAGE)
    present_ids = {int(i) for i in present_ids}
    with transaction.atomic():
        locked = _locked_course(actor, course)
        check_version(locked, expected_version)
        _open(locked)
        if not locked.starts_on <= day <= locked.ends_on:
            raise ValidationFailed({"day": [_("Day: choose a day of the course's schedule.")]})
        if day > timezone.localdate():
            raise ValidationFailed({"day": [_("Day: attendance is recorded on the day or after.")]})
        participants = list(locked.participants.scoped(actor))
        unknown = present_ids - {p.pk for p in participants}
        if unknown:
            raise PermissionDeniedError()
        for p in participants:
            Attendance.objects.update_or_create(
                participant=p,
                day=day,
                defaults={"present": p.pk in present_ids, "recorded_by": actor},
            )
        starts = locked.state == CourseState.PLANNED
        if starts:
            locked.state = CourseState.RUNNING
        touch(locked, actor, ["state"] if starts else [])
        present = sum(p.pk in present_ids for p in participants)
        _audit(
            actor,
            locked,
            "attendance",
            {"day": day, "present": present, "absent": len(participants) - present},
        )
    return present


def attendance_rate(participant: TrainingParticipant) -> tuple[int, int]:
    """(days present, days recorded) of a participant."""
    rows = list(participant.attendance.values_list("present", flat=True))
    return sum(rows), len(rows)


def participant_complete(
    *,
    actor,
    participant: TrainingParticipant,
    certificate_number: str,
    completed_on: datetime.date | None = None,
    expected_version: int | None = None,
) -> TrainingParticipant:
    """The participant completed the course: he attended at least its minimum share of the
    recorded days, on or after its last day. His benefit is delivered and completed.
    `expected_version`: the participant's version the user read."""
    require(actor, Cap.BENEFIT_MANAGE)
    certificate_number = (certificate_number or "").strip()
    day = completed_on or timezone.localdate()
    if not certificate_number:
        raise ValidationFailed({"certificate_number": [_("Certificate number: enter it.")]})
    with transaction.atomic():
        locked = (
            TrainingParticipant.objects.select_for_update()
            .scoped(actor)
            .select_related("course")
            .filter(pk=participant.pk)
            .first()
        )
        if locked is None:
            raise PermissionDeniedError()
        check_version(locked, expected_version)
        course = locked.course
        if locked.completed:
            raise DomainError(_("This participant has completed the course already."))
        if day < course.ends_on or day > timezone.localdate():
            raise ValidationFailed(
                {
                    "completed_on": [
                        _("Completed on: the course's last day or later, not later than today.")
                    ]
                }
            )
        present, recorded = attendance_rate(locked)
        if not recorded or present * 100 < course.min_attendance * recorded:
            raise DomainError(
                _(
                    "%(present)d of %(recorded)d days attended; completing the course needs "
                    "%(min)d%% of them."
                )
                % {"present": present, "recorded": recorded, "min": course.min_attendance},
                code="attendance_too_low",
            )
        candidate = locked_candidate(actor, locked.candidate_id)
        grounds = {"course": course.pk, "certificate_number": certificate_number}
        deliver_if_enrolled(actor=actor, locked=candidate, grounds=grounds)
        move(actor=actor, locked=candidate, name="complete", after=grounds)
        locked.completed, locked.completed_on = True, day
        locked.certificate_number = certificate_number
        touch(locked, actor, ["completed", "completed_on", "certificate_number"])
        _audit(
            actor,
            course,
            "participant_completed",
            {"candidate": candidate.pk, "certificate_number": certificate_number, "day": day},
        )
    return locked
