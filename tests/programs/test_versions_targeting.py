"""Optimistic locking of the catalogue and the targeting: a program's details, its compatibility
with another, its rules, a cohort's settings and quotas, its targeting run and a candidate's
dropping out each take the version the user read. A stale one is refused (ConflictError) with
nothing written and no audit entry; the version read works, and moves the version."""

import pytest
from django.db.models import F

from padu.accounts.capabilities import Role
from padu.core.errors import ConflictError
from padu.core.models import AuditEntry
from padu.programs.codes import CandidateState as S
from padu.programs.codes import CohortState
from padu.programs.models import Candidate, Cohort, Program, ProgramCompatibility, RuleSet
from padu.programs.services.catalogue import compatibility_set, program_save
from padu.programs.services.cohorts import candidate_drop, cohort_save, cohort_target
from padu.programs.services.rules import rule_set_create
from tests.factories import (
    KEC_A,
    KOTA,
    CandidateFactory,
    CohortFactory,
    CohortQuotaFactory,
    ProgramFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

TREE = {"all": [{"field": "family.desil", "op": "le", "value": 3}]}


def _stale(call, *, version: int):
    with pytest.raises(ConflictError) as refused:
        call()
    assert (refused.value.code, refused.value.current_version) == ("conflict", version)


def _moved(model, pk) -> int:
    """Someone else changed the record since it was read; returns the version read."""
    read = model._base_manager.get(pk=pk).version
    model._base_manager.filter(pk=pk).update(version=F("version") + 1)
    return read


@pytest.fixture
def operator():
    return make_user(Role.OPERATOR, scope=KOTA)


def test_a_program_edited_from_a_stale_page(operator):
    program = ProgramFactory(name="Lama")
    read = _moved(Program, program.pk)

    def rename(version):
        return program_save(
            actor=operator, values={"name": "Baru"}, program=program, expected_version=version
        )

    _stale(lambda: rename(read), version=read + 1)
    program.refresh_from_db()
    assert program.name == "Lama"
    assert not AuditEntry.objects.filter(action="program.changed").exists()
    assert (rename(read + 1).name, Program.objects.get(pk=program.pk).version) == ("Baru", read + 2)


def test_a_pair_set_from_a_stale_page_writes_nothing_and_moves_both_programs(operator):
    program, other = ProgramFactory(), ProgramFactory()
    read = _moved(Program, program.pk)

    def pair(version, *, of=program, to=other):
        return compatibility_set(
            actor=operator, program=of, other=to, compatible=False, expected_version=version
        )

    _stale(lambda: pair(read), version=read + 1)
    assert not ProgramCompatibility.objects.exists()
    assert not AuditEntry.objects.filter(action="program_compatibility.set").exists()
    other_read = other.version
    pair(read + 1)
    assert ProgramCompatibility.objects.get().compatible is False
    # Shown on both programs' pages: the other's page read before is stale too.
    _stale(lambda: pair(other_read, of=other, to=program), version=other_read + 1)
    assert Program.objects.get(pk=program.pk).version == read + 2


def test_rules_written_from_a_stale_page_are_refused(operator):
    program = ProgramFactory()
    read = program.version
    first = rule_set_create(actor=operator, program=program, tree=TREE, expected_version=read)
    # The same page again: the new version of the rules moved the program.
    _stale(
        lambda: rule_set_create(actor=operator, program=program, tree=TREE, expected_version=read),
        version=read + 1,
    )
    assert list(RuleSet.objects.filter(program=program).values_list("pk", flat=True)) == [first.pk]
    assert AuditEntry.objects.filter(action="rule_set.created").count() == 1
    second = rule_set_create(actor=operator, program=program, tree=TREE, expected_version=read + 1)
    assert second.version == first.version + 1


def test_a_cohorts_settings_and_quotas_from_a_stale_page(operator):
    cohort = CohortFactory(name="Lama")
    CohortQuotaFactory(cohort=cohort, region_id=KEC_A, quota=5)
    read = _moved(Cohort, cohort.pk)

    def save(version):
        return cohort_save(
            actor=operator,
            program=cohort.program,
            name="Baru",
            region_code=KOTA,
            quotas={KEC_A: 9},
            cohort=cohort,
            expected_version=version,
        )

    _stale(lambda: save(read), version=read + 1)
    cohort.refresh_from_db()
    assert (cohort.name, list(cohort.quotas.values_list("quota", flat=True))) == ("Lama", [5])
    assert not AuditEntry.objects.filter(action="cohort.changed").exists()
    saved = save(read + 1)
    assert (saved.version, list(saved.quotas.values_list("quota", flat=True))) == (read + 2, [9])


def test_a_targeting_run_from_a_stale_page_writes_nothing(operator):
    cohort = CohortFactory()
    read = _moved(Cohort, cohort.pk)
    _stale(
        lambda: cohort_target(actor=operator, cohort=cohort, expected_version=read),
        version=read + 1,
    )
    cohort.refresh_from_db()
    assert (cohort.state, cohort.targeted_at) == (CohortState.DRAFT, None)
    assert not AuditEntry.objects.filter(action="cohort.targeted").exists()
    ran = cohort_target(actor=operator, cohort=cohort, expected_version=read + 1)
    assert (ran.state, ran.version) == (CohortState.TARGETED, read + 2)


def test_dropping_a_changed_candidate_writes_nothing(operator):
    candidate = CandidateFactory(state=S.CANDIDATE)
    read = _moved(Candidate, candidate.pk)

    def drop(version):
        return candidate_drop(
            actor=operator, candidate=candidate, reason="Pindah", expected_version=version
        )

    _stale(lambda: drop(read), version=read + 1)
    candidate.refresh_from_db()
    assert candidate.state == S.CANDIDATE
    assert not AuditEntry.objects.filter(action="candidate.dropped").exists()
    drop(read + 1)
    candidate.refresh_from_db()
    assert (candidate.state, candidate.version) == (S.DROPPED, read + 2)
