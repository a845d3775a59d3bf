"""Every lifecycle transition: who may take it, from which states, what it records."""

import pytest

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.programs.codes import CandidateState as S
from padu.programs.codes import CohortState, ExitReason
from padu.programs.lifecycle import TRANSITIONS, allowed_for
from padu.programs.models import Cohort
from padu.programs.services.cohorts import cohort_target
from padu.programs.services.field_checks import field_check_record
from padu.programs.services.lifecycle import candidate_transition
from tests.factories import KEL_B, CandidateFactory, PersonFactory, make_user

from .helpers import DAY, PHOTO, candidate_in

pytestmark = pytest.mark.django_db


def _check(actor, candidate, *, ok=True, photos=(PHOTO,), note=""):
    return field_check_record(
        actor=actor,
        candidate=candidate,
        checked_on=DAY,
        found=True,
        conditions_met=ok,
        willing=True,
        note=note,
        photos=photos,
    )


@pytest.mark.parametrize("role", [Role.PSM, Role.TKSK, Role.OPERATOR])
def test_field_check_verifies(clock, role):
    candidate = CandidateFactory()
    check = _check(make_user(role), candidate)
    candidate.refresh_from_db()
    assert candidate.state == S.VERIFIED
    assert candidate.version == 2
    assert check.photos.count() == 1
    entry = AuditEntry.objects.get(action="programs.candidate.verify")
    assert entry.after["field_check"] == check.pk
    assert entry.before == {"state": S.CANDIDATE}


def test_failed_field_check_rejects_with_its_note(clock):
    candidate = CandidateFactory()
    _check(make_user(Role.PSM), candidate, ok=False, photos=(), note="Sudah bekerja tetap")
    candidate.refresh_from_db()
    assert candidate.state == S.REJECTED
    assert AuditEntry.objects.get(action="programs.candidate.reject").reason == (
        "Sudah bekerja tetap"
    )


def test_field_check_needs_a_photo_or_a_note(clock):
    candidate = CandidateFactory()
    with pytest.raises(ValidationFailed) as passed:
        _check(make_user(Role.PSM), candidate, photos=())
    assert "photos" in passed.value.errors
    with pytest.raises(ValidationFailed) as failed:
        _check(make_user(Role.PSM), candidate, ok=False, photos=())
    assert "note" in failed.value.errors
    candidate.refresh_from_db()
    assert candidate.state == S.CANDIDATE


@pytest.mark.parametrize("role", [Role.PIMPINAN, Role.KELURAHAN, Role.ADMIN])
def test_field_check_refused_without_the_capability(clock, role):
    candidate = CandidateFactory()
    with pytest.raises(PermissionDeniedError):
        _check(make_user(role), candidate)
    candidate.refresh_from_db()
    assert candidate.state == S.CANDIDATE
    assert not candidate.field_checks.exists()


def test_field_check_outside_the_area_is_not_found(clock):
    candidate = CandidateFactory(person=PersonFactory(family__region_id=KEL_B))
    with pytest.raises(PermissionDeniedError):
        _check(make_user(Role.PSM), candidate)  # a PSM of KEL_A
    assert not candidate.field_checks.unscoped().exists()


def test_field_check_of_a_verified_candidate_is_refused(clock):
    candidate = candidate_in(S.VERIFIED)
    with pytest.raises(DomainError) as refused:
        _check(make_user(Role.PSM), candidate)
    assert refused.value.code == "invalid_state"
    assert not candidate.field_checks.exists()


@pytest.mark.parametrize(
    ("name", "source", "target"),
    [
        ("enrol", S.APPROVED, S.ENROLLED),
        ("complete", S.DELIVERED, S.COMPLETED),
        ("graduate", S.DELIVERED, S.GRADUATED),
        ("graduate", S.COMPLETED, S.GRADUATED),
    ],
)
def test_direct_transitions(name, source, target):
    candidate = candidate_in(source)
    moved = candidate_transition(actor=make_user(Role.OPERATOR), candidate=candidate, name=name)
    assert moved.state == target
    assert AuditEntry.objects.filter(action=f"programs.candidate.{name}").count() == 1


