"""The person sought comes first (issue 11): a misspelt name ranks by the closeness of the whole
name, on SQLite (registry.trigrams) and PostgreSQL (pg_trgm) alike. The cases are the slips
bench/search.py found missing or outranked at 1,000,000 people."""

import datetime

import pytest

from padu.registry import names
from padu.registry.selectors import family_list, person_list
from tests.factories import KEL_A, KEL_B, FamilyFactory, PersonFactory

pytestmark = pytest.mark.django_db


def ranked(user, query: str) -> list[str]:
    return [p.name for p in person_list(user=user, filters={"q": query})]


@pytest.fixture
def families():
    return FamilyFactory(region_id=KEL_A), FamilyFactory(region_id=KEL_B)


def people(family, *written: str, born=datetime.date(1980, 5, 17)) -> list:
    return [PersonFactory(family=family, name=name, birth_date=born) for name in written]


@pytest.mark.parametrize(
    ("query", "sought", "others"),
    [
        # A slip in a short name changes most of its trigrams: the whole name is one slip away.
        ("Firti", "Fitri", ["Septi Firmansyah", "Fitri Yenti"]),  # two letters swapped
        ("Rko", "Riko", ["Eko Saputra"]),  # a letter left out
        ("Kenie", "Kenzie", ["Kenia Putri"]),
        ("Aorul", "Asrul", ["Asrul Hakim"]),  # a letter changed
        ("Qaniea", "Qanita", ["Kania Hakim"]),
        ("Syyafrida", "Syafrida", ["Afrida Safitri"]),  # a letter added
        ("Khadiaah", "Khadijah", ["Hadi"]),
        # The slip undone on the name as typed, before the key folds it away: "Mohammd" is no
        # spelling of Muhammad, "Mohammad" is; "Lumkan Dt. Palindih" is Lukman with his gelar.
        ("Mohammd Ghazi", "Muhammad Ghazi", ["Ghazi"]),
        ("Lumkan Dt. Palindih", "Lukman Dt. Palindih", ["Lukman Hakim"]),
        ("Al aFtih", "Al Fatih", ["Fatih"]),
        ("Nir Fadhilah", "Nur Fadhilah", ["Fadhilah"]),
    ],
)
def test_a_name_one_slip_away_comes_first(families, operator, query, sought, others):
    people(families[0], sought, *others)
    assert ranked(operator, query)[0] == sought


def test_the_slip_is_counted_on_the_name_as_typed(families, operator):
    # "Riin" is rin as a key, one letter from both Rini and Rina; as typed it is one swap from
    # Rini and two letters from Rina.
    people(families[0], "Rina", "Rini")
    assert ranked(operator, "Riin") == ["Rini", "Rina"]
    people(families[0], "Ivan Mansur", "Maman")
    assert ranked(operator, "Mmaan")[0] == "Maman"


def test_a_stretch_across_words_is_no_word_of_the_name(families, operator):
    # pg_trgm's word similarity of "man" and "ivan mansur" is 1: "an " ends Ivan, "  m", " ma"
    # and "man" begin Mansur. The word itself, and a name a slip from it, come first.
    people(families[0], "Ivan Mansur", "Man", "Mans")
    assert ranked(operator, "Man") == ["Man", "Mans", "Ivan Mansur"]


def test_the_words_in_the_order_typed_come_first(families, operator):
    people(families[0], "Siti Aminah", "Aminah Siti")
    assert ranked(operator, "Aminah Siti") == ["Aminah Siti", "Siti Aminah"]
    assert ranked(operator, "Siti Aminah") == ["Siti Aminah", "Aminah Siti"]


def test_people_of_one_name_are_in_a_fixed_order(families, operator):
    first, second = people(families[0], "Fitri", "Fitri")
    third = people(families[1], "Fitri")[0]
    for query in ("Fitri", "Firti", "Firti Belakang Pondok"):
        found = list(person_list(user=operator, filters={"q": query}))
        assert [p.pk for p in found if p.name == "Fitri"] == sorted(
            p.pk for p in (first, second, third) if p in found
        )


def test_what_is_typed_beside_a_misspelt_name_narrows_it(families, operator):
    in_a = people(families[0], "Fitri", born=datetime.date(1985, 1, 1))[0]
    in_b = people(families[1], "Fitri", born=datetime.date(1990, 1, 1))[0]
    people(families[0], "Fitra", born=datetime.date(1990, 1, 1))

    def pks(query):
        return [p.pk for p in person_list(user=operator, filters={"q": query})]

    assert pks("Firti 1985") == [in_a.pk]
    assert pks("Firti 1990") == [in_b.pk]
    assert pks("Firti Air Tawar Timur") == [in_b.pk]  # KEL_B


def test_families_rank_by_their_member_one_slip_away(families, operator):
    people(families[0], "Septi Firmansyah")
    people(families[1], "Fitri")
    found = family_list(user=operator, filters={"q": "Firti"})
    assert found[0].pk == families[1].pk


def test_one_slip_keys():
    assert {"fitri", "firi", "fiti"} <= names.one_slip_keys("Firti")
    assert "muhamad gazi" in names.one_slip_keys("Mohammd Ghazi")
    assert "maman" in names.one_slip_keys("Mmaan")
    assert "lukman" in names.one_slip_keys("H. Lumkan Dt. Palindih")
    assert "" not in names.one_slip_keys("A")


def test_name_key_is_the_spelling_key_of_the_bare_name():
    for name in ("H. Moh. Ma'ruf Soekarno, S.Pd", "Syafrizal Dt. Rajo Lelo", "Dedy Chairul"):
        assert names.name_key(name) == names.spelling_key(names.bare_name(name))
    assert names.bare_name("Hj. Siti Aminah, S.Pd") == "siti aminah"
