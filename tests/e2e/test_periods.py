"""The periods pages on a 360 px phone: an operator closes last month after confirming, sees its
summary and the families and people as of it; an admin opens the reopen confirmation. Every page
has no axe-core violation and does not scroll sideways."""

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.periods import months
from padu.periods.models import Period
from tests.factories import KEL_A, KOTA, FamilyFactory, PersonFactory, make_user

from .conftest import PHONE, login, screenshot
from .test_accessibility import overflow, violations

pytestmark = pytest.mark.e2e


def check(page, url: str, name: str) -> list[str]:
    response = page.goto(url)
    assert response.status == 200, f"{url}: {response.status}"
    page.wait_for_load_state("networkidle")
    found = violations(page)
    if (wider := overflow(page)) > 0:
        found.append(f"the page scrolls sideways by {wider} px")
    screenshot(page, name)
    return [f"{url}: {problem}" for problem in found]


def test_close_a_period_and_read_it_on_a_phone(new_page, settings):
    # The close runs as a background job: here at once, in the server's thread.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    family = FamilyFactory(region_id=KEL_A, address="Jalan Prof. Dr. Hamka Nomor 123 Air Tawar")
    PersonFactory(family=family, name="Muhammad Fadhlurrahman Syahputra Caniago")
    last = months.preceding(months.current())
    operator = make_user(Role.OPERATOR, scope=KOTA)
    page = new_page(viewport=PHONE)
    login(page, operator.username)
    problems = check(page, reverse("periods:close"), "periods-close")
    page.fill("#id_month", months.text(last))
    page.locator("form.record-form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('periods:detail', args=[last])}")
    page.wait_for_load_state("networkidle")
    assert Period.objects.get(pk=last).status == Period.Status.CLOSED
    for name, url in (
        ("periods-list", reverse("periods:list")),
        ("periods-detail", reverse("periods:detail", args=[last])),
        ("periods-families", reverse("periods:families", args=[last])),
        ("periods-people", reverse("periods:people", args=[last])),
    ):
        problems += check(page, url, name)
    admin = make_user(Role.ADMIN, scope=KOTA)
    admin_page = new_page(viewport=PHONE)
    login(admin_page, admin.username)
    problems += check(admin_page, reverse("periods:reopen", args=[last]), "periods-reopen")
    assert not problems, "\n".join(problems)
