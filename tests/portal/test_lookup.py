"""The public page's lookup (`/cek/`): no login, NIK and name together, the answer masked as a
masked staff role sees it, the same answer for a wrong name as for an unregistered NIK, bad
input refused with nothing logged, and every lookup logged by keyed hashes only."""

import hashlib
import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from padu.portal import keys
from padu.portal.models import Lookup
from padu.registry import codes
from padu.registry.disclosure import Disclosure
from padu.registry.masks import mask_number
from tests.factories import FamilyFactory, PersonFactory

pytestmark = pytest.mark.django_db
URL = reverse("portal:check")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def person():
    family = FamilyFactory(desil=3)
    return PersonFactory(family=family, name="Achmad Syafrizal")


def lookups():
    return list(Lookup.objects.unscoped().order_by("id"))


def post(client, nik, name, address="10.0.0.1"):
    return client.post(URL, {"nik": nik, "name": name}, REMOTE_ADDR=address)


def test_the_page_opens_without_login(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="id"' in html
    assert 'name="nik"' in html and 'name="name"' in html
    # Its own layout: its own menu, no link into the staff pages.
    assert 'id="portal-nav"' in html
    links = re.findall(r'href="([^"]*)"', html)
    assert links
    assert all(link == "#main" or link.startswith(("/cek/", "/static/")) for link in links)


def test_a_registered_person_sees_the_family_masked(client, person):
    response = post(client, person.nik, "ACHMAD SYAFRIZAL")
    assert response.status_code == 200
    html = response.content.decode()
    masked = Disclosure(full=False)
    assert masked.number(person.nik) in html
    assert masked.number(person.family.kk_number) == mask_number(person.family.kk_number)
    assert mask_number(person.family.kk_number) in html
    # Never a whole number, in any form.
    assert person.nik not in html and person.family.kk_number not in html
    assert person.nik[4:12] not in html
    assert gettext("Your family is registered") in html
    assert gettext("Desil %(desil)s of 10") % {"desil": 3} in html
    assert person.family.region.name in html
    assert gettext("No program receipt is recorded for your family in this registry.") in html
    [logged] = lookups()
    assert logged.found and logged.family_id == person.family_id


@pytest.mark.parametrize(
    "typed",
    [
        "achmad syafrizal",
        "Ahmad Syafrizal",
        "Akhmad Safrizal",
        "H. Achmad Syafrizal, S.Pd",
        "Achmad Syafrisal",
    ],
)
def test_the_name_is_matched_as_the_registry_matches_names(client, person, typed):
    response = post(client, person.nik, typed)
    assert gettext("Your family is registered") in response.content.decode()


def without_token(response) -> bytes:
    return CSRF.sub(b"", response.content)


@pytest.mark.parametrize("typed", ["Achmad", "Siti Rahmah", "Syafrizal Achmad Budiman Putra"])
def test_a_wrong_name_gets_the_answer_an_unregistered_nik_gets(client, person, typed):
    wrong_name = post(client, person.nik, typed)
    other = PersonFactory.build(region_id=person.region_id).nik  # well formed, not registered
    unregistered = post(client, other, typed)
    assert wrong_name.status_code == unregistered.status_code == 200
    assert without_token(wrong_name) == without_token(unregistered)
    assert gettext("No registered family was found for this NIK and name") in (
        wrong_name.content.decode()
    )
    assert [(row.found, row.family_id) for row in lookups()] == [(False, None), (False, None)]


def test_a_family_no_longer_active_shows_its_status(client, person):
    family = person.family
    family.status = codes.FamilyStatus.MOVED
    family.save(update_fields=["status"])
    html = post(client, person.nik, person.name).content.decode()
    assert str(codes.FamilyStatus.MOVED.label) in html


@pytest.mark.parametrize(
    ("nik", "name", "field"),
    [
        ("", "Achmad Syafrizal", "nik"),
        ("12345", "Achmad Syafrizal", "nik"),
        ("13710117058000AB", "Achmad Syafrizal", "nik"),
        ("1371010000000000", "Achmad Syafrizal", "nik"),  # no day, no serial
        (None, "", "name"),
        (None, "1234", "name"),  # a name needs a letter
        (None, "x" * 121, "name"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_logged(client, person, nik, name, field):
    response = post(client, person.nik if nik is None else nik, name)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == [field]
    html = response.content.decode()
    assert gettext("Please correct the errors below.") in html
    for message in form.errors[field]:
        assert str(message) in html.replace("&#x27;", "'").replace("&quot;", '"')
    assert 'aria-invalid="true"' in html
    assert lookups() == []


def test_the_log_keeps_keyed_hashes_only(client, person):
    post(client, person.nik, person.name, address="192.0.2.7")
    [logged] = lookups()
    assert logged.nik_digest == keys.nik_digest(person.nik)
    assert logged.client_digest == keys.client_digest("192.0.2.7")
    values = [str(v) for v in Lookup.objects.unscoped().values_list().get()]
    plain = hashlib.sha256(person.nik.encode()).hexdigest()
    for value in values:
        assert person.nik not in value and "192.0.2.7" not in value and plain not in value


def test_the_log_is_read_through_a_scope(person):
    from padu.core.scoping import UnscopedQueryError

    with pytest.raises(UnscopedQueryError):
        list(Lookup.objects.all())


def test_only_post_and_get(client):
    assert client.put(URL).status_code == 405