@pytest.mark.parametrize("source", [S.APPROVED, S.ENROLLED, S.DELIVERED])
def test_exit_needs_a_reason_from_the_list(source):
    candidate = candidate_in(source)
    operator = make_user(Role.OPERATOR)
    with pytest.raises(ValidationFailed) as missing:
        candidate_transition(actor=operator, candidate=candidate, name="exit")
    assert set(missing.value.errors) == {"reason", "exit_reason"}
    moved = candidate_transition(
        actor=operator,
        candidate=candidate,
        name="exit",
        reason="Pindah ke Medan",
        exit_reason=ExitReason.MOVED,
    )
    assert (moved.state, moved.exit_reason) == (S.EXITED, ExitReason.MOVED)


@pytest.mark.parametrize("name", ["verify", "approve", "deliver"])
def test_transitions_with_grounds_are_not_taken_directly(name):
    source = next(iter(TRANSITIONS[name].sources))
    candidate = candidate_in(source)
    for role in (Role.OPERATOR, Role.PIMPINAN, Role.PSM):
        with pytest.raises(PermissionDeniedError):
            candidate_transition(actor=make_user(role), candidate=candidate, name=name)
    candidate.refresh_from_db()
    assert candidate.state == source


@pytest.mark.parametrize("role", [Role.PIMPINAN, Role.PSM, Role.TKSK, Role.KELURAHAN])
def test_benefit_transitions_need_benefit_management(role):
    candidate = candidate_in(S.APPROVED)
    with pytest.raises(PermissionDeniedError):
        candidate_transition(actor=make_user(role), candidate=candidate, name="enrol")
    candidate.refresh_from_db()
    assert (candidate.state, candidate.version) == (S.APPROVED, 1)


def test_a_transition_from_the_wrong_state_is_refused():
    candidate = candidate_in(S.CANDIDATE)
    with pytest.raises(DomainError) as refused:
        candidate_transition(actor=make_user(Role.OPERATOR), candidate=candidate, name="complete")
    assert refused.value.code == "invalid_state"


def test_stale_version_is_a_conflict():
    candidate = candidate_in(S.APPROVED)
    with pytest.raises(DomainError) as conflict:
        candidate_transition(
            actor=make_user(Role.OPERATOR), candidate=candidate, name="enrol", expected_version=7
        )
    assert conflict.value.code == "conflict"


def test_the_buttons_a_user_sees():
    operator, psm = make_user(Role.OPERATOR), make_user(Role.PSM)
    assert [t.name for t in allowed_for(operator, S.DELIVERED)] == ["complete", "graduate", "exit"]
    assert [t.name for t in allowed_for(psm, S.CANDIDATE)] == ["reject"]
    assert allowed_for(psm, S.DELIVERED) == []


def test_the_first_field_check_ends_the_targeting(clock):
    """A new run would replace the candidates and their field checks: once one candidate has
    been to the field, the cohort is being verified and its targeting may not run again."""
    candidate = CandidateFactory(cohort__state=CohortState.TARGETED)
    _check(make_user(Role.PSM), candidate)
    _check(make_user(Role.PSM), CandidateFactory(cohort=candidate.cohort))
    cohort = Cohort.objects.unscoped().get(pk=candidate.cohort_id)
    assert cohort.state == CohortState.VERIFYING
    entry = AuditEntry.objects.get(action="cohort.verifying")
    assert (entry.before, entry.after) == ({"state": "targeted"}, {"state": "verifying"})
    with pytest.raises(DomainError) as refused:
        cohort_target(actor=make_user(Role.OPERATOR), cohort=cohort)
    assert refused.value.code == "cohort_state"
    assert candidate.field_checks.count() == 1
