"""Foundation journeys in a browser: role-aware navigation, the language switch, a phone screen."""

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role
from tests.factories import make_user

from .conftest import DESKTOP, PHONE, login, screenshot

pytestmark = pytest.mark.e2e


def nav_links(page) -> set[str]:
    return set(
        page.locator("#site-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    )


def test_each_role_sees_its_own_navigation(new_page):
    operator = make_user(Role.OPERATOR)
    psm = make_user(Role.PSM)
    families, people = reverse("registry:family_list"), reverse("registry:person_list")
    users, imports, audit = (
        reverse("accounts:user_list"),
        reverse("registry:import_list"),
        reverse("core:audit"),
    )

    page = new_page()
    login(page, operator.username)
    links = nav_links(page)
    assert {families, people, imports} <= links
    assert not {users, audit} & links
    screenshot(page, "navigation-operator")

    page = new_page()
    login(page, psm.username)
    links = nav_links(page)
    assert {families, people} <= links
    assert not {users, imports, audit} & links, "a PSM must not see Users, Import or Audit"
    screenshot(page, "navigation-psm")
    # Hidden is not enough: the pages refuse him too.
    for url in (users, imports, audit):
        response = page.goto(url)
        assert response.status in (403, 404), f"{url} answered {response.status} to a PSM"


def test_language_switch_changes_the_page_and_is_remembered(new_page):
    user = make_user(Role.OPERATOR)
    page = new_page()
    login(page, user.username)
    html, nav, switch = (
        page.locator("html"),
        page.locator("#site-nav"),
        page.locator("#lang-select"),
    )
    assert html.get_attribute("lang") == "id"
    indonesian = nav.inner_text()

    with page.expect_navigation():
        switch.select_option("en")
    assert html.get_attribute("lang") == "en"
    english = nav.inner_text()
    assert english != indonesian, "the navigation reads the same in both languages"
    assert "Home" in english
    user.refresh_from_db()
    assert user.language == "en"

    # Remembered with the account: another browser (no cookies) shows English after logging in.
    elsewhere = new_page()
    login(elsewhere, user.username)
    assert elsewhere.locator("html").get_attribute("lang") == "en"
    assert elsewhere.locator("#site-nav").inner_text() == english

    with page.expect_navigation():
        switch.select_option("id")
    assert html.get_attribute("lang") == "id"
    assert nav.inner_text() == indonesian
    user.refresh_from_db()
    assert user.language == "id"


@pytest.mark.parametrize(("name", "viewport"), [("360px", PHONE), ("desktop", DESKTOP)])
def test_home_page_fits_phone_and_desktop_and_is_saved_as_screenshot(new_page, name, viewport):
    user = make_user(Role.PSM)
    page = new_page(viewport=viewport)
    login(page, user.username)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], (
        f"the page scrolls sideways at {viewport['width']} px ({width} px)"
    )
    path = screenshot(page, f"home-psm-{name}")
    assert path.stat().st_size > 1_000
    if viewport is PHONE:
        toggle = page.locator("[data-nav-toggle]")
        assert toggle.is_visible() and not page.locator("#site-nav a").first.is_visible()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("#site-nav a").first.is_visible()
        screenshot(page, f"home-psm-{name}-menu")
