"""The API answers in JSON whatever it is sent: numbers out of range and text no database can
hold are 400 that name the field, unknown addresses and methods are JSON 404 and 405 (never the
CSRF check's HTML 403), and a user told too often that a number is registered elsewhere is 429."""

import json

import pytest
from django.test import Client
from django.utils.translation import gettext, override

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.registry.masks import mask_number
from padu.registry.models import Family, Person
from tests.factories import KEC_A, KEL_B, FamilyFactory, PersonFactory, make_user

from .payloads import family_payload, person_payload

FAMILIES = "/api/v1/families"
PEOPLE = "/api/v1/people"
TOO_BIG = 2**63


@pytest.fixture
def operator(db):
    return make_user(Role.OPERATOR, scope=KEC_A)


@pytest.fixture
def key(operator, token_for):
    return token_for(operator)


def _written():
    return (
        Family.objects.unscoped().count(),
        Person.objects.unscoped().count(),
        AuditEntry.objects.exclude(action__startswith="accounts.").count(),
    )


def _invalid(response, field):
    assert response.status_code == 400, response.data
    assert response.data["code"] == "invalid"
    assert list(response.data["errors"]) == [field]
    assert all(response.data["errors"][field])


# ----------------------------------------------------------------------- numbers out of range


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (FAMILIES, {"offset": TOO_BIG}, "offset"),
        (PEOPLE, {"offset": TOO_BIG}, "offset"),
        (PEOPLE, {"limit": TOO_BIG}, "limit"),
        (FAMILIES, {"ppks": TOO_BIG}, "ppks"),
        (PEOPLE, {"ppks": -1}, "ppks"),
        (f"{FAMILIES}/{TOO_BIG}", {}, "family_id"),
        (f"{PEOPLE}/{TOO_BIG}", {}, "person_id"),
        (f"{PEOPLE}/0", {}, "person_id"),
    ],
)
def test_numbers_out_of_range_in_the_address_are_refused(api, key, path, params, field):
    _invalid(api.get(path, token=key, **params), field)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"version": TOO_BIG}, "version"),
        ({"version": -1}, "version"),
        ({"version": 1, "ppks": [TOO_BIG]}, "ppks.0"),
        ({"version": 1, "income": TOO_BIG}, "income"),
    ],
)
def test_numbers_out_of_range_in_a_body_are_refused(api, key, changes, field):
    person = PersonFactory()
    before = _written()
    _invalid(api.patch(f"{PEOPLE}/{person.pk}", changes, token=key), field)
    assert _written() == before


def test_numbers_out_of_range_in_a_new_family_are_refused(api, key):
    before = _written()
    body = family_payload(livestock={"kambing": TOO_BIG})
    _invalid(api.post(FAMILIES, body, token=key), "livestock.kambing")
    response = api.post(f"{FAMILIES}/{TOO_BIG}/members", person_payload(), token=key)
    _invalid(response, "family_id")
    assert _written() == before


# ------------------------------------------------------------------------ text a database refuses


def test_a_null_character_is_refused_where_it_was_sent(api, key):
    person = PersonFactory()
    before = _written()
    body = family_payload(address="Jl. Sawahan\x00")
    body["members"][0]["name"] = "Andi\x00"
    response = api.post(FAMILIES, body, token=key)
    assert response.status_code == 400
    assert set(response.data["errors"]) == {"address", "members.0.name"}
    _invalid(api.get(PEOPLE, token=key, q="Andi\x00"), "q")
    response = api.patch(f"{PEOPLE}/{person.pk}", {"version": 1, "occupation": "x\x00"}, token=key)
    _invalid(response, "occupation")
    assert _written() == before


def test_a_body_that_is_not_json_is_a_translated_400(api, key):
    response = Client().post(
        FAMILIES, "{nope", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 400
    body = json.loads(response.content)
    with override("id"):
        assert body["errors"] == {"__all__": [gettext("The request body is not valid JSON.")]}


# ------------------------------------------------------------------- unknown addresses, methods


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/", "/api/v2/families", "/api/"])
def test_an_unknown_address_is_a_json_404_in_indonesian(key, method, path):
    # With the CSRF check on, as a browser's request meets it: no HTML 403 before the 404.
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    with override("id"):
        assert json.loads(response.content)["detail"] == gettext("Not found.")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", FAMILIES, "GET, POST"),
        ("put", f"{PEOPLE}/1", "GET, PATCH"),
        ("post", "/api/v1/openapi.json", "GET, HEAD"),
    ],
)
def test_a_method_an_address_does_not_take_is_a_json_405(key, method, path, allowed):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 405
    assert response["Allow"] == allowed
    body = json.loads(response.content)
    assert body["code"] == "method_not_allowed"
    with override("id"):
        expected = gettext("This address does not accept %(method)s, only %(allowed)s.") % {
            "method": method.upper(),
            "allowed": allowed,
        }
    assert body["detail"] == expected


def test_a_session_does_not_authenticate_a_write(operator):
    """The CSRF exemptions under /api/ are safe because no request there is authenticated by
    the cookie a browser sends by itself: a signed-in user's session writes nothing."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    before = _written()
    response = client.post(FAMILIES, json.dumps(family_payload()), content_type="application/json")
    assert response.status_code == 401
    assert _written() == before
    # The pages still demand the CSRF token from the same session.
    assert client.post("/registri/keluarga/baru/", {}).status_code == 403


# --------------------------------------------------------------- numbers registered elsewhere


def test_a_nik_registered_outside_the_area_is_answered_without_where(api, key):
    existing = PersonFactory(name="Siti Aminah", family=FamilyFactory(region_id=KEL_B))
    before = _written()
    response = api.post(
        FAMILIES, family_payload(members=[person_payload(nik=existing.nik)]), token=key
    )
    assert response.status_code == 400
    [message] = response.data["errors"]["members.0.nik"]
    with override("id"):
        registered = gettext(
            "%(number)s is already registered. Ask the Dinas Sosial to check it if this is wrong."
        ) % {"number": mask_number(existing.nik)}
    assert message.endswith(registered)
    text = response.content.decode()
    kk = existing.family.kk_number
    for leak in ("Siti", "Aminah", "Air Tawar", KEL_B, "13.71.04", kk, mask_number(kk)):
        assert leak not in text
    assert _written()[:2] == before[:2]


def test_too_many_numbers_registered_elsewhere_is_429_and_writes_nothing(api, key, settings):
    settings.PADU_REGISTERED_ANSWERS_PER_HOUR = 2
    others = [PersonFactory(family=FamilyFactory(region_id=KEL_B)) for _ in range(3)]
    for other in others[:2]:
        body = family_payload(members=[person_payload(nik=other.nik)])
        assert api.post(FAMILIES, body, token=key).status_code == 400
    before = _written()
    body = family_payload(members=[person_payload(nik=others[2].nik)])
    response = api.post(FAMILIES, body, token=key)
    assert response.status_code == 429
    assert response.data["code"] == "too_many_checks"
    assert list(response.data["errors"]) == ["nik"]
    assert response["Retry-After"] == "3600"
    assert _written()[:2] == before[:2]
    assert AuditEntry.objects.filter(action="registry.number.probing").count() == 1
