"""The family and person list pages: permissions, masking, htmx fragments, sorting, query counts."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.registry import codes
from padu.registry.masks import mask_number
from tests.factories import KEL_A, KEL_B, FamilyFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db

PEOPLE = reverse("registry:person_list")
FAMILIES = reverse("registry:family_list")


@pytest.fixture
def data():
    fam_a = FamilyFactory(region_id=KEL_A, desil=2)
    fam_b = FamilyFactory(region_id=KEL_B, desil=7)
    return {
        "fam_a": fam_a,
        "fam_b": fam_b,
        "yusuf": PersonFactory(family=fam_a, name="Muhammad Yusuf"),
        "aini": PersonFactory(
            family=fam_a,
            name="Nurul Aini",
            sex=codes.Sex.FEMALE,
            relationship=codes.Relationship.SPOUSE,
            disability=["fisik", "sensorik"],
        ),
        "budi": PersonFactory(family=fam_b, name="Budi Santoso"),
    }


def login(client, role, scope=None):
    user = make_user(role, scope=scope)
    client.force_login(user)
    return user


# --- permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PEOPLE, FAMILIES])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("url", [PEOPLE, FAMILIES])
def test_without_registry_access_is_forbidden(client, url):
    login(client, Role.MITRA)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [PEOPLE, FAMILIES])
def test_post_is_not_allowed(client, url):
    login(client, Role.OPERATOR)
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.OPERATOR, Role.PIMPINAN, Role.TKSK, Role.PSM, Role.KELURAHAN]
)
def test_roles_with_registry_access_see_the_lists(client, data, role):
    login(client, role)
    assert client.get(PEOPLE).status_code == 200
    assert client.get(FAMILIES).status_code == 200


def test_psm_sees_only_his_kelurahan_even_by_exact_nik(client, data):
    login(client, Role.PSM, scope=KEL_A)
    page = client.get(PEOPLE)
    assert page.context["page"].paginator.count == 2
    assert b"Budi Santoso" not in page.content
    response = client.get(PEOPLE, {"q": data["budi"].nik})
    assert response.context["page"].paginator.count == 0
    assert b"Budi Santoso" not in response.content
    response = client.get(FAMILIES, {"q": data["fam_b"].kk_number})
    assert response.context["page"].paginator.count == 0
    # a kelurahan outside his area is not a choice: an error, and nothing listed
    response = client.get(PEOPLE, {"kelurahan": KEL_B})
    assert response.context["form"].errors["kelurahan"]
    assert response.context["page"].paginator.count == 0


# --- content --------------------------------------------------------------------------------------


def test_person_list_masks_nik_and_links_to_the_person(client, data):
    login(client, Role.OPERATOR)
    response = client.get(PEOPLE)
    html = response.content.decode()
    yusuf = data["yusuf"]
    assert mask_number(yusuf.nik) in html
    assert yusuf.nik not in html
    assert reverse("registry:person_detail", args=[yusuf.pk]) in html
    assert "3 people" in html or "3 orang" in html or response.context["page"].paginator.count == 3


def test_family_list_masks_kk_and_shows_head_and_members(client, data):
    login(client, Role.OPERATOR)
    response = client.get(FAMILIES)
    html = response.content.decode()
    fam = data["fam_a"]
    assert mask_number(fam.kk_number) in html
    assert fam.kk_number not in html
    assert reverse("registry:family_detail", args=[fam.pk]) in html
    row = next(f for f in response.context["page"].object_list if f.pk == fam.pk)
    assert row.head.name == "Muhammad Yusuf"
    assert row.member_count == 2


def test_search_by_nik_and_by_name_variant(client, data):
    login(client, Role.OPERATOR)
    response = client.get(PEOPLE, {"q": data["aini"].nik})
    assert [p.name for p in response.context["page"].object_list] == ["Nurul Aini"]
    response = client.get(PEOPLE, {"q": "M. Yusuf"})
    assert [p.name for p in response.context["page"].object_list] == ["Muhammad Yusuf"]


def test_a_short_number_is_a_form_error_with_no_rows(client, data):
    login(client, Role.OPERATOR)
    response = client.get(PEOPLE, {"q": "1371011"})
    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert response.context["page"].paginator.count == 0


def test_filters_apply(client, data):
    login(client, Role.OPERATOR)
    response = client.get(PEOPLE, {"disability": "ganda", "desil": "1-4"})
    assert [p.name for p in response.context["page"].object_list] == ["Nurul Aini"]
    response = client.get(FAMILIES, {"desil": "7"})
    assert [f.pk for f in response.context["page"].object_list] == [data["fam_b"].pk]


# --- htmx -----------------------------------------------------------------------------------------


def test_htmx_request_gets_only_the_results(client, data):
    login(client, Role.OPERATOR)
    full = client.get(PEOPLE)
    assert b"<html" in full.content
    assert b'id="person-results"' in full.content
    assert "HX-Request" in full["Vary"]
    partial = client.get(PEOPLE, {"q": "yusuf"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert b"<form" not in partial.content
    assert b"Muhammad Yusuf" in partial.content
    assert b'hx-swap-oob="innerHTML"' in partial.content  # the live count
    assert b'name="sort"' in partial.content  # the form's sort field, kept in step
    assert "HX-Request" in partial["Vary"]


def test_sortable_headers_say_how_the_rows_are_sorted(client, data):
    login(client, Role.OPERATOR)
    html = client.get(PEOPLE).content.decode()
    assert 'aria-sort="ascending"' in html  # by name, the default
    assert "sort=-name" in html
    html = client.get(PEOPLE, {"sort": "-birth_date"}).content.decode()
    assert html.count("aria-sort=") == 1
    assert 'aria-sort="descending"' in html
    assert "sort=birth_date" in html
    names = [p.name for p in client.get(PEOPLE, {"sort": "-name"}).context["page"].object_list]
    assert names == ["Nurul Aini", "Muhammad Yusuf", "Budi Santoso"]


def test_pagination(client):
    family = FamilyFactory(region_id=KEL_A)
    PersonFactory.create_batch(30, family=family, relationship=codes.Relationship.CHILD)
    user = make_user(Role.OPERATOR)
    client.force_login(user)
    first = client.get(PEOPLE)
    assert first.context["page"].paginator.count == 30
    assert len(first.context["page"].object_list) == 25
    second = client.get(PEOPLE, {"page": 2})
    assert len(second.context["page"].object_list) == 5
    assert client.get(PEOPLE, {"page": 99}).context["page"].number == 2


def test_export_links_only_for_roles_that_may_export(client, data):
    login(client, Role.OPERATOR)
    html = client.get(PEOPLE, {"desil": "2"}).content.decode()
    assert f"{reverse('registry:person_export')}?desil=2&amp;format=csv" in html
    client.force_login(make_user(Role.PSM))
    assert reverse("registry:person_export") not in client.get(PEOPLE).content.decode()


def _text(response, msgid: str) -> str:
    """`msgid` as the page that answered shows it (in the language it was rendered in)."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return translation.gettext(msgid)


