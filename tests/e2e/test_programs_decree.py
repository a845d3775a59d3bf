"""A training cohort's journey on a 360 px phone, from its rules to its decree: an operator writes
the program's rules in the form-based editor, makes a cohort with a kecamatan quota, runs the
targeting, reads the funnel and one person's explanation, field-checks a candidate and prepares
the decree; a leader approves it, downloads its PDF and sees the budget on his home page. Every
page has no axe-core violation and does not scroll sideways."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.periods.models import Period
from padu.programs.codes import CandidateState, TargetUnit
from padu.programs.models import Candidate, Cohort, RuleSet
from tests.factories import (
    KEC_A,
    KEL_A,
    KOTA,
    FamilyFactory,
    PersonFactory,
    ProgramFactory,
    make_user,
)

from .conftest import PHONE, login, screenshot
from .test_periods import check

pytestmark = pytest.mark.e2e


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")


def _write_rules(page, program) -> list[str]:
    """One condition, desil at most 3, in the editor's first (blank) row: each choice redraws
    the row by htmx with what it needs next."""
    problems = check(page, reverse("programs:rules", args=[program.pk]), "rules-edit")
    for name, choice in (("field", "family.desil"), ("op", "le")):
        # The row is marked, then replaced by htmx: the new row carries no mark.
        page.locator("#rule-rows li.rule-row").first.evaluate("row => row.dataset.stale = '1'")
        page.locator(f"#rule-rows select[name^='{name}_']").first.select_option(choice)
        page.locator("#rule-rows li.rule-row:not([data-stale])").first.wait_for()
    page.locator("#rule-rows input[name^='value_']").first.fill("3")
    page.fill("#rules-note", "Keluarga miskin dan rentan")
    page.locator("form.record-form button[type=submit]").click()
    _settle(page)
    assert RuleSet.objects.get(program=program).tree == {
        "all": [{"field": "family.desil", "op": "le", "value": 3}]
    }
    return problems


def _make_cohort(page, program) -> tuple[Cohort, list[str]]:
    problems = check(page, reverse("programs:cohort_new"), "cohort-new")
    page.select_option("#id_program", str(program.pk))
    page.fill("#id_name", "Angkatan I 2026")
    page.select_option("#id_region", KOTA)
    page.fill("#id_quotas", f"{KEC_A} 1")
    page.select_option("#id_priority_1", "desil")
    page.locator("main form[method=post] button[type=submit]").click()
    _settle(page)
    cohort = Cohort.objects.unscoped().get(program=program)
    assert reverse("programs:cohort_detail", args=[cohort.pk]) in page.url
    return cohort, problems


def test_from_rules_to_targeting_to_an_approved_decree(new_page, tmp_path, settings):
    # The funnel is counted by a background job: here at once, in the server's thread.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    Period.objects.create(month=202512, status=Period.Status.CLOSED)
    program = ProgramFactory(
        code="LATIH",
        name="Pelatihan Keterampilan Disabilitas",
        target_unit=TargetUnit.PERSON,
        budget_ceiling=Decimal(50_000_000),
    )
    chosen = PersonFactory(
        family=FamilyFactory(region_id=KEL_A, desil=1),
        name="Muhammad Fadhlurrahman Syahputra Caniago",
    )
    waiting = PersonFactory(family=FamilyFactory(region_id=KEL_A, desil=2))
    PersonFactory(family=FamilyFactory(region_id=KEL_A, desil=9))  # removed by the rule
    operator = make_user(Role.OPERATOR, scope=KOTA)
    page = new_page(viewport=PHONE)
    login(page, operator.username)
    problems = _write_rules(page, program)
    cohort, found = _make_cohort(page, program)
    problems += found

    page.locator(f"form[action$='{cohort.pk}/jalankan/'] button[type=submit]").click()
    _settle(page)
    funnel = page.locator("table.funnel")
    assert funnel.is_visible()
    assert funnel.locator("tbody tr").count() == 2  # the area, then the rule
    problems += check(page, reverse("programs:cohort_detail", args=[cohort.pk]), "cohort-funnel")
    placed = Candidate.objects.unscoped().get(cohort=cohort, on_waiting_list=False)
    assert placed.person_id == chosen.pk

    problems += check(page, reverse("programs:candidate_list", args=[cohort.pk]), "candidates")
    page.get_by_role("link", name=chosen.name).click()
    _settle(page)
    explained = reverse("programs:explain", kwargs={"pk": cohort.pk, "person_pk": chosen.pk})
    assert page.url.endswith(explained)
    assert "Memenuhi aturan." in page.content() and "peringkat 1" in page.content()
    problems += check(page, explained, "explain")

    # The candidate on the waiting list is not found in the field (his check needs no photo);
    # the first field check ends the targeting.
    rejected = Candidate.objects.unscoped().get(cohort=cohort, person=waiting)
    problems += check(page, reverse("beneficiaries:detail", args=[rejected.pk]), "beneficiary")
    page.fill("#id_checked_on", timezone.localdate().isoformat())
    page.fill("#id_note", "Sudah bekerja tetap di pabrik")
    page.locator("form[action$='cek-lapangan/'] button[type=submit]").click()
    _settle(page)
    assert Candidate.objects.unscoped().get(pk=rejected.pk).state == CandidateState.REJECTED
    # The chosen one's passing check, with its photos, is the field-check tests' business.
    Candidate.objects.unscoped().filter(pk=placed.pk).update(state=CandidateState.VERIFIED)

    problems += check(page, reverse("decrees:new", args=[cohort.pk]), "decree-new")
    page.fill("#id_number", "400.9/12/SK-DINSOS/2026")
    page.fill("#id_decided_on", "2026-01-15")
    page.fill("#id_amount", "5000000")
    page.fill("#id_signer_name", "Heriza Syafani")
    page.locator("main form[method=post] button[type=submit]").click()
    _settle(page)
    assert "/sk/" in page.url

    leader = make_user(Role.PIMPINAN, scope=KOTA)
    page = new_page(viewport=PHONE)
    login(page, leader.username)
    page.goto(reverse("decrees:list"))
    page.get_by_role("link", name="400.9/12/SK-DINSOS/2026").click()
    _settle(page)
    problems += check(page, "/sk/" + page.url.split("/sk/")[1], "decree-draft")
    page.locator("form[action$='setujui/'] button[type=submit]").click()
    _settle(page)
    assert Candidate.objects.unscoped().get(pk=placed.pk).state == CandidateState.APPROVED
    with page.expect_download() as download:
        page.locator("a[href$='sk.pdf']").click()
    pdf = tmp_path / "sk.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    problems += check(page, reverse("core:home"), "leader-home-programs")
    assert "Rp" in page.locator("#programs-charts-heading").locator("..").inner_text()
    screenshot(page, "leader-home-programs")
    assert not problems, "\n".join(problems)
