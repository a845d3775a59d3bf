"""A decree's journey on a 360 px phone: an operator field-checks a candidate and prepares the
cohort's decree, a leader approves it, downloads its PDF and sees the budget on his home page.
Every page has no axe-core violation and does not scroll sideways."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.periods.models import Period
from padu.programs.codes import CandidateState
from padu.programs.models import Candidate
from tests.factories import (
    KOTA,
    CandidateFactory,
    CohortFactory,
    PersonFactory,
    ProgramFactory,
    make_user,
)

from .conftest import PHONE, login, screenshot
from .test_periods import check

pytestmark = pytest.mark.e2e


def test_prepare_approve_and_download_a_decree(new_page, tmp_path):
    Period.objects.create(month=202512, status=Period.Status.CLOSED)
    program = ProgramFactory(name="UEP Penyandang Disabilitas", budget_ceiling=Decimal(50_000_000))
    cohort = CohortFactory(program=program, name="Angkatan I 2026")
    verified = [
        CandidateFactory(
            cohort=cohort,
            person=PersonFactory(name="Muhammad Fadhlurrahman Syahputra Caniago"),
            state=CandidateState.VERIFIED,
        ),
        CandidateFactory(cohort=cohort, state=CandidateState.VERIFIED),
    ]
    waiting = CandidateFactory(cohort=cohort)
    operator = make_user(Role.OPERATOR, scope=KOTA)
    page = new_page(viewport=PHONE)
    login(page, operator.username)
    problems = check(page, reverse("beneficiaries:detail", args=[waiting.pk]), "beneficiary")
    page.fill("#id_checked_on", timezone.localdate().isoformat())
    page.fill("#id_note", "Sudah bekerja tetap di pabrik")
    page.locator("form[action$='cek-lapangan/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert Candidate.objects.unscoped().get(pk=waiting.pk).state == CandidateState.REJECTED
    problems += check(page, reverse("decrees:new", args=[cohort.pk]), "decree-new")
    page.fill("#id_number", "400.9/12/SK-DINSOS/2026")
    page.fill("#id_decided_on", "2026-01-15")
    page.fill("#id_amount", "5000000")
    page.fill("#id_signer_name", "Heriza Syafani")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "/sk/" in page.url
    leader = make_user(Role.PIMPINAN, scope=KOTA)
    page = new_page(viewport=PHONE)
    login(page, leader.username)
    page.goto(reverse("decrees:list"))
    page.get_by_role("link", name="400.9/12/SK-DINSOS/2026").click()
    page.wait_for_load_state("networkidle")
    problems += check(page, "/sk/" + page.url.split("/sk/")[1], "decree-draft")
    page.locator("form[action$='setujui/'] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    for c in verified:
        assert Candidate.objects.unscoped().get(pk=c.pk).state == CandidateState.APPROVED
    with page.expect_download() as download:
        page.locator("a[href$='sk.pdf']").click()
    pdf = tmp_path / "sk.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    problems += check(page, reverse("core:home"), "leader-home-programs")
    assert "Rp" in page.locator("#programs-charts-heading").locator("..").inner_text()
    screenshot(page, "leader-home-programs")
    assert not problems, "\n".join(problems)
