"""Field rules and plausibility warnings of the registry's declarations, as a form, the API and
the services apply them to one record (`Record.clean`, `members.person_warnings`)."""

import datetime
import decimal

import pytest
from django.utils import translation

from padu.registry import codes
from padu.registry.context import RecordContext
from padu.registry.declarations import DWELLING, FAMILY, PERSON
from padu.registry.declarations.members import person_warnings as warnings_of

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 6, 1)
CONTEXT = RecordContext(None, today=TODAY)


def clean_family_data(data, **_ignored):
    return FAMILY.clean(data, CONTEXT)


def clean_person_data(data, **_ignored):
    return PERSON.clean(data, CONTEXT)


def clean_desil(data):
    cleaned = FAMILY.clean(data, CONTEXT, only=[k for k in ("desil", "desil_period") if k in data])
    return cleaned.values, cleaned.errors


def person_warnings(person, *, members=(), **_ignored):
    return warnings_of(person, members=members, context=CONTEXT)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def person(**overrides) -> dict:
    data = {
        "nik": "1371041705800001",
        "name": "Budi Santoso",
        "sex": "L",
        "birth_date": datetime.date(1980, 5, 17),
        "relationship": codes.Relationship.HEAD,
    }
    data.update(overrides)
    return data


def test_family_values_are_normalised():
    values, errors = clean_family_data(
        {
            "kk_number": " 1371041501200003 ",
            "region": "13.71.04.1001",
            "rw": "1",
            "rt": "12",
            "address": "  Jl.   Sawahan  5 ",
            "latitude": -0.9471,
            "longitude": "100.4172",
            "livestock": {"sapi": 0, "kambing": "3"},
        },
    )
    assert errors == {}
    assert values["kk_number"] == "1371041501200003"
    assert (values["rw"], values["rt"], values["address"]) == ("001", "012", "Jl. Sawahan 5")
    assert (values["latitude"], values["longitude"]) == (
        decimal.Decimal("-0.947100"),
        decimal.Decimal("100.417200"),
    )
    assert values["livestock"] == {"kambing": 3}


def test_dwelling_values_are_normalised_and_errors_name_their_field():
    values, errors = DWELLING.clean(
        {"ownership": "2", "assets": ["televisi", "ac", "televisi"]},
        CONTEXT,
        only=("ownership", "assets", "floor_material"),
    )
    assert errors == {}
    assert values["ownership"] == 2
    assert values["assets"] == ["ac", "televisi"]
    assert values["floor_material"] is None
    _values, errors = DWELLING.clean(
        {"toilet": 7, "floor_area": 0, "assets": ["kapal", "jet"]},
        CONTEXT,
        only=("toilet", "floor_area", "assets"),
    )
    assert errors == {
        "toilet": ["Toilet facility: 7 is not one of the allowed answers."],
        "floor_area": ["Floor area (m²): enter a floor area from 1 to 10000 m²."],
        "assets": ["Assets of the household: unknown asset code(s): jet."],
    }


def test_family_errors_name_their_field():
    _values, errors = clean_family_data(
        {
            "kk_number": "",
            "region": "13.71.04",
            "rw": "1234",
            "latitude": "12",
            "longitude": "200",
            "livestock": {"unta": 1, "sapi": -1},
        },
    )
    assert errors == {
        "kk_number": ["KK number: this field is required."],
        "region": ["Kelurahan/desa: 13.71.04 is not a kelurahan or desa."],
        "rw": ["RW: enter a number of one to three digits."],
        "latitude": ["Latitude: 12 lies outside Indonesia (between -11.5 and 6.5)."],
        "longitude": ["Longitude: 200 lies outside Indonesia (between 94.5 and 141.5)."],
        # One problem a field, the first: a count below zero is not a count of animals.
        "livestock": ["Livestock: give the number of animals of each kind."],
    }


def test_person_values_are_normalised():
    values, errors = clean_person_data(
        person(name=" Siti   Aminah ", ppks=[9, "24", 9], income="1500000", disability=["mental"]),
        today=TODAY,
    )
    assert errors == {}
    assert (values["name"], values["ppks"], values["income"]) == ("Siti Aminah", [9, 24], 1_500_000)
    assert values["disability"] == ["mental"]
    assert values["dukcapil_status"] == "belum"


