"""The registry in a browser (issue #3): an operator finds a person by a misspelt name, opens the
family, edits a member and sees the change, with who and why, in the family's history, and
moves the family into a neighbour's dwelling; the same pages on a 360 px phone do not scroll
sideways; two operators editing one family at once lose nothing."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.registry import codes, services
from padu.registry.masks import mask_number
from tests.factories import KEL_A, make_kk, make_nik, make_user

from .conftest import PHONE, login, screenshot

pytestmark = pytest.mark.e2e

HEAD_BIRTH = datetime.date(1984, 7, 9)
WIFE_BIRTH = datetime.date(1988, 2, 14)


def member(name, sex, birth_date, relationship, **extra):
    return {
        "nik": make_nik(KEL_A, birth_date, sex),
        "name": name,
        "sex": sex,
        "birth_place": "Padang",
        "birth_date": birth_date.isoformat(),
        "relationship": relationship,
        "marital_status": codes.MaritalStatus.MARRIED,
        "mother_name": "Rosna",
        **extra,
    }


@pytest.fixture
def rizki_family():
    """A family registered through the service (so its history starts with the registration),
    and a second family whose name is close enough to show up in a loose search."""
    clerk = make_user(Role.OPERATOR, username="clerk", first_name="Dewi")
    family = services.family_register(
        actor=clerk,
        data={"kk_number": make_kk(KEL_A), "region": KEL_A, "rw": "003", "rt": "001"},
        members=[
            member("Muhammad Rizki", codes.Sex.MALE, HEAD_BIRTH, codes.Relationship.HEAD),
            member(
                "Siti Aminah",
                codes.Sex.FEMALE,
                WIFE_BIRTH,
                codes.Relationship.SPOUSE,
                occupation="Pedagang",
            ),
        ],
        confirm_warnings=True,
    )
    neighbour = services.family_register(
        actor=clerk,
        data={"kk_number": make_kk(KEL_A), "region": KEL_A},
        members=[
            member("Budi Santoso", codes.Sex.MALE, datetime.date(1979, 1, 3), 1),
        ],
        confirm_warnings=True,
    )
    family.neighbour = neighbour
    return family


WIDER_THAN_SCREEN = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .filter(e => !e.closest(".table-wrap") || e.matches(".table-wrap"))
    .map(e => `${e.tagName.toLowerCase()}#${e.id}.${String(e.className).trim()}`
         + ` ${Math.round(e.getBoundingClientRect().right)}`)
    .slice(0, 8)"""


def no_sideways_scroll(page) -> None:
    """Nothing sticks out of the screen (a wide table scrolls inside its own .table-wrap)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    too_wide = page.evaluate(WIDER_THAN_SCREEN)
    assert width <= viewport and not too_wide, (
        f"{page.url}: the page is {width} px wide on a {viewport} px screen; too wide: {too_wide}"
    )


def search(page, query: str) -> None:
    """Type into the list's search box; htmx replaces the results and pushes the URL."""
    box = page.locator("input[name=q]")
    with page.expect_response(lambda r: "q=" in r.url and r.request.headers.get("hx-request")):
        box.fill(query)
    page.wait_for_url(re.compile(r"[?&]q="))


