"""Writing the registry through the API: register, add a member, update with optimistic locking,
validation errors (400), warnings that need confirmation (422), conflicts (409)."""

import datetime

import pytest

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.registry import codes
from padu.registry.models import Family, Person
from tests.factories import KEL_A, FamilyFactory, PersonFactory, make_kk, make_nik, make_user

from .payloads import family_payload, person_payload

FAMILIES = "/api/v1/families"
PEOPLE = "/api/v1/people"


@pytest.fixture
def key(db, token_for):
    return token_for(make_user(Role.OPERATOR))


def _counts():
    return (
        Family.objects.unscoped().count(),
        Person.objects.unscoped().count(),
        AuditEntry.objects.exclude(action__startswith="accounts.").count(),
    )


# ---------------------------------------------------------------------------------- register


def test_register_a_family_with_members(api, key):
    head = person_payload(name="Hendra Gunawan")
    wife = person_payload(
        name="Rina Marlina",
        sex=codes.Sex.FEMALE,
        relationship=codes.Relationship.SPOUSE,
        birth_date=datetime.date(1992, 8, 21),
        disability=["sensorik"],
    )
    body = family_payload(members=[head, wife])
    response = api.post(FAMILIES, body, token=key)
    assert response.status_code == 201, response.data
    data = response.data
    family = Family.objects.unscoped().get(pk=data["id"])
    assert family.kk_number == body["kk_number"] == data["kk_number"]
    assert (family.region_id, family.rw, family.rt, family.desil) == (KEL_A, "002", "003", 2)
    assert family.livestock == {"kambing": 2}
    # Registered with a dwelling of its own, which the family's record shows.
    assert data["dwelling"]["id"] == family.dwelling_id and data["dwelling"]["code"].startswith(
        "R-"
    )
    assert [m["name"] for m in data["members"]] == ["Hendra Gunawan", "Rina Marlina"]
    rina = Person.objects.unscoped().get(nik=wife["nik"])
    assert rina.disability_types == ["sensorik"]
    assert rina.region_id == KEL_A
    assert AuditEntry.objects.filter(
        object_type="registry.family", object_id=str(family.pk)
    ).exists()


def test_numbers_written_with_spaces_dots_or_dashes_are_stored_as_their_digits(api, key):
    """As a form and an import read them (registry.identifiers.normalise_number)."""
    head = person_payload()
    nik = head["nik"]
    head["nik"] = f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"
    body = family_payload(members=[head])
    kk = body["kk_number"]
    body["kk_number"] = f"{kk[:2]}.{kk[2:4]}.{kk[4:6]}-{kk[6:]}"
    response = api.post(FAMILIES, body, token=key)
    assert response.status_code == 201, response.data
    assert Family.objects.unscoped().get(pk=response.data["id"]).kk_number == kk
    assert Person.objects.unscoped().get(family_id=response.data["id"]).nik == nik


def test_register_refuses_schema_errors_with_field_paths(api, key):
    body = family_payload()
    body["kk_number"] = "12345"
    body["members"][0]["nik"] = "abc"
    del body["members"][0]["name"]
    before = _counts()
    response = api.post(FAMILIES, body, token=key)
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert set(response.data["errors"]) == {"kk_number", "members.0.nik", "members.0.name"}
    assert _counts() == before


def test_register_needs_at_least_one_member(api, key):
    response = api.post(FAMILIES, family_payload(members=[]), token=key)
    assert response.status_code == 400
    assert list(response.data["errors"]) == ["members"]


def test_register_refuses_a_nik_with_an_impossible_date(api, key):
    body = family_payload()
    # day 32, month 99
    body["members"][0]["nik"] = body["members"][0]["nik"][:6] + "329912" + "0001"
    before = _counts()
    response = api.post(FAMILIES, body, token=key)
    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert response.data["errors"]
    assert _counts() == before


def test_register_refuses_a_nik_already_in_the_registry(api, key):
    existing = PersonFactory()
    body = family_payload()
    body["members"][0]["nik"] = existing.nik
    before = _counts()
    response = api.post(FAMILIES, body, token=key)
    assert response.status_code == 400
    assert _counts() == before


def test_register_asks_to_confirm_warnings_then_saves(api, key):
    """A NIK whose date disagrees with the birth date is a warning: 422, then resend to confirm."""
    member = person_payload(birth_date=datetime.date(1990, 4, 12))
    member["nik"] = make_nik(KEL_A, datetime.date(1991, 5, 13), codes.Sex.MALE)
    body = family_payload(members=[member])
    before = _counts()
    response = api.post(FAMILIES, body, token=key)
    assert response.status_code == 422, response.data
    assert response.data["code"] == "warnings"
    assert response.data["confirm_warnings"] is True
    assert response.data["warnings"]
    assert _counts() == before
    response = api.post(FAMILIES, {**body, "confirm_warnings": True}, token=key)
    assert response.status_code == 201, response.data
    assert Person.objects.unscoped().filter(nik=member["nik"]).exists()


# -------------------------------------------------------------------------------- add member


def test_add_a_member(api, key):
    family = FamilyFactory()
    PersonFactory(family=family)
    body = person_payload(
        name="Putri Ayu",
        sex=codes.Sex.FEMALE,
        relationship=codes.Relationship.CHILD,
        birth_date=datetime.date(2015, 2, 3),
        ppks=[],
    )
    response = api.post(f"{FAMILIES}/{family.pk}/members", body, token=key)
    assert response.status_code == 201, response.data
    assert response.data["nik"] == body["nik"]
    assert response.data["family"]["id"] == family.pk
    assert Person.objects.unscoped().get(nik=body["nik"]).family == family


