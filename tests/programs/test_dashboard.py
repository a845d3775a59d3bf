"""The leader's home page: budget against the ceiling and people reached against the quota, as
server-rendered SVG bars."""

from decimal import Decimal

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.programs.codes import CandidateState as S
from padu.programs.models import CohortQuota
from padu.programs.services.decrees import decree_approve, decree_prepare
from tests.factories import KEC_A, KEL_A2, CohortFactory, PersonFactory, ProgramFactory, make_user

from .helpers import candidate_in, closed_period

pytestmark = pytest.mark.django_db


def test_the_leaders_home_draws_budget_and_reach(client, clock):
    program = ProgramFactory(code="UEP", budget_ceiling=Decimal(20_000_000))
    cohort = CohortFactory(program=program)
    CohortQuota.objects.create(cohort=cohort, region_id=KEC_A, quota=4)
    for person in (PersonFactory(), PersonFactory(family__region_id=KEL_A2), PersonFactory()):
        candidate_in(S.VERIFIED, cohort=cohort, person=person)
    decree = decree_prepare(
        actor=make_user(Role.OPERATOR),
        cohort=cohort,
        number="SK/1",
        decided_on=clock.date(),
        period=closed_period(),
        amount="5000000",
        place="Padang",
        signer_function="Kepala Dinas Sosial",
    )
    leader = make_user(Role.PIMPINAN)
    decree_approve(actor=leader, decree=decree)
    client.force_login(leader)
    page = client.get(reverse("core:home")).content.decode()
    assert "<svg" in page and 'width="75.0"' in page
    assert "Rp\xa015.000.000 / Rp\xa020.000.000 (75%)" in page
    assert "Padang Selatan" in page and "3 / 4" in page
    client.force_login(make_user(Role.OPERATOR))
    assert "<svg" not in client.get(reverse("core:home")).content.decode()
