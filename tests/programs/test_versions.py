"""Optimistic locking of the work on beneficiaries: a field check, a payment (to a beneficiary, to
a group), a package and its handover, a course's participants, attendance and completion each
take the version the user read. A stale one is refused (409's ConflictError) with nothing
written, no row, no audit entry, no file; the version read works, and moves the version, so
the same stale page cannot write twice."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import F

from padu.accounts.capabilities import Role
from padu.core.errors import ConflictError
from padu.core.models import AuditEntry
from padu.programs.benefit_codes import GroupState
from padu.programs.codes import CandidateState as S
from padu.programs.codes import CohortState
from padu.programs.models import (
    Attendance,
    BenefitProof,
    Disbursement,
    EquipmentPackage,
    FieldCheck,
    TrainingParticipant,
)
from padu.programs.services.benefits import (
    disbursement_record,
    package_hand_over,
    package_record,
)
from padu.programs.services.field_checks import field_check_record
from padu.programs.services.training import (
    attendance_record,
    course_participant_add,
    participant_complete,
)
from tests.factories import BenefitGroupFactory, TrainingCourseFactory, make_user

from .helpers import DAY, PHOTO, candidate_in

pytestmark = pytest.mark.django_db

ITEMS = [{"name": "Mesin jahit", "quantity": 1, "unit_value": "2750000"}]


@pytest.fixture
def evidence(monkeypatch, tmp_path):
    """The proofs' directory, to see that a refused write keeps no file (the storage was made
    when the models loaded: its location is moved, and its cached paths forgotten)."""
    storage = BenefitProof._meta.get_field("file").storage

    def forget():
        for cached in ("base_location", "location"):
            storage.__dict__.pop(cached, None)

    monkeypatch.setattr(storage, "_location", str(tmp_path))
    forget()
    yield tmp_path
    monkeypatch.undo()
    forget()


def _files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def _stale(call, *, version: int):
    with pytest.raises(ConflictError) as refused:
        call()
    assert (refused.value.code, refused.value.current_version) == ("conflict", version)


def _moved(model, pk):
    """Someone else changed the record (as another service would)."""
    model.objects.unscoped().filter(pk=pk).update(version=F("version") + 1)


def test_a_field_check_on_a_stale_candidate_writes_nothing(clock, evidence):
    candidate = candidate_in(S.CANDIDATE)
    candidate.cohort.state = CohortState.TARGETED
    candidate.cohort.save(update_fields=["state"])
    psm = make_user(Role.PSM)

    def check(version):
        return field_check_record(
            actor=psm,
            candidate=candidate,
            checked_on=DAY,
            found=True,
            conditions_met=True,
            willing=True,
            photos=[PHOTO],
            expected_version=version,
        )

    _stale(lambda: check(candidate.version + 1), version=candidate.version)
    assert not FieldCheck.objects.unscoped().exists()
    assert not BenefitProof.objects.unscoped().exists()
    # Not even the cohort's leaving its targeting, which came before the candidate's lock.
    assert not AuditEntry.objects.filter(
        action__in=["cohort.verifying", "programs.candidate.verify"]
    ).exists()
    candidate.cohort.refresh_from_db()
    assert candidate.cohort.state == CohortState.TARGETED
    assert _files(evidence) == []
    check(candidate.version)
    candidate.refresh_from_db()
    assert candidate.state == S.VERIFIED
    assert len(_files(evidence)) == 1


def _pay(version, **recipient):
    return disbursement_record(
        actor=make_user(Role.OPERATOR),
        amount="1000000",
        paid_on=DAY,
        channel=recipient.pop("channel", "transfer"),
        proofs=[PHOTO],
        expected_version=version,
        **recipient,
    )


def test_a_second_payment_from_the_same_page_is_refused(clock, evidence):
    candidate = candidate_in(S.DELIVERED, amount=Decimal(5_000_000))
    read = candidate.version
    _pay(read, candidate=candidate)
    candidate.refresh_from_db()
    # Delivered already: the payment leaves his state but moves his version.
    assert (candidate.state, candidate.version) == (S.DELIVERED, read + 1)
    _stale(lambda: _pay(read, candidate=candidate), version=read + 1)
    assert Disbursement.objects.unscoped().count() == 1
    assert BenefitProof.objects.unscoped().count() == 1
    assert AuditEntry.objects.filter(action="programs.disbursement.recorded").count() == 1
    assert len(_files(evidence)) == 1
    _pay(read + 1, candidate=candidate)
    assert Disbursement.objects.unscoped().count() == 2


def test_a_groups_payment_from_a_stale_page_is_refused(clock, evidence):
    group = BenefitGroupFactory(state=GroupState.FUNDED, grant_amount=Decimal(5_000_000))
    read = group.version
    _pay(read, group=group, channel="group_transfer")
    group.refresh_from_db()
    assert group.version == read + 1
    _stale(lambda: _pay(read, group=group, channel="group_transfer"), version=read + 1)
    assert Disbursement.objects.unscoped().count() == 1
    assert AuditEntry.objects.filter(action="programs.disbursement.recorded").count() == 1
    assert len(_files(evidence)) == 1


def test_a_package_from_a_stale_page_is_refused(clock):
    candidate = candidate_in(S.ENROLLED)
    operator = make_user(Role.OPERATOR)
    read = candidate.version
    package_record(actor=operator, candidate=candidate, items=ITEMS, expected_version=read)
    _stale(
        lambda: package_record(
            actor=operator, candidate=candidate, items=ITEMS, expected_version=read
        ),
        version=read + 1,
    )
    assert EquipmentPackage.objects.unscoped().count() == 1
    assert AuditEntry.objects.filter(action="programs.package.recorded").count() == 1


def test_a_handover_of_a_changed_package_writes_nothing(clock, evidence):
    candidate = candidate_in(S.ENROLLED)
    operator = make_user(Role.OPERATOR)
    package = package_record(actor=operator, candidate=candidate, items=ITEMS)
    read = package.version
    _moved(EquipmentPackage, package.pk)

    def hand_over(version):
        return package_hand_over(
            actor=operator,
            package=package,
            handed_over_on=DAY,
            photos=[PHOTO],
            expected_version=version,
        )

    _stale(lambda: hand_over(read), version=read + 1)
    package.refresh_from_db()
    assert package.handed_over_on is None
    assert not BenefitProof.objects.unscoped().exists()
    assert not AuditEntry.objects.filter(action="programs.package.handed_over").exists()
    assert _files(evidence) == []
    hand_over(read + 1)
    candidate.refresh_from_db()
    assert candidate.state == S.DELIVERED


def test_a_course_refuses_a_participant_and_attendance_from_a_stale_page(clock):
    first = candidate_in(S.ENROLLED)
    second = candidate_in(S.ENROLLED, cohort=first.cohort)
    course = TrainingCourseFactory(program_id=first.cohort.program_id)
    operator = make_user(Role.OPERATOR)
    read = course.version
    joined = course_participant_add(
        actor=operator, course=course, candidate=first, expected_version=read
    )
    _stale(
        lambda: course_participant_add(
            actor=operator, course=course, candidate=second, expected_version=read
        ),
        version=read + 1,
    )
    assert list(TrainingParticipant.objects.unscoped().values_list("pk", flat=True)) == [joined.pk]
    assert AuditEntry.objects.filter(action="programs.course.participant_added").count() == 1

    def attend(day, version):
        return attendance_record(
            actor=operator,
            course=course,
            day=day,
            present_ids=[joined.pk],
            expected_version=version,
        )

    attend(course.starts_on, read + 1)  # the course starts: planned → running
    attend(course.ends_on, read + 2)  # running already: the version moves all the same
    _stale(lambda: attend(course.ends_on, read + 2), version=read + 3)
    assert Attendance.objects.count() == 2
    assert AuditEntry.objects.filter(action="programs.course.attendance").count() == 2


def test_completing_a_changed_participant_writes_nothing(clock):
    candidate = candidate_in(S.ENROLLED)
    course = TrainingCourseFactory(program_id=candidate.cohort.program_id)
    operator = make_user(Role.OPERATOR)
    participant = course_participant_add(actor=operator, course=course, candidate=candidate)
    attendance_record(
        actor=operator, course=course, day=course.starts_on, present_ids=[participant.pk]
    )
    read = participant.version
    _moved(TrainingParticipant, participant.pk)

    def complete(version):
        return participant_complete(
            actor=operator,
            participant=participant,
            certificate_number="C-1",
            completed_on=course.ends_on + datetime.timedelta(days=1),
            expected_version=version,
        )

    _stale(lambda: complete(read), version=read + 1)
    participant.refresh_from_db()
    candidate.refresh_from_db()
    assert (participant.completed_on, candidate.state) == (None, S.ENROLLED)
    assert not AuditEntry.objects.filter(action="programs.course.participant_completed").exists()
    done = complete(read + 1)
    assert (done.completed, done.version) == (True, read + 2)
