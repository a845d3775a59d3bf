"""Training courses: participants from the program's candidates (several kab/kota for a
province), daily attendance, completion with a certificate, equipment for graduates."""

import datetime

import pytest

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.programs.codes import CandidateState as S
from padu.programs.models import Attendance
from padu.programs.services.benefits import package_hand_over, package_record
from padu.programs.services.training import (
    attendance_record,
    course_create,
    course_participant_add,
    participant_complete,
)
from padu.regions.models import Region
from tests.factories import CohortFactory, PersonFactory, ProgramFactory, make_user

from .helpers import PHOTO, candidate_in

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)


def _course(program, region="13.71", **kwargs):
    values = {
        "name": "Servis AC angkatan I",
        "skill": "Servis AC",
        "institution_kind": "blki",
        "institution_name": "BLKI Padang",
        "place": "Jl. Raya Padang",
        "starts_on": START,
        "ends_on": START + datetime.timedelta(days=4),
        "capacity": 3,
    }
    return course_create(
        actor=make_user(Role.OPERATOR, scope=region),
        program=program,
        region=region,
        **{**values, **kwargs},
    )


def _days(n):
    return [START + datetime.timedelta(days=i) for i in range(n)]


def test_a_course_from_joining_to_certificate_and_equipment(clock):
    program = ProgramFactory()
    course = _course(program)
    operator = make_user(Role.OPERATOR)
    approved = candidate_in(S.APPROVED, cohort=CohortFactory(program=program))
    enrolled = candidate_in(S.ENROLLED, cohort=approved.cohort)
    good = course_participant_add(actor=operator, course=course, candidate=approved)
    poor = course_participant_add(actor=operator, course=course, candidate=enrolled)
    approved.refresh_from_db()
    assert approved.state == S.ENROLLED
    for n, day in enumerate(_days(5)):
        present = [good.pk] + ([poor.pk] if n < 3 else [])
        attendance_record(actor=operator, course=course, day=day, present_ids=present)
    assert Attendance.objects.filter(participant=poor, present=True).count() == 3
    with pytest.raises(DomainError) as low:
        participant_complete(actor=operator, participant=poor, certificate_number="C-2")
    assert low.value.code == "attendance_too_low"
    assert "3" in str(low.value) and "80" in str(low.value)
    with pytest.raises(DomainError):
        package_record(
            actor=operator,
            candidate=approved,
            course=course,
            items=[{"name": "Kit AC", "quantity": 1, "unit_value": "1500000"}],
        )
    done = participant_complete(actor=operator, participant=good, certificate_number="C-1")
    assert (done.completed, done.certificate_number) == (True, "C-1")
    approved.refresh_from_db()
    assert approved.state == S.COMPLETED
    # The graduate's starter package, then its handover: his benefit stays completed.
    package = package_record(
        actor=operator,
        candidate=approved,
        course=course,
        items=[{"name": "Kit AC", "quantity": 1, "unit_value": "1500000"}],
    )
    package_hand_over(actor=operator, package=package, handed_over_on=START, photos=[PHOTO])
    approved.refresh_from_db()
    assert approved.state == S.COMPLETED
    package.refresh_from_db()
    assert (package.handed_over_on, package.proofs.count()) == (START, 1)
    # Without a course, a completed beneficiary receives nothing more.
    with pytest.raises(DomainError):
        package_record(
            actor=operator,
            candidate=approved,
            items=[{"name": "Kit AC", "quantity": 1, "unit_value": "1500000"}],
        )


def test_attendance_again_corrects_the_day(clock):
    program = ProgramFactory()
    course = _course(program)
    operator = make_user(Role.OPERATOR)
    person = candidate_in(S.ENROLLED, cohort=CohortFactory(program=program))
    participant = course_participant_add(actor=operator, course=course, candidate=person)
    attendance_record(actor=operator, course=course, day=START, present_ids=[])
    attendance_record(actor=operator, course=course, day=START, present_ids=[participant.pk])
    assert list(participant.attendance.values_list("present", flat=True)) == [True]
    with pytest.raises(ValidationFailed):
        attendance_record(
            actor=operator, course=course, day=START - datetime.timedelta(days=1), present_ids=[]
        )


def _bukittinggi():
    Region.objects.create(code="13.75", name="Kota Bukittinggi", level="kota", parent_id="13")
    Region.objects.create(
        code="13.75.01", name="Guguk Panjang", level="kecamatan", parent_id="13.75"
    )
    Region.objects.create(
        code="13.75.01.1001", name="Bukik Cangang", level="kelurahan", parent_id="13.75.01"
    )


def test_a_provincial_course_draws_from_several_kab_kota(clock):
    _bukittinggi()
    program = ProgramFactory()
    course = _course(program, region="13")
    provincial = make_user(Role.OPERATOR, scope="13")
    padang = candidate_in(S.ENROLLED, cohort=CohortFactory(program=program, region_id="13"))
    bukittinggi = candidate_in(
        S.ENROLLED,
        cohort=padang.cohort,
        person=PersonFactory(family__region_id="13.75.01.1001"),
    )
    for c in (padang, bukittinggi):
        course_participant_add(actor=provincial, course=course, candidate=c)
    assert course.participants.count() == 2
    # A city's operator sees the course, and records the attendance of his city's participants.
    padang_operator = make_user(Role.OPERATOR)
    [mine, theirs] = sorted(course.participants.all(), key=lambda p: p.region_id)
    attendance_record(actor=padang_operator, course=course, day=START, present_ids=[mine.pk])
    assert list(Attendance.objects.values_list("participant_id", "present")) == [(mine.pk, True)]
    with pytest.raises(PermissionDeniedError):
        attendance_record(actor=padang_operator, course=course, day=START, present_ids=[theirs.pk])


def test_participants_are_the_programs_approved_or_enrolled(clock):
    program = ProgramFactory()
    course = _course(program, capacity=1)
    operator = make_user(Role.OPERATOR)
    with pytest.raises(DomainError) as other:
        course_participant_add(actor=operator, course=course, candidate=candidate_in(S.ENROLLED))
    assert other.value.code == "other_program"
    cohort = CohortFactory(program=program)
    with pytest.raises(DomainError) as state:
        course_participant_add(
            actor=operator, course=course, candidate=candidate_in(S.VERIFIED, cohort=cohort)
        )
    assert state.value.code == "invalid_state"
    course_participant_add(
        actor=operator, course=course, candidate=candidate_in(S.ENROLLED, cohort=cohort)
    )
    with pytest.raises(DomainError) as full:
        course_participant_add(
            actor=operator, course=course, candidate=candidate_in(S.ENROLLED, cohort=cohort)
        )
    assert full.value.code == "course_full"