def test_register_a_family_is_offered_to_those_who_may_edit(client, data):
    create = f'href="{reverse("registry:family_create")}"'
    login(client, Role.OPERATOR)
    assert create in client.get(FAMILIES).content.decode()
    login(client, Role.PIMPINAN)
    assert create not in client.get(FAMILIES).content.decode()


def test_an_empty_registry_says_so_and_offers_to_register(client):
    login(client, Role.OPERATOR)
    response = client.get(FAMILIES)
    html = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert _text(response, "No families recorded in your area yet.") in html
    assert 'class="list-empty"' in html
    # The buttons above the list, and the same links again in the message.
    assert html.count(f'href="{reverse("registry:family_create")}"') == 2
    assert html.count(f'href="{reverse("registry:import_create")}"') == 2


def test_a_search_that_finds_nobody_says_what_to_try(client, data):
    login(client, Role.OPERATOR)
    response = client.get(PEOPLE, {"q": "Zulkarnain"})
    html = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert _text(response, "No people match these filters.") in html
    hint = (
        "Nobody in your area matches this search. Check the spelling, try only a part of the name "
        "(e.g. the first name), or search by the 16-digit NIK or KK number."
    )
    assert _text(response, hint) in html
    assert f'<a href="{PEOPLE}">' in html  # clear the search
    response = client.get(PEOPLE, {"desil": "9"})
    assert _text(response, "Try fewer filters, or a wider area.") in response.content.decode()


