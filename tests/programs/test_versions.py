"""Optimistic locking of the work on beneficiaries: a field check, a payment (to a beneficiary, to
a group), a package and its handover, a course's participants, attendance and completion, a
group's details, its forming and its grant, a decree prepared (from its cohort), approved and
cancelled each take the version the user read. A stale one is refused (409's ConflictError)
with nothing written, no row, no audit entry, no file; the version read works, and moves the
version, so the same stale page cannot write twice."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import F

from padu.accounts.capabilities import Role
from padu.core.errors import ConflictError
from padu.core.models import AuditEntry
from padu.programs.benefit_codes import DecreeState, GroupState
from padu.programs.codes import CandidateState as S
from padu.programs.codes import CohortState
from padu.programs.models import (
    Attendance,
    Award,
    BeneficiaryDecree,
    BenefitGroup,
    BenefitProof,
    Cohort,
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
from padu.programs.services.decrees import decree_approve, decree_cancel, decree_prepare
from padu.programs.services.field_checks import field_check_record
from padu.programs.services.groups import group_form, group_grant_approve, group_update
from padu.programs.services.training import (
    attendance_record,
    course_participant_add,
    participant_complete,
)
from tests.factories import BenefitGroupFactory, CohortFactory, TrainingCourseFactory, make_user

from .helpers import DAY, PHOTO, candidate_in, decree_values, group_to_form

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


def test_a_groups_details_from_a_stale_page(clock):
    group = BenefitGroupFactory()
    operator = make_user(Role.OPERATOR)
    read = group.version
    _moved(BenefitGroup, group.pk)

    def rename(version):
        return group_update(
            actor=operator,
            group=group,
            name="KUBE Sejahtera",
            business_type="food",
            expected_version=version,
        )

    _stale(lambda: rename(read), version=read + 1)
    group.refresh_from_db()
    assert group.name == "KUBE Maju"
    assert not AuditEntry.objects.filter(action="programs.group.updated").exists()
    assert (rename(read + 1).name, rename(read + 2).version) == ("KUBE Sejahtera", read + 3)


def test_forming_a_group_and_granting_it_from_stale_pages(clock):
    group = group_to_form()
    operator, leader = make_user(Role.OPERATOR), make_user(Role.PIMPINAN)
    read = group.version
    _moved(BenefitGroup, group.pk)  # a member added or removed, say
    _stale(lambda: group_form(actor=operator, group=group, expected_version=read), version=read + 1)
    group.refresh_from_db()
    assert group.state == GroupState.FORMING
    assert not AuditEntry.objects.filter(action="programs.group.formed").exists()
    formed = group_form(actor=operator, group=group, expected_version=read + 1)
    assert (formed.state, formed.version) == (GroupState.FORMED, read + 2)

    def grant(version):
        return group_grant_approve(
            actor=leader, group=group, amount="5000000", approved_on=DAY, expected_version=version
        )

    # The leader's page was read before the group was formed.
    _stale(lambda: grant(read + 1), version=read + 2)
    group.refresh_from_db()
    assert (group.state, group.grant_approved_on) == (GroupState.FORMED, None)
    assert not AuditEntry.objects.filter(action="programs.group.grant_approved").exists()
    granted = grant(read + 2)
    assert (granted.state, granted.version) == (GroupState.FUNDED, read + 3)


def test_a_decree_prepared_from_a_stale_cohort_writes_nothing(clock):
    cohort = CohortFactory(state=CohortState.VERIFYING)
    candidate_in(S.VERIFIED, cohort=cohort)
    operator = make_user(Role.OPERATOR)
    read = cohort.version
    _moved(Cohort, cohort.pk)

    def prepare(version, number="SK/1"):
        return decree_prepare(
            actor=operator, cohort=cohort, expected_version=version, **decree_values(number)
        )

    _stale(lambda: prepare(read), version=read + 1)
    assert not BeneficiaryDecree.objects.unscoped().exists()
    assert not Award.objects.unscoped().exists()
    assert not AuditEntry.objects.filter(action="programs.decree.prepared").exists()
    decree = prepare(read + 1)
    assert decree.awards.count() == 1
    # The draft moved the cohort: its page read before the draft is stale.
    _stale(lambda: prepare(read + 1, number="SK/2"), version=read + 2)
    assert BeneficiaryDecree.objects.unscoped().count() == 1


def test_approving_or_cancelling_a_changed_decree_writes_nothing(clock):
    cohort = CohortFactory(state=CohortState.VERIFYING)
    candidate = candidate_in(S.VERIFIED, cohort=cohort)
    operator, leader = make_user(Role.OPERATOR), make_user(Role.PIMPINAN)
    decree = decree_prepare(actor=operator, cohort=cohort, **decree_values())
    read = decree.version
    _moved(BeneficiaryDecree, decree.pk)
    written = AuditEntry.objects.count()
    _stale(
        lambda: decree_approve(actor=leader, decree=decree, expected_version=read),
        version=read + 1,
    )
    _stale(
        lambda: decree_cancel(actor=operator, decree=decree, reason="Salah", expected_version=read),
        version=read + 1,
    )
    decree.refresh_from_db()
    candidate.refresh_from_db()
    cohort.refresh_from_db()
    assert (decree.state, decree.awards.count()) == (DecreeState.DRAFT, 1)
    assert (candidate.state, cohort.state) == (S.VERIFIED, CohortState.VERIFYING)
    assert AuditEntry.objects.count() == written
    approved = decree_approve(actor=leader, decree=decree, expected_version=read + 1)
    assert (approved.state, approved.version) == (DecreeState.APPROVED, read + 2)
    # Approved now: cancelling it from the page read before is refused as stale first.
    _stale(
        lambda: decree_cancel(
            actor=operator, decree=decree, reason="Salah", expected_version=read + 1
        ),
        version=read + 2,
    )


def test_cancelling_a_draft_with_the_version_read(clock):
    cohort = CohortFactory(state=CohortState.VERIFYING)
    candidate_in(S.VERIFIED, cohort=cohort)
    decree = decree_prepare(actor=make_user(Role.OPERATOR), cohort=cohort, **decree_values())
    cancelled = decree_cancel(
        actor=make_user(Role.OPERATOR),
        decree=decree,
        reason="Salah nomor",
        expected_version=decree.version,
    )
    assert (cancelled.state, cancelled.version) == (DecreeState.CANCELLED, decree.version + 1)
    assert not Award.objects.unscoped().exists()
