"""Codes a newer decree ended are no longer offered (a family's kelurahan, the lists' filters,
the places the search box knows), while the records on them keep them and still show them."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from padu.accounts.capabilities import Role
from padu.regions.models import Decree, Region
from padu.regions.selectors import kecamatan_choices, village_choices
from padu.registry.selectors.search import search_places
from tests.factories import KEC_A, KEL_A, KEL_A2, FamilyFactory, PersonFactory, make_user


@pytest.fixture
def ended(db):
    """KEL_A2 ended by a decree in force since yesterday."""
    cache.clear()
    today = timezone.localdate()
    decree = Decree.objects.create(number="Kepmendagri test/ended", valid_from=today)
    Region.objects.filter(code=KEL_A2).update(
        ended_by=decree, valid_until=today - datetime.timedelta(days=1)
    )
    yield Region.objects.get(code=KEL_A2)
    cache.clear()


def test_choices_hold_the_codes_valid_today(ended):
    user = make_user(Role.OPERATOR)
    villages = set(village_choices(user=user).values_list("code", flat=True))
    assert KEL_A in villages and KEL_A2 not in villages
    assert KEC_A in set(kecamatan_choices(user=user).values_list("code", flat=True))
    assert KEL_A2 not in {code for code, _name in search_places(user)}
    # A decree dated later ends nothing yet; a code it lists is not valid before its date.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Region.objects.filter(code=KEL_A2).update(valid_until=tomorrow)
    Region.objects.filter(code=KEL_A).update(valid_from=tomorrow)
    villages = set(village_choices(user=user).values_list("code", flat=True))
    assert KEL_A2 in villages and KEL_A not in villages


def _option(code: str) -> str:
    return f'<option value="{code}"'


def test_the_new_family_form_and_the_filters_offer_no_ended_code(client, ended):
    client.force_login(make_user(Role.OPERATOR, language="en"))
    family = FamilyFactory(region_id=KEL_A2)
    PersonFactory(family=family, name="Yusuf Ended")
    form = client.get(reverse("registry:family_create")).content.decode()
    assert _option(KEL_A) in form and _option(KEL_A2) not in form
    listing = client.get(reverse("registry:family_list")).content.decode()
    assert _option(KEL_A) in listing and _option(KEL_A2) not in listing
    # The family on the ended code is still listed, with its kelurahan's name.
    assert "Yusuf Ended" in listing and ended.name in listing


def test_a_family_on_an_ended_code_keeps_it_when_edited(client, ended):
    client.force_login(make_user(Role.OPERATOR, language="en"))
    family = FamilyFactory(region_id=KEL_A2, rw="001", rt="002", address="Jl. Lama 1")
    url = reverse("registry:family_edit", args=[family.pk])
    page = client.get(url).content.decode()
    assert f'<option value="{KEL_A2}" selected>{ended.name} (ended)</option>' in page
    data = {
        "kk_number": family.kk_number,
        "region": KEL_A2,
        "rw": "001",
        "rt": "003",
        "address": family.address,
        "version": str(family.version),
        "reason": "",
    }
    assert client.post(url, data).status_code == 302
    family.refresh_from_db()
    assert (family.region_id, family.rt) == (KEL_A2, "003")
    # Another family cannot be moved onto the ended code.
    other = FamilyFactory(region_id=KEL_A)
    response = client.post(
        reverse("registry:family_edit", args=[other.pk]),
        {**data, "kk_number": other.kk_number, "version": str(other.version)},
    )
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.region_id == KEL_A
