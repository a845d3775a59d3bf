"""The public page on a 360 px phone, with the keyboard only: a citizen checks his family (found,
not found, too many checks) and switches the language; axe-core finds no violation on any of
its pages and none scrolls sideways."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from tests.factories import FamilyFactory, PersonFactory

from .conftest import PHONE, screenshot
from .test_accessibility import overflow, violations

pytestmark = pytest.mark.e2e


def checked(page, name: str) -> list[str]:
    found = violations(page)
    wider = overflow(page)
    if wider > 0:
        found.append(f"the page scrolls sideways by {wider} px")
    screenshot(page, f"portal-{name}")
    return found


def tab_to(page, selector: str, most: int = 10) -> None:
    """Press Tab until the element `selector` has the focus (a keyboard user's way there)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def check_with_keyboard(page, nik: str, name: str) -> None:
    tab_to(page, "input[name=nik]")
    page.keyboard.type(nik)
    tab_to(page, "input[name=name]")
    page.keyboard.type(name)
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_citizen_checks_his_family_on_a_phone(new_page, settings):
    settings.PADU_PORTAL_LOOKUPS_PER_NIK = 3
    person = PersonFactory(family=FamilyFactory(desil=2), name="Rahmat Hidayat")
    page = new_page(viewport=PHONE)
    problems = {}

    page.goto(reverse("portal:check"))
    assert page.locator("html").get_attribute("lang") == "id"
    problems["form"] = checked(page, "form")

    # A wrong NIK first: the form says what is wrong, and the summary links to the field.
    check_with_keyboard(page, "12345", "Rahmat Hidayat")
    assert page.locator(".error-summary").is_visible()
    problems["invalid"] = checked(page, "invalid")

    page.goto(reverse("portal:check"))
    check_with_keyboard(page, person.nik, "rahmat hidayat")
    assert page.get_by_role("heading", name=gettext("Your family is registered")).is_visible()
    assert person.nik not in page.content()
    problems["answer"] = checked(page, "answer")

    # Checking again from the answer page, with a name that is not the registered one.
    check_with_keyboard(page, person.nik, "Siti Aminah")
    heading = gettext("No registered family was found for this NIK and name")
    assert page.get_by_role("heading", name=heading).is_visible()
    problems["not found"] = checked(page, "not-found")

    check_with_keyboard(page, person.nik, "Rahmat Hidayat")
    response = page.goto(reverse("portal:check"))
    assert response.status == 200
    check_with_keyboard(page, person.nik, "Rahmat Hidayat")
    assert page.get_by_role("heading", name=gettext("Too many checks")).is_visible()
    problems["too many"] = checked(page, "too-many")

    # The language menu, with the keyboard: English, and the page stays the public one.
    page.goto(reverse("portal:check"))
    tab_to(page, "#lang-select")
    with page.expect_navigation():
        page.keyboard.press("ArrowDown")  # the menu submits itself on change
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith(reverse("portal:check"))
    with override("en"):
        assert page.get_by_role("heading", name=gettext("Is my family registered?")).is_visible()
    problems["english"] = checked(page, "english")

    assert not any(problems.values()), problems


def test_a_citizen_objects_and_follows_the_receipt_on_a_phone(new_page):
    """A sanggah with its photo, then its receipt page; and the proposal form, refused as sent
    empty: axe-core on each."""
    from padu.updates.codes import RequestState
    from tests.factories import JPEG_BYTES

    member = PersonFactory(family=FamilyFactory(desil=6), name="Hendra Gunawan")
    page = new_page(viewport=PHONE)
    problems = {}

    page.goto(reverse("portal:propose"))
    problems["propose"] = checked(page, "propose")
    tab_to(page, "button[type=submit]", most=30)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".error-summary").is_visible()
    problems["propose refused"] = checked(page, "propose-refused")

    page.goto(reverse("portal:object"))
    problems["object"] = checked(page, "object")
    tab_to(page, "input[name=nik]")
    page.keyboard.type(member.nik)
    tab_to(page, "input[name=name]")
    page.keyboard.type("Hendra Gunawan")
    tab_to(page, "textarea[name=reason]")
    page.keyboard.type("Sudah punya dua mobil.")
    page.locator("input[name=photo]").set_input_files(
        {"name": "rumah.jpg", "mimeType": "image/jpeg", "buffer": JPEG_BYTES}
    )
    tab_to(page, "input[name=citizen_name]")
    page.keyboard.type("Warga Peduli")
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/cek/tanda-terima/?nomor=" in page.url
    assert page.get_by_text(str(RequestState.SUBMITTED.label)).first.is_visible()
    assert member.nik not in page.content() and "Warga Peduli" not in page.content()
    problems["receipt"] = checked(page, "receipt")

    assert not any(problems.values()), problems
