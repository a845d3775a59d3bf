"""Name search that forgives spelling, ranks by closeness, and takes what staff know beside the
name (issue 11): on SQLite (registry.trigrams) and PostgreSQL (pg_trgm) alike."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.registry import names, trigrams
from padu.registry.search_box import SearchError, parse_search
from padu.registry.selectors import family_list, list_count, person_list
from tests.factories import KEC_A, KEL_A, KEL_A2, KEL_B, FamilyFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db

PEOPLE = reverse("registry:person_list")
FAMILIES = reverse("registry:family_list")


def found(user, query: str) -> list[str]:
    return [p.name for p in person_list(user=user, filters={"q": query})]


@pytest.fixture
def town():
    """People in two kelurahan of kecamatan A and one of kecamatan B."""
    fam_a = FamilyFactory(region_id=KEL_A, rt="003", rw="005")
    fam_a2 = FamilyFactory(region_id=KEL_A2, rt="001", rw="002")
    fam_b = FamilyFactory(region_id=KEL_B, rt="003", rw="005")
    born = datetime.date
    return {
        "fam_a": fam_a,
        "fam_a2": fam_a2,
        "fam_b": fam_b,
        "yusuf": PersonFactory(family=fam_a, name="Yusuf", birth_date=born(1950, 3, 2)),
        "afrizal": PersonFactory(family=fam_a, name="Afrizal", birth_date=born(1978, 10, 30)),
        "novrianti": PersonFactory(family=fam_a2, name="Novrianti", birth_date=born(1985, 1, 9)),
        "junaidi": PersonFactory(family=fam_a2, name="Junaidi", birth_date=born(1960, 7, 1)),
        "hidayat": PersonFactory(family=fam_a2, name="Yusuf Hidayat", birth_date=born(1970, 1, 1)),
        "putri": PersonFactory(family=fam_a2, name="Novrianti Putri", birth_date=born(2001, 1, 1)),
        # Three women of one name: a year, a date, a place or an RT/RW tells them apart.
        "aminah_a": PersonFactory(family=fam_a, name="Siti Aminah", birth_date=born(1978, 5, 1)),
        "aminah_a2": PersonFactory(
            family=fam_a2, name="Siti Aminah", birth_date=born(1980, 10, 30)
        ),
        "aminah_b": PersonFactory(family=fam_b, name="Siti Aminah", birth_date=born(1978, 8, 8)),
        "aminah_putri": PersonFactory(
            family=fam_b, name="Siti Aminah Putri", birth_date=born(1990, 1, 1)
        ),
        "amina": PersonFactory(family=fam_b, name="Siti Amina", birth_date=born(1991, 1, 1)),
    }


# --- spelling ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Jusuf", "Yusuf"),  # the old spelling's j
        ("Afrijal", "Afrizal"),  # j for z
        ("Nofrianti", "Novrianti"),  # f for v
        ("Yusup", "Yusuf"),  # p for f
        ("Junaudi", "Junaidi"),  # a slip in a vowel of a one-word name
        ("Siti Aminha", "Siti Aminah"),  # a slip in a whole name
        ("Jusuf Hidayat", "Yusuf Hidayat"),  # a whole name is like enough as it is
        ("Nofrianti Putri", "Novrianti Putri"),
    ],
)
def test_spelling_variants_are_found(town, operator, query, expected):
    assert expected in found(operator, query)


def test_a_name_too_far_from_every_name_finds_nobody(town, operator):
    assert found(operator, "Bambang") == []
    assert found(operator, "Xyzzy") == []


def test_the_spelling_typed_comes_before_its_variants(town, operator):
    PersonFactory(family=town["fam_a"], name="Jusuf")
    assert found(operator, "Jusuf")[:2] == ["Jusuf", "Yusuf"]
    ranked = found(operator, "Yusuf")
    assert ranked == ["Yusuf", "Yusuf Hidayat", "Jusuf"]  # the word as typed, in any name, first


# --- ranking ----------------------------------------------------------------------------------


def test_the_closest_whole_name_comes_first(town, operator):
    ranked = found(operator, "Siti Aminah Putri")
    assert ranked[0] == "Siti Aminah Putri"
    ranked = found(operator, "Siti Amina")
    assert ranked[0] == "Siti Amina"
    assert set(ranked[1:4]) == {"Siti Aminah"}
    # One word: the names that are that word first, then the longer ones holding it.
    PersonFactory(family=town["fam_a"], name="Muhammad Yusuf Hidayat")
    assert found(operator, "Yusuf")[0] == "Yusuf"
    assert found(operator, "Yusuf")[-1] == "Muhammad Yusuf Hidayat"


def test_families_rank_by_their_closest_member(town, operator):
    ranked = [f.pk for f in family_list(user=operator, filters={"q": "Siti Aminah Putri"})]
    assert ranked[0] == town["fam_b"].pk


# --- what staff know beside the name -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("Siti Aminah 1978", {"aminah_a", "aminah_b"}),
        ("Siti Aminha 1980", {"aminah_a2"}),
        ("Siti Aminah 30-10-1980", {"aminah_a2"}),
        ("Siti Aminah 30/10/1980", {"aminah_a2"}),
        ("Siti Aminah 30.10.1980", {"aminah_a2"}),
        ("Siti Aminah Belakang Pondok", {"aminah_a"}),
        ("Siti Aminah belakang  pondok", {"aminah_a"}),
        ("Siti Aminah Padang Selatan", {"aminah_a", "aminah_a2"}),  # a kecamatan
        ("Siti Aminah Air Tawar Timur 1978", {"aminah_b"}),
        ("Siti Aminah RT 3", {"aminah_a", "aminah_b"}),
        ("Siti Aminah RT 03 RW 05", {"aminah_a", "aminah_b"}),
        ("Siti Aminah rt/rw 001/002", {"aminah_a2"}),
        ("Siti Aminah 3/5 Padang Selatan", {"aminah_a"}),
        ("Siti Aminah 1978 Alang Laweh", set()),
    ],
)
def test_what_is_typed_beside_the_name_narrows_it(town, operator, query, who):
    exact = {p.pk for p in person_list(user=operator, filters={"q": query})}
    wanted = {town[k].pk for k in who}
    assert wanted <= exact
    aminah = {town[k].pk for k in ("aminah_a", "aminah_a2", "aminah_b")}
    assert exact & aminah == wanted


def test_what_is_typed_beside_the_name_narrows_families_by_the_same_member(town, operator):
    def families(query):
        return {f.pk for f in family_list(user=operator, filters={"q": query})}

    assert families("Siti Aminah 1980") == {town["fam_a2"].pk}
    assert families("Siti Aminah 08-08-1978") == {town["fam_b"].pk}
    assert families("Siti Aminah Alang Laweh") == {town["fam_a2"].pk}
    assert families("Siti Aminah RT 3 RW 5") == {town["fam_a"].pk, town["fam_b"].pk}
    # Novrianti was born in 1985, the Siti Aminah of her family in 1980: nobody is both.
    assert families("Novrianti 1980") == set()


def test_a_slip_trigrams_miss_is_found(town, operator):
    fahri = PersonFactory(family=town["fam_a"], name="Fahri", birth_date=datetime.date(1975, 4, 4))
    lisa = PersonFactory(
        family=town["fam_b"], name="Nur Lisa", birth_date=datetime.date(1982, 2, 2)
    )
    # A consonant left out of a short name, two letters swapped: one slip from the whole name.
    assert found(operator, "Fari") == ["Fahri"]
    assert found(operator, "Nur Lsia")[0] == "Nur Lisa"
    for query, person in [
        ("Fari 1975", fahri),
        ("Fari 1975 Belakang Pondok", fahri),
        ("Fari 04-04-1975", fahri),
        ("Fari Padang Selatan RT 3", fahri),
        ("Nur Lsia 1982 Air Tawar Timur", lisa),
        ("Nur Lsia 2/2/1982", lisa),
    ]:
        ranked = list(person_list(user=operator, filters={"q": query}))
        assert ranked[0] == person, query
        families = list(family_list(user=operator, filters={"q": query}))
        assert families[0] == person.family, query


def test_a_place_at_the_start_is_part_of_the_name(town, operator):
    PersonFactory(family=town["fam_b"], name="Alang Laweh Sutan")
    assert "Alang Laweh Sutan" in found(operator, "Alang Laweh Sutan")


# --- refused input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message", "params"),
    [
        (
            "Siti 31-02-1978",
            "%(value)s is not a date of birth. Write it as dd-mm-yyyy, e.g. 30-10-1978.",
            {"value": "31-02-1978"},
        ),
        ("Siti 1850", "%(value)s is not a year of birth.", {"value": "1850"}),
        (
            "Siti 19788",
            "Not understood: %(value)s. Beside a name, write a year of birth (1978), a date "
            "of birth (30-10-1978) or an RT/RW (003/005).",
            {"value": "19788"},
        ),
        ("Siti 1978 1979", "Write one year or date of birth.", {}),
        ("1978 RT 3", "Write a name beside the year, date of birth, place or RT/RW.", {}),
    ],
)
def test_bad_search_text_is_refused_with_a_message(client, town, operator, query, message, params):
    client.force_login(operator)
    for url in (PEOPLE, FAMILIES):
        response = client.get(url, {"q": query})
        assert response.status_code == 200
        with translation.override(response.wsgi_request.LANGUAGE_CODE):
            assert translation.gettext(message) % params in response.content.decode()
        assert response.context["page"].paginator.count == 0
    assert found(operator, query) == []


def test_the_api_refuses_bad_search_text(client, town, operator):
    from padu.accounts.tokens import token_create

    _token, key = token_create(actor=operator, name="test", expires_in_days=1)
    headers = {"Authorization": f"Bearer {key}"}
    for path in ("/api/v1/people", "/api/v1/families"):
        response = client.get(path, {"q": "Siti 31-02-1978"}, headers=headers)
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["q"]
        good = client.get(path, {"q": "Siti Aminah 1980"}, headers=headers)
        assert good.status_code == 200
        assert good.json()["count"] == 1


def test_a_role_that_sees_masked_numbers_may_not_search_by_date_of_birth(client, town):
    leader = make_user(Role.PIMPINAN)
    assert found(leader, "Siti Aminah 1978") == []
    assert found(leader, "Siti Aminah 30-10-1980") == []
    assert len(found(leader, "Siti Aminah Alang Laweh")) == 1  # a place is no quasi-identifier
    client.force_login(leader)
    response = client.get(PEOPLE, {"q": "Siti Aminah 1978"})
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        refusal = translation.gettext("Your role may not search by date of birth.")
    assert refusal in response.content.decode()


# --- scoping ------------------------------------------------------------------------------------


def test_a_psm_finds_nobody_outside_his_area_whatever_he_types(town):
    psm = make_user(Role.PSM, scope=KEL_A)
    assert set(found(psm, "Siti Aminah")) == {"Siti Aminah"}
    assert list_count(person_list(user=psm, filters={"q": "Siti Aminah"})) == 1
    for query in (
        "Siti Aminah Air Tawar Timur",  # a kelurahan outside his area is no place to him
        "Siti Aminah 1978 Air Tawar Timur",
        "Siti Aminah 08-08-1978",
        "Siti Aminah RT 1 RW 2",
        "Nofrianti",
        "Siti Amina Putri",
    ):
        qs = person_list(user=psm, filters={"q": query})
        assert {p.region_id for p in qs} <= {KEL_A}, query
        assert list_count(qs) == len(list(qs)), query
        families = family_list(user=psm, filters={"q": query})
        assert {f.region_id for f in families} <= {KEL_A}, query
        assert list_count(families) == len(list(families)), query
    assert found(psm, "Nofrianti") == []
    assert found(psm, "Siti Aminah 08-08-1978") == []


def test_a_tksk_may_name_the_kelurahan_of_his_kecamatan_only(town):
    tksk = make_user(Role.TKSK, scope=KEC_A)
    assert len(found(tksk, "Siti Aminah Alang Laweh")) == 1
    assert found(tksk, "Siti Aminah Air Tawar Timur") == []


# --- the parts, on their own --------------------------------------------------------------------


PLACES = [("13.71.09", "Koto Tangah"), ("13.71.02.1001", "Jati"), ("13.71.01.1011", "Gado-gado")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Siti Aminah 1978", {"name": "siti aminah", "birth_year": 1978}),
        ("Siti Aminah Koto Tangah", {"name": "siti aminah", "places": ("13.71.09",)}),
        ("Nugroho Jati", {"name": "nugroho", "places": ("13.71.02.1001",)}),
        ("Jati Nugroho", {"name": "jati nugroho"}),
        ("Ani gado gado", {"name": "ani", "places": ("13.71.01.1011",)}),
        ("Budi RT 3 RW 5", {"name": "budi", "rt": "003", "rw": "005"}),
        ("Budi RT.003/RW.005", {"name": "budi", "rt": "003", "rw": "005"}),
        ("Budi 3/5", {"name": "budi", "rt": "003", "rw": "005"}),
        ("Ma'ruf 1-2-1950", {"name": "ma'ruf", "birth_date": datetime.date(1950, 2, 1)}),
    ],
)
def test_parse_search(text, expected):
    assert parse_search(text, places=PLACES).__dict__ == {
        "name": "",
        "birth_year": None,
        "birth_date": None,
        "places": (),
        "rt": None,
        "rw": None,
        **expected,
    }


def test_parse_search_refuses_a_birth_for_a_masked_role():
    with pytest.raises(SearchError):
        parse_search("Siti 1978", birth=False)
    assert parse_search("Siti RT 3", birth=False).rt == "003"


def test_spelling_variants():
    assert names.spelling_variants(["jusuf"]) == ["yusuf", "zusuf", "jusuv", "jusup"]
    assert "afrizal" in names.spelling_variants(["afrijal"])
    assert "novrianti" in names.spelling_variants(["nofrianti"])
    assert names.spelling_variants(["siti", "aminah"]) == []
    assert len(names.spelling_variants(["jusuf", "jahja", "fajar"])) == names.MAX_VARIANTS


def test_edit_distance():
    assert trigrams.edit_distance("huamira", "humaira") == 1
    assert trigrams.edit_distance("junaudi", "junaidi") == 1
    assert trigrams.edit_distance("emil", "mila") == 2
    assert trigrams.edit_distance("", "abc") == 3


@pytest.mark.postgres
def test_python_trigrams_measure_as_pg_trgm_does(db):
    from django.db import connection

    pairs = [
        ("yus", "muhamad yusuf"),
        ("word", "two words"),
        ("jusuf", "muhamad yusuf hidayat"),
        ("nofrianti", "siti novrianti"),
        ("siti amina", "siti aminah putri"),
        ("ani", "ani ana ani"),
        ("muhamad hifiz", "muhamad hafiz"),
    ]
    with connection.cursor() as cursor:
        for query, text in pairs:
            cursor.execute("SELECT similarity(%s, %s), word_similarity(%s, %s)", [query, text] * 2)
            similarity, word_similarity = cursor.fetchone()
            assert trigrams.similarity(query, text) == pytest.approx(similarity, abs=1e-6)
            assert trigrams.word_similarity(query, text) == pytest.approx(word_similarity, abs=1e-6)
