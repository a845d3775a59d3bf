"""Beneficiary decrees: preparing one from the verified, approving it against the budget
ceiling, cancelling a draft; and the overlap flags."""

import datetime
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.periods.models import Period
from padu.programs.benefit_codes import DecreeState
from padu.programs.budget import budget_lines, committed
from padu.programs.codes import CandidateState as S
from padu.programs.codes import CohortState
from padu.programs.decree import decree_pdf
from padu.programs.models import Award, BeneficiaryDecree, ProgramCompatibility
from padu.programs.overlaps import overlaps
from padu.programs.services.decrees import decree_approve, decree_cancel, decree_prepare
from tests.factories import (
    CandidateFactory,
    CohortFactory,
    FamilyFactory,
    PersonFactory,
    ProgramFactory,
    make_user,
)

from .helpers import DAY, candidate_in, closed_period

pytestmark = pytest.mark.django_db


def _prepare(cohort, number="400/12/SK-DINSOS/2026", amount="5000000", **kwargs):
    values = {
        "number": number,
        "decided_on": DAY,
        "period": closed_period(),
        "amount": amount,
        "place": "Padang",
        "signer_function": "Kepala Dinas Sosial Kota Padang",
        "signer_name": "Heriza Syafani",
    }
    return decree_prepare(actor=make_user(Role.OPERATOR), cohort=cohort, **{**values, **kwargs})


def _cohort(ceiling=None, verified=3):
    cohort = CohortFactory(
        program=ProgramFactory(budget_ceiling=ceiling), state=CohortState.VERIFYING
    )
    people = [candidate_in(S.VERIFIED, cohort=cohort) for _ in range(verified)]
    return cohort, people


def test_prepare_takes_the_verified_not_waiting_nor_decreed():
    cohort, verified = _cohort()
    candidate_in(S.CANDIDATE, cohort=cohort)
    candidate_in(S.VERIFIED, cohort=cohort, on_waiting_list=True)
    decree = _prepare(cohort)
    assert decree.state == DecreeState.DRAFT
    assert sorted(decree.awards.values_list("candidate_id", flat=True)) == sorted(
        c.pk for c in verified
    )
    assert {a.amount for a in decree.awards.all()} == {Decimal(5000000)}
    with pytest.raises(DomainError) as again:
        _prepare(cohort, number="401/12/SK-DINSOS/2026")
    assert again.value.code == "nothing_to_decree"


def test_prepare_refuses_an_open_period_a_used_number_and_bad_amounts():
    cohort, _people = _cohort()
    _prepare(cohort)
    other, _ = _cohort()
    Period.objects.create(month=202601, status=Period.Status.CLOSING)
    with pytest.raises(ValidationFailed) as refused:
        _prepare(other, period=202601, amount="5.000.000,50")
    assert set(refused.value.errors) == {"number", "period", "amount"}
    with pytest.raises(ValidationFailed) as amount:
        _prepare(other, number="X/1", amount="-5")
    assert "amount" in amount.value.errors
    assert BeneficiaryDecree.objects.unscoped().count() == 1


def test_approve_approves_everyone_and_commits_the_budget():
    cohort, people = _cohort(ceiling=Decimal(20_000_000))
    decree = _prepare(cohort)
    approved = decree_approve(actor=make_user(Role.PIMPINAN), decree=decree)
    assert approved.state == DecreeState.APPROVED
    for c in people:
        c.refresh_from_db()
        assert c.state == S.APPROVED
    assert committed(cohort.program_id, DAY.year) == Decimal(15_000_000)
    cohort.refresh_from_db()
    assert (cohort.decree_number, cohort.decree_date, cohort.state) == (
        decree.number,
        DAY,
        CohortState.APPROVED,
    )
    assert AuditEntry.objects.filter(action="programs.candidate.approve").count() == 3
    [line] = budget_lines(DAY.year, [cohort.program])
    assert (line.committed, line.disbursed, line.share) == (Decimal(15_000_000), 0, 0.75)


def test_an_approval_past_the_ceiling_is_refused_and_writes_nothing():
    cohort, _people = _cohort(ceiling=Decimal(110_862_500), verified=3)
    first = _prepare(cohort, amount="35000000")
    decree_approve(actor=make_user(Role.PIMPINAN), decree=first)
    late = candidate_in(S.VERIFIED, cohort=cohort)
    second = _prepare(cohort, number="SK/2", amount="6000000")
    entries = AuditEntry.objects.count()
    with pytest.raises(DomainError) as refused:
        decree_approve(actor=make_user(Role.PIMPINAN), decree=second)
    assert refused.value.code == "budget_ceiling"
    message = str(refused.value)
    assert "Rp\xa0110.862.500" in message  # the ceiling, as Indonesians write it
    assert "Rp\xa0105.000.000" in message  # committed already
    assert "Rp\xa0137.500" in message  # how much too much
    assert "Nothing was approved" in message or "Tidak ada" in message
    second.refresh_from_db()
    late.refresh_from_db()
    assert (second.state, late.state) == (DecreeState.DRAFT, S.VERIFIED)
    assert AuditEntry.objects.count() == entries