def test_the_filter_panel_opens_only_for_filters_beyond_the_search(client, data):
    login(client, Role.OPERATOR)
    assert '<details class="more-filters">' in client.get(PEOPLE).content.decode()
    searched = client.get(PEOPLE, {"q": "Yusuf", "sort": "nik"}).content.decode()
    assert '<details class="more-filters">' in searched
    filtered = client.get(PEOPLE, {"q": "Yusuf", "desil": "2"}).content.decode()
    assert '<details class="more-filters" open>' in filtered


def test_a_psm_finds_no_family_of_another_area_by_a_members_nik(client, data):
    login(client, Role.PSM, scope=KEL_A)
    response = client.get(FAMILIES, {"q": data["budi"].nik})
    assert response.context["page"].paginator.count == 0
    assert data["fam_b"].kk_number[-4:] not in response.content.decode()
    # the same search finds his own families
    response = client.get(FAMILIES, {"q": data["yusuf"].nik})
    assert [f.pk for f in response.context["page"].object_list] == [data["fam_a"].pk]


# --- query counts ---------------------------------------------------------------------------------


def _rows(n_families: int, members: int):
    for _ in range(n_families):
        family = FamilyFactory(region_id=KEL_A)
        PersonFactory(family=family)
        PersonFactory.create_batch(
            members - 1, family=family, relationship=codes.Relationship.CHILD
        )


@pytest.mark.parametrize("url", [PEOPLE, FAMILIES])
def test_query_count_does_not_grow_with_rows(client, url, django_assert_max_num_queries):
    user = make_user(Role.OPERATOR)
    client.force_login(user)
    _rows(26, 2)
    # session, user, scopes, kecamatan and kelurahan choices, PPKS choices, count, rows, heads
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    _rows(30, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 25


def _registry_reads(queries) -> list[dict]:
    """The page's queries but the header's count of the reader's unread notifications."""
    return [q for q in queries.captured_queries if "notifications_notification" not in q["sql"]]


def test_a_short_result_needs_no_count_query(client, data, django_assert_max_num_queries):
    login(client, Role.OPERATOR)
    client.get(PEOPLE, {"q": data["aini"].nik})
    with django_assert_max_num_queries(10) as queries:
        client.get(PEOPLE, {"q": data["aini"].nik})
    assert not any("COUNT(" in q["sql"] for q in _registry_reads(queries))


@pytest.mark.parametrize("query", ["Zulkarnain", "Zulkarnain Anwar"])
@pytest.mark.parametrize("url", [PEOPLE, FAMILIES])
def test_a_name_search_that_finds_nobody_searches_once(
    client, data, url, query, django_assert_max_num_queries
):
    # On PostgreSQL the ranked search counts in its own query; finding nobody, it is the count.
    login(client, Role.OPERATOR)
    client.get(url, {"q": query})
    with django_assert_max_num_queries(10) as queries:
        response = client.get(url, {"q": query})
    assert response.context["page"].paginator.count == 0
    assert not any("COUNT(*)" in q["sql"] for q in _registry_reads(queries))
    # The keys are looked for once, by trigram and the name's slips together (on PostgreSQL a
    # one-word query reads them twice: then by its consonants; SQLite reads them all once), not
    # again for a count.
    key_reads = sum("registry_namekey" in q["sql"] for q in queries.captured_queries)
    one_word = " " not in query
    assert key_reads == (2 if connection.vendor == "postgresql" and one_word else 1)