def test_person_errors_name_their_field():
    _values, errors = clean_person_data(
        {
            "nik": "12",
            "name": "123",
            "sex": "X",
            "birth_date": "1899-12-31",
            "relationship": 9,
            "education": "abc",
            "income": -5,
            "disability_severity": "berat",
            "dukcapil_status": "maybe",
            "mother_name": "x" * 121,
        },
        today=TODAY,
    )
    assert errors == {
        "nik": ["NIK must have exactly 16 digits; this one has 2."],
        "name": ["Full name: a name needs at least one letter."],
        "sex": ["Sex: X is not one of the allowed answers."],
        "birth_date": ["Date of birth: 31 December 1899 is before 1900."],
        "relationship": [
            "Relationship to the head of family: 9 is not one of the allowed answers."
        ],
        "education": ["Education: enter a whole number."],
        "income": ["Monthly income (Rp): enter an amount from 0 up to 1,000,000,000,000 rupiah."],
        "disability_severity": [
            "Disability severity: choose at least one type of disability first."
        ],
        "dukcapil_status": ["Dukcapil match: maybe is not one of the allowed answers."],
        "mother_name": ["Mother's name: use at most 120 characters (this has 121)."],
    }


def test_a_birth_date_in_the_future_is_an_error():
    _values, errors = clean_person_data(person(birth_date="2025-06-02"), today=TODAY)
    assert errors == {"birth_date": ["Date of birth: 2 June 2025 is in the future."]}
    _values, errors = clean_person_data(person(birth_date="2025-13-01"), today=TODAY)
    assert errors == {"birth_date": ["Date of birth: enter a date as YYYY-MM-DD or DD-MM-YYYY."]}


def test_desil():
    assert clean_desil({}) == ({}, {})
    assert clean_desil({"desil": "3", "desil_period": "2025-04-20"}) == (
        {"desil": 3, "desil_period": datetime.date(2025, 4, 20)},
        {},
    )
    # A ranking is released on its period's date: one after today is a typing error.
    assert clean_desil({"desil": "3", "desil_period": "2025-07-20"}) == (
        {"desil": 3, "desil_period": None},
        {"desil_period": ["Desil period: 20 July 2025 is in the future."]},
    )
    assert clean_desil({"desil": 0}) == (
        {"desil": None},
        {"desil": ["DTSEN desil: enter a desil from 1 to 10, or leave it empty."]},
    )


def test_warnings_compare_a_member_with_the_head():
    head = {
        "name": "Andi",
        "relationship": codes.Relationship.HEAD,
        "birth_date": datetime.date(1980, 1, 1),
    }
    child = person(
        nik="1371040101850001",
        relationship=codes.Relationship.CHILD,
        birth_date=datetime.date(1985, 1, 1),
    )
    assert person_warnings(child, members=[head], today=TODAY) == []
    same_day = person(
        nik="1371040101800001",
        relationship=codes.Relationship.GRANDCHILD,
        birth_date=datetime.date(1980, 1, 1),
    )
    assert person_warnings(same_day, members=[head], today=TODAY) == [
        "Date of birth: a grandchild born on 1 January 1980 is not younger than the head of "
        "family Andi "
        "(born on 1 January 1980)."
    ]
    parent = person(
        nik="1371040101900001",
        relationship=codes.Relationship.PARENT,
        birth_date=datetime.date(1990, 1, 1),
    )
    assert person_warnings(parent, members=[head], today=TODAY) == [
        "Date of birth: a parent born on 1 January 1990 is not older than the head of family Andi "
        "(born on 1 January 1980)."
    ]


def test_warnings_compare_the_head_with_the_members():
    members = [
        {
            "name": "Rudi",
            "relationship": codes.Relationship.CHILD,
            "birth_date": datetime.date(1970, 1, 1),
        },
        {
            "name": "Nenek",
            "relationship": codes.Relationship.PARENT,
            "birth_date": datetime.date(1950, 1, 1),
        },
        {
            "name": "Rina",
            "relationship": codes.Relationship.SPOUSE,
            "birth_date": datetime.date(1960, 1, 1),
        },
    ]
    assert person_warnings(person(), members=members, today=TODAY) == [
        "Date of birth: the head of family, born on 17 May 1980, is not older than his or her "
        "child Rudi "
        "(born on 1 January 1970)."
    ]


def test_an_age_over_110_warns():
    old = person(nik="1371040101100001", birth_date=datetime.date(1910, 1, 1))
    assert person_warnings(old, today=TODAY) == [
        "Date of birth: the person would be 115 years old; check the date."
    ]
    assert (
        person_warnings(
            person(nik="1371040101150001", birth_date=datetime.date(1915, 1, 1)), today=TODAY
        )
        == []
    )
