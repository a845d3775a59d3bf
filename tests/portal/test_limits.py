"""The public page's rate limits (per client address and per NIK, counted by keyed hashes in the
lookup log) and its weight (no page over 200 KB with its assets)."""

import datetime
import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from padu.portal import keys
from padu.portal.models import Lookup
from tests.factories import KEL_A, FamilyFactory, PersonFactory, downloaded

pytestmark = pytest.mark.django_db
URL = reverse("portal:check")
TOO_MANY = (
    "Too many checks have been made from this connection or for this NIK. "
    "Please try again in %(minutes)s minutes."
)


def post(client, nik, name="Budi Santoso", address="10.0.0.1", **headers):
    return client.post(URL, {"nik": nik, "name": name}, REMOTE_ADDR=address, **headers)


def unregistered_nik() -> str:
    return PersonFactory.build(region_id=KEL_A).nik


def assert_refused(response):
    assert response.status_code == 429
    minutes = django_settings.PADU_PORTAL_WINDOW_MINUTES
    assert int(response["Retry-After"]) == minutes * 60
    html = response.content.decode()
    assert gettext("Too many checks") in html
    assert gettext(TOO_MANY) % {"minutes": minutes} in html


def test_one_nik_is_limited_from_any_address(client, settings):
    settings.PADU_PORTAL_LOOKUPS_PER_NIK = 2
    person = PersonFactory(name="Budi Santoso")
    assert post(client, person.nik, address="10.0.0.1").status_code == 200
    assert post(client, person.nik, name="Someone Else", address="10.0.0.2").status_code == 200
    assert_refused(post(client, person.nik, address="10.0.0.3"))
    # Refused lookups are not looked up, and not logged.
    assert Lookup.objects.unscoped().count() == 2
    # Another NIK from the same address is still answered.
    assert post(client, unregistered_nik(), address="10.0.0.3").status_code == 200


def test_one_address_is_limited_whatever_the_nik(client, settings):
    settings.PADU_PORTAL_LOOKUPS_PER_ADDRESS = 3
    for _ in range(3):
        assert post(client, unregistered_nik()).status_code == 200
    assert_refused(post(client, unregistered_nik()))
    # Even a malformed form is refused before it is read.
    assert_refused(post(client, "123"))
    assert post(client, unregistered_nik(), address="10.0.0.9").status_code == 200


def test_the_limit_ends_with_its_window(client, settings):
    settings.PADU_PORTAL_LOOKUPS_PER_ADDRESS = 1
    assert post(client, unregistered_nik()).status_code == 200
    assert post(client, unregistered_nik()).status_code == 429
    earlier = timezone.now() - datetime.timedelta(minutes=settings.PADU_PORTAL_WINDOW_MINUTES + 1)
    Lookup.objects.unscoped().update(at=earlier)
    assert post(client, unregistered_nik()).status_code == 200


def test_behind_the_proxy_the_forwarded_address_is_limited(client, settings):
    """nginx appends the address it saw; anything left of it is the client's to forge."""
    settings.PADU_TRUSTED_PROXIES = 1
    settings.PADU_PORTAL_LOOKUPS_PER_ADDRESS = 1
    assert (
        post(client, unregistered_nik(), HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7").status_code
        == 200
    )
    refused = post(client, unregistered_nik(), HTTP_X_FORWARDED_FOR="5.6.7.8, 198.51.100.7")
    assert refused.status_code == 429
    assert post(client, unregistered_nik(), HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200
    digests = set(Lookup.objects.unscoped().values_list("client_digest", flat=True))
    assert digests == {keys.client_digest("198.51.100.7"), keys.client_digest("198.51.100.8")}


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        (0, "10.0.0.1", "1.2.3.4", "10.0.0.1"),  # no proxy: the header is not trusted
        (1, "127.0.0.1", "1.2.3.4", "1.2.3.4"),
        (1, "127.0.0.1", "9.9.9.9, 1.2.3.4", "1.2.3.4"),
        (2, "127.0.0.1", "9.9.9.9, 1.2.3.4, 10.1.1.1", "1.2.3.4"),
        (2, "127.0.0.1", "1.2.3.4", "127.0.0.1"),  # fewer entries than proxies: the peer
        (1, "127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_the_client_address(rf, settings, proxies, remote, forwarded, client):
    settings.PADU_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert keys.client_address(request) == client


PAGE_LIMIT = 200 * 1024
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def weight(client, response) -> tuple[int, list[str]]:
    """The bytes of a page's HTML and of every stylesheet, script and image it loads."""
    html = response.content.decode()
    assets = ASSET.findall(html)
    total = len(response.content)
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200, url
        total += len(downloaded(asset))
    return total, assets


def test_no_page_weighs_over_200_kb(client, settings):
    person = PersonFactory(family=FamilyFactory(desil=1), name="Budi Santoso")
    settings.PADU_PORTAL_LOOKUPS_PER_ADDRESS = 1
    pages = {
        "form": client.get(URL),
        "invalid": post(Client(), "123", address="10.0.0.2"),
        "answer": post(client, person.nik),
        "not found": post(Client(), unregistered_nik(), address="10.0.0.3"),
        "too many": post(client, person.nik),
    }
    assert [p.status_code for p in pages.values()] == [200, 400, 200, 200, 429]
    for name, response in pages.items():
        total, assets = weight(client, response)
        assert assets, name  # the stylesheet at least: the sum is of the page with its assets
        assert total < PAGE_LIMIT, f"{name}: {total} bytes"
