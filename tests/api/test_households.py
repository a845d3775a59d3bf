"""The API of who lives where (issue #11 point 1): a dwelling with its families and housing, and
the transitions (a family moves to another dwelling, a split, a member's move). Each: the roles
that may and may not, outside the area (404), bad input (400 with the message, nothing written),
and the history it leaves. Every answer is checked against the OpenAPI document (`ApiClient`)."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Role
from padu.core.models import AccessLog, AuditEntry
from padu.registry import codes
from padu.registry.masks import mask_number
from padu.registry.models import Dwelling, Family, Person
from tests.factories import (
    KEC_B,
    KEL_A,
    KEL_A2,
    KEL_B,
    FamilyFactory,
    PersonFactory,
    make_kk,
    make_user,
)

from .conftest import key_for

pytestmark = pytest.mark.django_db
HEAD, SPOUSE, CHILD, CHILD_IN_LAW = (
    codes.Relationship.HEAD,
    codes.Relationship.SPOUSE,
    codes.Relationship.CHILD,
    codes.Relationship.CHILD_IN_LAW,
)
EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def family_with_head(name: str, region=KEL_A) -> Family:
    family = FamilyFactory(region_id=region)
    head = PersonFactory(family=family, name=name)
    family.dwelling.head = head
    family.dwelling.save(update_fields=["head"])
    return family


@pytest.fixture
def parents():
    family = family_with_head("Bapak Syahrial")
    son = PersonFactory(
        family=family, name="Rudi", relationship=CHILD, birth_date=datetime.date(2000, 1, 1)
    )
    wife = PersonFactory(
        family=family,
        name="Sari",
        relationship=CHILD_IN_LAW,
        sex=codes.Sex.FEMALE,
        birth_date=datetime.date(2001, 1, 1),
    )
    return family, son, wife


@pytest.fixture
def operator_key():
    return key_for(make_user(Role.OPERATOR))


def written() -> tuple:
    return (
        Dwelling.objects.unscoped().count(),
        Family.objects.unscoped().count(),
        AuditEntry.objects.exclude(action__startswith="accounts.").count(),
        *Person.objects.unscoped().order_by("pk").values_list("family_id", "relationship"),
        *Family.objects.unscoped().order_by("pk").values_list("dwelling_id", flat=True),
        *Dwelling.objects.unscoped().order_by("pk").values_list("version", flat=True),
    )


def fresh(obj):
    return type(obj).objects.unscoped().get(pk=obj.pk)


# --- the dwelling ------------------------------------------------------------------------------


def test_a_dwelling_with_its_families_masked_and_its_read_logged(api, parents):
    family, _son, _wife = parents
    neighbour = family_with_head("Yusri Amir")
    neighbour.dwelling = family.dwelling
    neighbour.save(update_fields=["dwelling"])
    user = make_user(Role.OPERATOR)
    response = api.get(f"/api/v1/dwellings/{family.dwelling_id}", token=key_for(user))
    assert response.status_code == 200
    body = response.data
    assert (body["code"], body["kelurahan"]["code"]) == (family.dwelling.code, KEL_A)
    assert {(f["kk_number"], f["head_name"], f["member_count"]) for f in body["families"]} == {
        (mask_number(family.kk_number), "Bapak Syahrial", 3),
        (mask_number(neighbour.kk_number), "Yusri Amir", 1),
    }
    assert AccessLog.objects.filter(
        user=user, object_type="registry.dwelling", purpose="api_dwelling_detail"
    ).exists()


def test_a_dwelling_outside_the_area_is_not_found_and_a_partner_is_refused(api, parents):
    family, _son, _wife = parents
    url = f"/api/v1/dwellings/{family.dwelling_id}"
    before = AccessLog.objects.count()
    assert api.get(url, token=key_for(make_user(Role.PSM, scope=KEL_B))).status_code == 404
    assert api.get(url, token=key_for(make_user(Role.MITRA))).status_code == 403
    assert api.get(url).status_code == 401
    assert AccessLog.objects.count() == before


def test_the_housing_is_changed_and_refused_with_a_message(api, parents, operator_key):
    dwelling = parents[0].dwelling
    url = f"/api/v1/dwellings/{dwelling.pk}"
    response = api.patch(
        url,
        {"version": 1, "floor_area": 42, "assets": ["televisi"], "reason": "visit"},
        token=operator_key,
    )
    assert response.status_code == 200
    assert (response.data["floor_area"], response.data["version"]) == (42, 2)
    before = written()
    response = api.patch(url, {"version": 2, "floor_area": 0}, token=operator_key, headers=EN)
    assert response.status_code == 400 and "floor_area" in response.data["errors"]
    psm = key_for(make_user(Role.PSM))
    assert api.patch(url, {"version": 2, "floor_area": 50}, token=psm).status_code == 403
    assert written() == before


# --- a family moves --------------------------------------------------------------------------


def test_a_family_moves_into_another_dwelling_and_back(api, parents, operator_key):
    family, _son, _wife = parents
    neighbour = family_with_head("Yusri Amir")
    url = f"/api/v1/families/{family.pk}/dwelling"
    response = api.post(
        url, {"dwelling_id": neighbour.dwelling_id, "reason": "visit"}, token=operator_key
    )
    assert response.status_code == 200
    assert response.data["dwelling"]["id"] == neighbour.dwelling_id
    [entry] = AuditEntry.objects.filter(
        action="registry.family.dwelling_moved", object_id=str(family.pk)
    )
    assert (entry.after["dwelling"], entry.reason) == (neighbour.dwelling_id, "visit")
    response = api.post(url, {"dwelling_id": None, "reason": "own house"}, token=operator_key)
    assert response.status_code == 200
    assert response.data["dwelling"]["id"] not in (neighbour.dwelling_id, family.dwelling_id)


def test_moving_a_family_refuses_and_writes_nothing(api, parents, operator_key):
    family, _son, _wife = parents
    url = f"/api/v1/families/{family.pk}/dwelling"
    other_kel = family_with_head("Andi", region=KEL_A2)
    outside = family_with_head("Budi", region=KEL_B)
    before = written()
    response = api.post(
        url, {"dwelling_id": other_kel.dwelling_id, "reason": "x"}, token=operator_key
    )
    assert response.status_code == 400
    assert response.data["detail"] == _(
        "Dwelling %(code)s is in another kelurahan: change the family's address "
        "first, or choose a dwelling in its kelurahan."
    ) % {"code": other_kel.dwelling.code}
    response = api.post(url, {"dwelling_id": None, "reason": "x"}, token=operator_key)
    assert response.data["detail"] == _("This family already lives alone in its dwelling.")
    response = api.post(url, {"dwelling_id": None, "reason": " "}, token=operator_key)
    assert response.status_code == 400 and "reason" in response.data["errors"]
    kec_b = key_for(make_user(Role.OPERATOR, scope=KEC_B))
    assert (
        api.post(url, {"dwelling_id": outside.dwelling_id, "reason": "x"}, token=kec_b).status_code
        == 404
    )
    assert (
        api.post(
            url, {"dwelling_id": outside.dwelling_id, "reason": "x"}, token=operator_key
        ).status_code
        == 400
    )
    psm = key_for(make_user(Role.PSM))
    assert api.post(url, {"dwelling_id": None, "reason": "x"}, token=psm).status_code == 403
    assert written() == before


# --- a split ---------------------------------------------------------------------------------


def test_members_split_off_into_a_new_family(api, parents, operator_key):
    family, son, wife = parents
    kk = make_kk(KEL_A)
    response = api.post(
        f"/api/v1/families/{family.pk}/split",
        {
            "kk_number": kk,
            "members": [
                {"person_id": son.pk, "relationship": HEAD},
                {"person_id": wife.pk, "relationship": SPOUSE},
            ],
            "own_dwelling": True,
            "reason": "married",
        },
        token=operator_key,
    )
    assert response.status_code == 201
    new = Family.objects.unscoped().get(kk_number=kk)
    assert response.data["id"] == new.pk
    assert sorted((m["name"], m["relationship"]) for m in response.data["members"]) == [
        ("Rudi", HEAD),
        ("Sari", SPOUSE),
    ]
    assert new.dwelling_id != family.dwelling_id and new.dwelling.head == fresh(son)
    assert AuditEntry.objects.filter(
        action="registry.family.split", object_id=str(family.pk)
    ).exists()


@pytest.mark.parametrize(
    "case", ["two heads", "a stranger", "the head", "bad kk", "both dwellings", "bad code"]
)
def test_a_split_refuses_with_a_message_and_writes_nothing(api, parents, operator_key, case):
    family, son, wife = parents
    stranger = family_with_head("Yusri Amir").members.get()
    head = family.members.get(relationship=HEAD)
    body = {
        "kk_number": make_kk(KEL_A),
        "members": [
            {"person_id": son.pk, "relationship": HEAD},
            {"person_id": wife.pk, "relationship": SPOUSE},
        ],
        "reason": "x",
    }
    change, field = {
        "two heads": (
            {
                "members": [
                    {"person_id": son.pk, "relationship": HEAD},
                    {"person_id": wife.pk, "relationship": HEAD},
                ]
            },
            "members",
        ),
        "a stranger": ({"members": [{"person_id": stranger.pk, "relationship": HEAD}]}, "members"),
        "the head": ({"members": [{"person_id": head.pk, "relationship": HEAD}]}, "members"),
        "bad kk": ({"kk_number": family.kk_number}, "kk_number"),
        "both dwellings": (
            {"own_dwelling": True, "dwelling_id": family.dwelling_id},
            "dwelling_id",
        ),
        "bad code": (
            {"members": [{"person_id": son.pk, "relationship": 99}]},
            "members.0.relationship",
        ),
    }[case]
    before = written()
    response = api.post(
        f"/api/v1/families/{family.pk}/split", {**body, **change}, token=operator_key
    )
    assert response.status_code == 400 and field in response.data["errors"], response.data
    assert all(response.data["errors"][field])
    assert written() == before


# --- a member moves --------------------------------------------------------------------------


def test_a_member_moves_to_another_family(api, parents, operator_key):
    _family, son, _wife = parents
    target = family_with_head("Yusri Amir")
    response = api.post(
        f"/api/v1/people/{son.pk}/family",
        {"family_id": target.pk, "relationship": CHILD_IN_LAW, "reason": "married"},
        token=operator_key,
    )
    assert response.status_code == 200
    assert (response.data["family"]["id"], response.data["relationship"]) == (
        target.pk,
        CHILD_IN_LAW,
    )
    assert AuditEntry.objects.filter(
        action="registry.family.member_joined", object_id=str(target.pk)
    ).exists()


def test_moving_a_member_refuses_and_writes_nothing(api, parents, operator_key):
    _family, son, _wife = parents
    target = family_with_head("Yusri Amir")
    outside = family_with_head("Budi", region=KEL_B)
    url = f"/api/v1/people/{son.pk}/family"
    before = written()
    response = api.post(
        url, {"family_id": target.pk, "relationship": HEAD, "reason": "x"}, token=operator_key
    )
    assert response.status_code == 400
    assert response.data["errors"]["relationship"] == [
        _("Relationship: that family already has a head.")
    ]
    kec_b = key_for(make_user(Role.OPERATOR, scope=KEC_B))
    assert (
        api.post(
            url, {"family_id": outside.pk, "relationship": CHILD, "reason": "x"}, token=kec_b
        ).status_code
        == 404
    )
    psm = key_for(make_user(Role.PSM))
    assert (
        api.post(
            url, {"family_id": target.pk, "relationship": CHILD, "reason": "x"}, token=psm
        ).status_code
        == 403
    )
    assert written() == before