# ----------------------------------------------------------------------------------- updates


def test_update_a_family_changes_only_the_fields_sent(api, key):
    family = FamilyFactory(rw="001", rt="002", desil=4)
    PersonFactory(family=family)
    response = api.patch(
        f"{FAMILIES}/{family.pk}",
        {"version": family.version, "rt": "009", "reason": "pindah RT"},
        token=key,
    )
    assert response.status_code == 200, response.data
    family.refresh_from_db()
    assert (family.rw, family.rt, family.desil, family.version) == ("001", "009", 4, 2)
    assert response.data["version"] == 2
    entry = AuditEntry.objects.filter(
        object_type="registry.family", object_id=str(family.pk)
    ).latest("at")
    assert entry.reason == "pindah RT"


def test_update_with_a_stale_version_is_a_409_with_the_changed_fields(api, key):
    family = FamilyFactory(address="Jl. Lama")
    PersonFactory(family=family)
    first = api.patch(
        f"{FAMILIES}/{family.pk}", {"version": 1, "address": "Jl. Pertama"}, token=key
    )
    assert first.status_code == 200
    response = api.patch(f"{FAMILIES}/{family.pk}", {"version": 1, "rt": "007"}, token=key)
    assert response.status_code == 409, response.data
    assert response.data["code"] == "conflict"
    assert response.data["current_version"] == 2
    assert "address" in response.data["changed_fields"]
    family.refresh_from_db()
    assert (family.address, family.rt, family.version) == ("Jl. Pertama", "002", 2)


def test_update_a_person_and_conflict(api, key):
    person = PersonFactory(occupation="Buruh")
    response = api.patch(
        f"{PEOPLE}/{person.pk}",
        {"version": 1, "occupation": "Nelayan", "disability": ["mental"]},
        token=key,
    )
    assert response.status_code == 200, response.data
    person.refresh_from_db()
    person.disability_rows = None
    assert (person.occupation, person.disability_types, person.version) == (
        "Nelayan",
        ["mental"],
        2,
    )
    stale = api.patch(f"{PEOPLE}/{person.pk}", {"version": 1, "occupation": "Petani"}, token=key)
    assert stale.status_code == 409
    assert stale.data["current_version"] == 2
    assert "occupation" in stale.data["changed_fields"]
    person.refresh_from_db()
    assert person.occupation == "Nelayan"


def test_update_needs_a_version(api, key):
    family = FamilyFactory()
    response = api.patch(f"{FAMILIES}/{family.pk}", {"rt": "009"}, token=key)
    assert response.status_code == 400
    assert list(response.data["errors"]) == ["version"]


def test_update_refuses_bad_values_with_field_errors(api, key):
    person = PersonFactory()
    response = api.patch(
        f"{PEOPLE}/{person.pk}", {"version": 1, "sex": "X", "income": -5}, token=key
    )
    assert response.status_code == 400
    assert set(response.data["errors"]) == {"sex", "income"}
    person.refresh_from_db()
    assert person.version == 1


def test_script_tags_are_stored_and_returned_as_text(api, key):
    name = "<script>alert(document.cookie)</script>"
    body = family_payload(
        members=[person_payload(name=name)], address='<img src=x onerror="alert(1)">'
    )
    response = api.post(FAMILIES, body, token=key)
    # The service may refuse markup in a name; then it is a field error.
    if response.status_code == 400:
        assert response.data["errors"]
        return
    assert response.status_code == 201, response.data
    assert response.data["members"][0]["name"] == name
    assert response.data["address"] == body["address"]
    assert b"<script>" in response.content  # JSON carries the text as is; it is never HTML


def test_register_kk_number_unique(api, key):
    existing = FamilyFactory(kk_number=make_kk(KEL_A))
    before = _counts()
    response = api.post(FAMILIES, family_payload(kk_number=existing.kk_number), token=key)
    assert response.status_code == 400
    assert _counts() == before


def test_adding_to_a_family_that_moved_is_refused(api, key):
    family = FamilyFactory(status=codes.FamilyStatus.MOVED)
    before = _counts()
    response = api.post(f"{FAMILIES}/{family.pk}/members", person_payload(), token=key)
    assert response.status_code == 400
    assert response.data["code"] == "domain_error"
    assert _counts() == before


@pytest.mark.parametrize("language", ["id", "en"])
def test_service_messages_follow_accept_language(api, key, language):
    from django.utils import translation
    from django.utils.translation import gettext

    body = family_payload()
    body["members"][0]["nik"] = body["members"][0]["nik"][:6] + "329912" + "0001"
    response = api.post(FAMILIES, body, token=key, headers={"Accept-Language": language})
    assert response.status_code == 400
    assert response["Content-Language"] == language
    with translation.override(language):
        assert response.data["detail"] == gettext("Please correct the errors below.")


def test_register_outside_the_area_is_a_field_error_on_kelurahan(api, db, token_for):
    from tests.factories import KEC_B

    key = token_for(make_user(Role.OPERATOR, scope=KEC_B))
    before = _counts()
    response = api.post(FAMILIES, family_payload(KEL_A), token=key)
    assert response.status_code == 400
    assert list(response.data["errors"]) == ["kelurahan"]
    assert _counts() == before