def test_operator_finds_a_misspelt_name_edits_a_member_and_sees_the_history(new_page, rizki_family):
    operator = make_user(Role.OPERATOR, username="ops", first_name="Rahmat")
    family = rizki_family
    head = family.members.get(relationship=codes.Relationship.HEAD)
    wife = family.members.get(relationship=codes.Relationship.SPOUSE)
    page = new_page()
    login(page, operator.username)

    # 1. The people list, searched by a spelling the registry does not hold.
    page.goto(reverse("registry:person_list"))
    queries = ["Mhd Rizky"]
    if connection.vendor == "postgresql":  # a typo normalisation cannot fold: pg_trgm's job
        queries.append("muhamad riski")
    for query in queries:
        search(page, query)
        rows = page.locator("#person-results tbody tr")
        assert rows.count() == 1, f"{query!r} found {rows.count()} rows"
        assert "Muhammad Rizki" in rows.first.inner_text()
        assert mask_number(head.nik) in rows.first.inner_text()
        assert head.nik not in page.content(), "the list shows a whole NIK"
    screenshot(page, "registry-person-search")
    # The search is in the address: reloading (or a bookmark) shows the same result.
    page.reload()
    assert page.locator("input[name=q]").input_value() == queries[-1]
    assert page.locator("#person-results tbody tr").count() == 1

    # 2. The person, then the family.
    page.locator("#person-results tbody tr a", has_text="Muhammad Rizki").click()
    page.wait_for_url(f"**{reverse('registry:person_detail', args=[head.pk])}")
    page.locator(f"dd a[href='{reverse('registry:family_detail', args=[family.pk])}']").click()
    page.wait_for_url(f"**{reverse('registry:family_detail', args=[family.pk])}")
    members = page.locator("table.members tbody tr")
    assert members.count() == 2
    screenshot(page, "registry-family")

    # 3. Edit a member: her occupation, with a reason.
    page.locator("table.members a", has_text="Siti Aminah").click()
    page.wait_for_url(f"**{reverse('registry:person_detail', args=[wife.pk])}")
    page.locator(f"a[href='{reverse('registry:person_edit', args=[wife.pk])}']").click()
    page.wait_for_url(f"**{reverse('registry:person_edit', args=[wife.pk])}")
    page.locator("input[name=occupation]").fill("Penjahit")
    page.locator("[name=reason]").fill("Kunjungan rumah 12 Mei")
    screenshot(page, "registry-person-edit")
    with page.expect_navigation():
        page.locator("form.record-form button[type=submit]").click()
    assert page.url.endswith(reverse("registry:person_detail", args=[wife.pk]))
    wife.refresh_from_db()
    assert wife.occupation == "Penjahit"

    # 4. The family's history: the change, from what to what, by whom, why.
    page.goto(reverse("registry:family_detail", args=[family.pk]))
    newest = page.locator("#timeline .timeline-entry").first
    text = newest.inner_text()
    assert "Siti Aminah" in text
    assert "Pedagang" in text and "Penjahit" in text
    assert "Rahmat" in text, "the history does not say who changed it"
    assert "Kunjungan rumah 12 Mei" in text, "the history does not say why"
    changed = newest.locator("table.changes tbody tr")
    assert changed.count() == 1
    assert changed.first.locator("td").all_inner_texts() == ["Pedagang", "Penjahit"]
    # The registration is there too, older, by the clerk.
    assert page.locator("#timeline .timeline-entry", has_text="Dewi").count() >= 1
    screenshot(page, "registry-family-history")

    # 5. Budi's family lives in the same house: record the shared dwelling (rumah tangga).
    neighbour = family.neighbour
    page.locator(f"a[href='{reverse('registry:family_household', args=[family.pk])}']").click()
    page.locator("input[name=where][value=other]").check()
    page.locator("input[name=reference]").fill(neighbour.kk_number)
    page.locator("[name=reason]").fill("Kunjungan rumah")
    page.locator("form.record-form button[type=submit]").first.click()
    page.locator("#confirm").wait_for()
    assert neighbour.dwelling.code in page.locator("#confirm").inner_text()
    with page.expect_navigation():
        page.locator("button[name=confirm]").click()
    assert page.locator("#household li").all_inner_texts() == [
        f"KK {mask_number(neighbour.kk_number)} — Budi Santoso"
    ]
    family.refresh_from_db()
    neighbour.refresh_from_db()
    assert family.dwelling_id == neighbour.dwelling_id is not None

    # 6. The same pages on a phone.
    phone = new_page(viewport=PHONE)
    login(phone, operator.username)
    for name, url in [
        ("registry-phone-people", f"{reverse('registry:person_list')}?q=Mhd+Rizky"),
        ("registry-phone-families", reverse("registry:family_list")),
        ("registry-phone-family", reverse("registry:family_detail", args=[family.pk])),
        ("registry-phone-person", reverse("registry:person_detail", args=[wife.pk])),
        ("registry-phone-person-edit", reverse("registry:person_edit", args=[wife.pk])),
        ("registry-phone-family-create", reverse("registry:family_create")),
    ]:
        phone.goto(url)
        screenshot(phone, name)
        no_sideways_scroll(phone)


def test_two_operators_edit_the_same_family_and_nothing_is_lost(new_page, rizki_family):
    family = rizki_family
    edit = reverse("registry:family_edit", args=[family.pk])
    first, second = new_page(), new_page(viewport=PHONE)
    login(first, make_user(Role.OPERATOR, username="first", first_name="Rahmat").username)
    login(second, make_user(Role.OPERATOR, username="second", first_name="Yanti").username)
    first.goto(edit)
    second.goto(edit)

    first.locator("input[name=address]").fill("Jl. Sawahan No. 5")
    with first.expect_navigation():
        first.locator("form.record-form button[type=submit]").click()
    family.refresh_from_db()
    assert family.address == "Jl. Sawahan No. 5"

    # The second still has the old form: she changes RT, unaware of the new address.
    second.locator("input[name=rt]").fill("007")
    with second.expect_navigation():
        second.locator("form.record-form button[type=submit]").click()
    conflict = second.locator("#conflict")
    assert conflict.is_visible()
    assert "Jl. Sawahan No. 5" in conflict.inner_text()
    screenshot(second, "registry-phone-family-conflict")
    no_sideways_scroll(second)
    family.refresh_from_db()
    assert family.rt == "001", "the conflicting edit was saved"
    # The form now holds their address and her RT: saving again keeps both.
    assert second.locator("input[name=address]").input_value() == "Jl. Sawahan No. 5"
    assert second.locator("input[name=rt]").input_value() == "007"
    with second.expect_navigation():
        second.locator("form.record-form button[type=submit]").click()
    family.refresh_from_db()
    assert (family.address, family.rt) == ("Jl. Sawahan No. 5", "007")