def test_a_ceiling_counts_only_the_decrees_year():
    cohort, _people = _cohort(ceiling=Decimal(10_000_000), verified=2)
    decree = _prepare(cohort, amount="5000000")
    decree_approve(actor=make_user(Role.PIMPINAN), decree=decree)
    candidate_in(S.VERIFIED, cohort=cohort)
    next_year = _prepare(cohort, number="SK/2027", decided_on=datetime.date(2027, 1, 5))
    decree_approve(actor=make_user(Role.PIMPINAN), decree=next_year)
    assert committed(cohort.program_id, 2027) == Decimal(5_000_000)


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.TKSK, Role.PSM, Role.ADMIN])
def test_only_a_leader_approves(role):
    cohort, _people = _cohort()
    decree = _prepare(cohort)
    with pytest.raises(PermissionDeniedError):
        decree_approve(actor=make_user(role), decree=decree)
    decree.refresh_from_db()
    assert decree.state == DecreeState.DRAFT


def test_only_benefit_managers_prepare():
    cohort, _people = _cohort()
    with pytest.raises(PermissionDeniedError):
        decree_prepare(
            actor=make_user(Role.PIMPINAN),
            cohort=cohort,
            number="X",
            decided_on=DAY,
            period=closed_period(),
            amount=1,
            place="Padang",
            signer_function="Kepala",
        )


def test_a_candidate_rejected_since_the_draft_stops_the_approval():
    cohort, people = _cohort()
    decree = _prepare(cohort)
    people[0].state = S.REJECTED
    people[0].save(update_fields=["state"])
    with pytest.raises(DomainError) as stale:
        decree_approve(actor=make_user(Role.PIMPINAN), decree=decree)
    assert stale.value.code == "stale_decree"
    people[1].refresh_from_db()
    assert people[1].state == S.VERIFIED


def test_cancel_frees_the_candidates():
    cohort, _people = _cohort()
    decree = _prepare(cohort)
    with pytest.raises(ValidationFailed):
        decree_cancel(actor=make_user(Role.OPERATOR), decree=decree, reason="")
    decree_cancel(actor=make_user(Role.OPERATOR), decree=decree, reason="Salah nomor")
    assert not Award.objects.unscoped().exists()
    assert _prepare(cohort, number="SK/baru").awards.count() == 3
    with pytest.raises(DomainError):
        decree_approve(actor=make_user(Role.PIMPINAN), decree=decree)


def test_overlap_flags_by_person_and_by_family():
    pkh = ProgramFactory(code="PKH_T", target_unit="family")
    uep = ProgramFactory(code="UEP_T")
    training = ProgramFactory(code="TRAIN_T")
    a, b = sorted([pkh, uep], key=lambda p: p.pk)
    ProgramCompatibility.objects.create(program_a=a, program_b=b, compatible=False)
    family = FamilyFactory()
    head, child = PersonFactory(family=family), PersonFactory(family=family)
    in_pkh = CandidateFactory(
        cohort=CohortFactory(program=pkh), person=None, family=family, state=S.ENROLLED
    )
    in_uep = CandidateFactory(cohort=CohortFactory(program=uep), person=child, state=S.VERIFIED)
    in_training = CandidateFactory(cohort=CohortFactory(program=training), person=head)
    found = overlaps([in_uep, in_training, in_pkh])
    assert [o.other.pk for o in found[in_uep.pk]] == [in_pkh.pk]
    assert in_training.pk not in found
    assert in_pkh.pk not in found  # the UEP candidacy is not active yet
    in_uep.state = S.APPROVED
    in_uep.save(update_fields=["state"])
    assert [o.other.pk for o in overlaps([in_pkh])[in_pkh.pk]] == [in_uep.pk]


def test_the_decree_pdf(clock):
    cohort, people = _cohort()
    decree = decree_approve(actor=make_user(Role.PIMPINAN), decree=_prepare(cohort))
    pdf = decree_pdf(decree, make_user(Role.PIMPINAN))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert decree.number in text
    assert "lima juta rupiah" in text
    assert "lima belas juta rupiah" in text
    assert "Heriza Syafani" in text
    # A long name wraps in its cell: compare without the spaces and line breaks.
    assert "".join(people[0].person.name.split()) in "".join(text.split())
    assert people[0].person.nik not in text  # a leader sees masked numbers
