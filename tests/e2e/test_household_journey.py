"""A KK splits on a phone (issue #11 point 1): on a 360 px screen an operator opens a family
whose married son lives with his wife in his parents' house, splits them off into a new KK with
the son as its head, checks the confirmation, and finds the split in both families' histories;
no page scrolls sideways."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from padu.accounts.capabilities import Role
from padu.registry import codes, services
from padu.registry.models import Family
from tests.factories import KEL_A, make_kk, make_nik, make_user

from .conftest import PHONE, login, screenshot
from .test_registry_journey import member, no_sideways_scroll

pytestmark = pytest.mark.e2e


def test_an_operator_splits_a_kk_on_a_phone(new_page):
    clerk = make_user(Role.OPERATOR, username="clerk", first_name="Dewi")
    family = services.family_register(
        actor=clerk,
        data={"kk_number": make_kk(KEL_A), "region": KEL_A, "rw": "002", "rt": "004"},
        members=[
            member("Syahrial", codes.Sex.MALE, datetime.date(1965, 3, 2), codes.Relationship.HEAD),
            member("Rosna", codes.Sex.FEMALE, datetime.date(1968, 5, 9), codes.Relationship.SPOUSE),
            member("Rudi Syahrial", codes.Sex.MALE, datetime.date(1995, 8, 1), 3),
            {
                **member("Sari Wulandari", codes.Sex.FEMALE, datetime.date(1997, 1, 20), 4),
                "nik": make_nik(KEL_A, datetime.date(1997, 1, 20), codes.Sex.FEMALE),
            },
        ],
        confirm_warnings=True,
    )
    son = family.members.get(name="Rudi Syahrial")
    wife = family.members.get(name="Sari Wulandari")
    operator = make_user(Role.OPERATOR, username="ops", first_name="Rahmat")
    page = new_page(viewport=PHONE)
    login(page, operator.username)

    # 1. From the family page to the split.
    page.goto(reverse("registry:family_detail", args=[family.pk]))
    no_sideways_scroll(page)
    page.locator(f"a[href='{reverse('registry:family_split', args=[family.pk])}']").click()
    page.wait_for_url(f"**{reverse('registry:family_split', args=[family.pk])}")
    no_sideways_scroll(page)

    # 2. A first try without a head for the new family: refused, in Indonesian, nothing written.
    kk = make_kk(KEL_A)
    page.locator("input[name=kk_number]").fill(kk)
    page.locator(f"select[name=member_{son.pk}]").select_option(str(codes.Relationship.CHILD))
    page.locator("input[name=where][value=same]").check()
    page.locator("[name=reason]").fill("Menikah, KK baru terbit 2 Mei")
    page.locator("form.record-form button[type=submit]").first.click()
    page.locator("#confirm").wait_for()
    with page.expect_navigation():
        page.locator("button[name=confirm]").click()
    with translation.override("id"):
        expected = gettext("Members: exactly one of them must be the head of the new family.")
    assert expected in page.locator("#error-summary").inner_text()
    assert not Family.objects.unscoped().filter(kk_number=kk).exists()
    screenshot(page, "household-phone-split-refused")
    no_sideways_scroll(page)

    # 3. The son heads the new KK, his wife is his wife; confirm.
    page.locator(f"select[name=member_{son.pk}]").select_option(str(codes.Relationship.HEAD))
    page.locator(f"select[name=member_{wife.pk}]").select_option(str(codes.Relationship.SPOUSE))
    page.locator("form.record-form button[type=submit]").first.click()
    confirm = page.locator("#confirm")
    confirm.wait_for()
    text = confirm.inner_text()
    assert kk in text and "Rudi Syahrial" in text and "Sari Wulandari" in text
    screenshot(page, "household-phone-split-confirm")
    no_sideways_scroll(page)
    with page.expect_navigation():
        page.locator("button[name=confirm]").click()

    # 4. The new family's page, and the split in both histories.
    new = Family.objects.unscoped().get(kk_number=kk)
    assert page.url.endswith(reverse("registry:family_detail", args=[new.pk]))
    assert new.dwelling_id == family.dwelling_id
    assert sorted(new.members.values_list("name", flat=True)) == ["Rudi Syahrial", "Sari Wulandari"]
    newest = page.locator("#timeline .timeline-entry").first
    assert "Menikah, KK baru terbit 2 Mei" in page.locator("#timeline").inner_text()
    assert "Rahmat" in newest.inner_text()
    screenshot(page, "household-phone-new-family")
    no_sideways_scroll(page)
    page.goto(reverse("registry:family_detail", args=[family.pk]))
    assert "Menikah, KK baru terbit 2 Mei" in page.locator("#timeline").inner_text()
    assert page.locator("table.members tbody tr").count() == 2
    no_sideways_scroll(page)
