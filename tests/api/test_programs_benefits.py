"""The programs endpoints after the targeting: beneficiaries, transitions, decrees, budget."""

from decimal import Decimal

import pytest

from padu.accounts.capabilities import Role
from padu.core.models import AccessLog
from padu.programs.codes import CandidateState as S
from padu.programs.models import ProgramCompatibility
from padu.programs.services.decrees import decree_prepare
from tests.factories import KEC_B, CandidateFactory, CohortFactory, ProgramFactory, make_user
from tests.programs.helpers import DAY, candidate_in, closed_period

pytestmark = pytest.mark.django_db
BASE = "/api/v1/programs"


def test_a_beneficiary_with_his_overlap_masked_and_logged(api, token_for):
    uep, pkh = ProgramFactory(), ProgramFactory()
    a, b = sorted([uep, pkh], key=lambda p: p.pk)
    ProgramCompatibility.objects.create(program_a=a, program_b=b, compatible=False)
    mine = candidate_in(S.ENROLLED, amount=Decimal(5_000_000), cohort=CohortFactory(program=uep))
    CandidateFactory(cohort=CohortFactory(program=pkh), person=mine.person, state=S.DELIVERED)
    key = token_for(make_user(Role.PIMPINAN))
    response = api.get(f"{BASE}/beneficiaries/{mine.pk}", token=key)
    assert response.status_code == 200
    body = response.data
    assert body["awarded"] == "5000000.00"
    assert [o["program"]["id"] for o in body["overlaps"]] == [pkh.pk]
    assert body["identifier"] != mine.person.nik
    assert AccessLog.objects.filter(purpose="api_program_beneficiary").count() == 1
    listed = api.get(f"{BASE}/beneficiaries", token=key, state=S.ENROLLED)
    assert [i["id"] for i in listed.data["items"]] == [mine.pk]


def test_another_area_gets_404(api, token_for):
    candidate = candidate_in(S.ENROLLED)
    key = token_for(make_user(Role.OPERATOR, scope=KEC_B))
    assert api.get(f"{BASE}/beneficiaries/{candidate.pk}", token=key).status_code == 404


def test_transitions_through_the_api(api, token_for):
    candidate = candidate_in(S.APPROVED)
    operator = token_for(make_user(Role.OPERATOR))
    moved = api.post(
        f"{BASE}/beneficiaries/{candidate.pk}/transition",
        {"name": "enrol", "version": 1},
        token=operator,
    )
    assert (moved.status_code, moved.data["state"]) == (200, S.ENROLLED)
    stale = api.post(
        f"{BASE}/beneficiaries/{candidate.pk}/transition",
        {"name": "exit", "version": 1, "exit_reason": "pindah", "reason": "Pindah"},
        token=operator,
    )
    assert stale.status_code == 409
    grounds = api.post(
        f"{BASE}/beneficiaries/{candidate.pk}/transition", {"name": "deliver"}, token=operator
    )
    assert grounds.status_code == 403
    pimpinan = api.post(
        f"{BASE}/beneficiaries/{candidate.pk}/transition",
        {"name": "exit", "exit_reason": "pindah", "reason": "Pindah"},
        token=token_for(make_user(Role.PIMPINAN)),
    )
    assert pimpinan.status_code == 403


def test_decree_approval_and_the_budget(api, token_for):
    program = ProgramFactory(budget_ceiling=Decimal(8_000_000))
    cohort = CohortFactory(program=program)
    for _ in range(2):
        candidate_in(S.VERIFIED, cohort=cohort)
    decree = decree_prepare(
        actor=make_user(Role.OPERATOR),
        cohort=cohort,
        number="SK/API/1",
        decided_on=DAY,
        period=closed_period(),
        amount="5000000",
        place="Padang",
        signer_function="Kepala Dinas Sosial",
    )
    pimpinan = token_for(make_user(Role.PIMPINAN))
    refused = api.post(f"{BASE}/decrees/{decree.pk}/approve", {}, token=pimpinan)
    assert (refused.status_code, refused.data["code"]) == (400, "budget_ceiling")
    program.budget_ceiling = Decimal(10_000_000)
    program.save(update_fields=["budget_ceiling"])
    approved = api.post(f"{BASE}/decrees/{decree.pk}/approve", {}, token=pimpinan)
    assert (approved.status_code, approved.data["state"]) == (200, "approved")
    assert approved.data["total"] == "10000000.00"
    budget = api.get(f"{BASE}/budget", token=pimpinan, year=DAY.year)
    [line] = [b for b in budget.data if b["program"]["id"] == program.pk]
    assert (line["ceiling"], line["committed"]) == ("10000000.00", "10000000.00")
    operator = token_for(make_user(Role.OPERATOR))
    assert api.post(f"{BASE}/decrees/{decree.pk}/approve", {}, token=operator).status_code == 403
