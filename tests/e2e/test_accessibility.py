"""Every page a role can reach, on a 360 px phone: axe-core finds no violation and the page does
not scroll sideways (a wide table scrolls inside its own box, with a visible cue).

The pages are derived, not listed: each role's navigation entries (padu.web.navigation, the same
list the menu shows), the detail pages of a family and a person in the role's area, the region
page, the API documentation and an error page. axe-core comes with the dev dependency
axe-playwright-python (its bundled axe.min.js), run in the page through Playwright.
"""

import datetime

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Cap, Role
from padu.core.scoping import has_capability
from padu.registry.models import DesilRecord, ImportBatch
from padu.web.navigation import NAV
from tests.factories import KEL_A, KOTA, FamilyFactory, PersonFactory, make_user
from tests.permission_matrix import OWN_SCOPE

from .conftest import PHONE, login, screenshot

pytestmark = pytest.mark.e2e


def pages_for(user, family, person) -> list[str]:
    urls = [
        reverse(item.url_name)
        for item in NAV
        if item.capability is None or has_capability(user, item.capability)
    ]
    if has_capability(user, Cap.REGISTRY_VIEW):
        urls += [
            reverse("registry:family_detail", args=[family.pk]),
            reverse("registry:person_detail", args=[person.pk]),
        ]
    if has_capability(user, Cap.DESIL_CORRECT):
        urls.append(reverse("registry:family_desil", args=[family.pk]))
    if has_capability(user, Cap.REGIONS_VIEW):
        urls.append(reverse("regions:detail", args=[KEL_A]))
    return [*urls, reverse("accounts:password_change"), "/api/v1/docs", "/tidak-ada/"]


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in results.response["violations"]
    ]


def overflow(page) -> int:
    """How many pixels the document is wider than the screen (0: no sideways scrolling)."""
    return page.evaluate(
        "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
    )


def desil_history(family) -> None:
    """A desil timeline with a long file name, an import and a correction with its reason."""
    batch = ImportBatch.objects.create(
        file_name="dtsen_kota_padang_periode_juli_2025_final_revisi_bps_v2.xlsx", file_sha256="0"
    )
    DesilRecord.objects.create(
        family=family, desil=5, period=datetime.date(2024, 7, 20), kind="impor", import_batch=batch
    )
    DesilRecord.objects.create(
        family=family,
        desil=4,
        period=datetime.date(2025, 7, 20),
        kind="koreksi",
        reason="Surat BPS Kota Padang nomor 123/BPS/1371/2025 tentang perbaikan peringkat",
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_page_of_a_role_on_a_phone(new_page, role):
    # A family whose long names, address and numbers make its tables wider than a phone.
    family = FamilyFactory(region_id=KEL_A, address="Jalan Prof. Dr. Hamka Nomor 123 Air Tawar")
    person = PersonFactory(family=family, name="Muhammad Fadhlurrahman Syahputra Caniago")
    PersonFactory(family=family)
    desil_history(family)
    for _ in range(3):
        PersonFactory(family=FamilyFactory(region_id=KEL_A))
    user = make_user(role, scope=OWN_SCOPE[role])
    page = new_page(viewport=PHONE)
    login(page, user.username)
    problems, links = {}, set()
    for url in pages_for(user, family, person):
        response = page.goto(url)
        assert response.status in (200, 404), f"{url}: {response.status}"
        page.wait_for_load_state("networkidle")
        found = violations(page)
        wider = overflow(page)
        if wider > 0:
            found.append(f"the page scrolls sideways by {wider} px")
        if found:
            problems[url] = found
            screenshot(page, f"a11y-{role}-{url}")
        links.update(
            page.locator("main a[href^='/']").evaluate_all(
                "links => links.map(a => a.getAttribute('href').split('#')[0])"
            )
        )
    # No link on these pages leads to an error (a 405 page was reached by a link before).
    for link in sorted(links):
        status = page.request.get(link, max_redirects=0).status
        if status >= 400:
            problems[link] = [f"a link leads to an error page ({status})"]
    assert not problems, "\n".join(
        f"{url}:\n  " + "\n  ".join(found) for url, found in problems.items()
    )


def test_a_wide_table_shows_that_it_scrolls(new_page):
    """The person list on a phone: its table scrolls in a named, focusable region, with the
    hint above it."""
    for _ in range(3):
        PersonFactory(family=FamilyFactory(region_id=KEL_A))
    user = make_user(Role.OPERATOR, scope=KOTA)
    page = new_page(viewport=PHONE)
    login(page, user.username)
    page.goto(reverse("registry:person_list"))
    wrap = page.locator(".table-wrap").first
    assert "scrolls" in (wrap.get_attribute("class") or "")
    assert wrap.get_attribute("tabindex") == "0"
    assert wrap.get_attribute("role") == "region"
    assert (
        page.locator(".scroll-hint")
        .first.inner_text()
        .strip()
        .endswith("Geser untuk melihat kolom lain")
    )
    screenshot(page, "person-list-phone-scroll-cue")


def test_the_check_finds_a_violation(page):
    """The harness itself: an image without a text alternative is reported."""
    page.set_content('<html lang="id"><title>x</title><main><img src="a.png"></main></html>')
    assert any(v.startswith("image-alt") for v in violations(page))
