"""Dwellings (rumah tangga, issue #11): the named transitions that move a family into another
dwelling, split a family and move a member between families, each with its history; the dwelling
page with its families and its housing form; scoping; refusals with nothing written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from padu.accounts.capabilities import Cap, Role, capabilities_for
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.registry import codes, services
from padu.registry.masks import mask_number
from padu.registry.models import Dwelling, Family, Person
from tests.factories import (
    KEL_A,
    KEL_A2,
    KEL_B,
    FamilyFactory,
    PersonFactory,
    make_kk,
    make_user,
)

pytestmark = pytest.mark.django_db
HEAD, SPOUSE, CHILD, CHILD_IN_LAW = (
    codes.Relationship.HEAD,
    codes.Relationship.SPOUSE,
    codes.Relationship.CHILD,
    codes.Relationship.CHILD_IN_LAW,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def operator():
    return make_user(Role.OPERATOR, language="en")


def family_with_head(name: str, region=KEL_A, **kwargs) -> Family:
    family = FamilyFactory(region_id=region, **kwargs)
    head = PersonFactory(family=family, name=name)
    family.dwelling.head = head
    family.dwelling.save(update_fields=["head"])
    return family


@pytest.fixture
def families():
    return {
        key: family_with_head(name)
        for key, name in (("a", "Hendra Gunawan"), ("b", "Yusri Amir"), ("c", "Nofri Yanti"))
    }


def fresh(obj):
    return type(obj).objects.unscoped().get(pk=obj.pk)


def entries(obj, action: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("id")
    )


def counts() -> tuple[int, int, int, int]:
    return (
        Dwelling.objects.unscoped().count(),
        Family.objects.unscoped().count(),
        Person.objects.unscoped().count(),
        AuditEntry.objects.count(),
    )


# --- moving a family (KK) into another dwelling ----------------------------------------------


def test_a_family_moves_into_another_dwelling_with_its_history(operator, families):
    a, b = families["a"], families["b"]
    former = a.dwelling
    dwelling = services.family_move_dwelling(
        actor=operator, family=a, dwelling=b.dwelling, reason="home visit"
    )
    assert dwelling == b.dwelling and fresh(a).dwelling_id == b.dwelling_id
    assert fresh(a).version == a.version + 1
    [entry] = entries(a, "registry.family.dwelling_moved")
    assert (entry.actor, entry.region_code, entry.reason) == (operator, KEL_A, "home visit")
    assert (entry.before["dwelling"], entry.after["dwelling"]) == (former.pk, b.dwelling_id)
    # b's dwelling keeps its head; a's former dwelling has no family left, so no head.
    assert fresh(b.dwelling).head.name == "Yusri Amir"
    assert fresh(former).head is None
    [head_entry] = entries(former, "registry.dwelling.head_changed")
    assert head_entry.after["head"] is None


def test_the_head_of_the_dwelling_passes_on_when_his_family_moves_out(operator, families):
    a, b = families["a"], families["b"]
    shared = b.dwelling
    services.family_move_dwelling(actor=operator, family=a, dwelling=shared, reason="x")
    assert fresh(shared).head.name == "Yusri Amir"
    services.family_move_dwelling(actor=operator, family=fresh(b), reason="built a house")
    assert fresh(shared).head.name == "Hendra Gunawan"
    own = fresh(b).dwelling
    assert own != shared and own.head.name == "Yusri Amir" and own.region_id == KEL_A
    assert own.code.startswith("R-") and b.kk_number not in own.code


def test_moving_a_family_refuses_and_writes_nothing(operator, families):
    a, b = families["a"], families["b"]
    elsewhere = family_with_head("Andi", region=KEL_A2)
    moved = FamilyFactory(region_id=KEL_A, status=codes.FamilyStatus.MOVED)
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.family_move_dwelling(actor=operator, family=a, dwelling=b.dwelling, reason=" ")
    assert "reason" in exc.value.errors
    with pytest.raises(DomainError, match="already lives in dwelling"):
        services.family_move_dwelling(actor=operator, family=a, dwelling=a.dwelling, reason="x")
    with pytest.raises(DomainError, match="already lives alone"):
        services.family_move_dwelling(actor=operator, family=a, reason="x")
    with pytest.raises(DomainError, match="another kelurahan"):
        services.family_move_dwelling(
            actor=operator, family=a, dwelling=elsewhere.dwelling, reason="x"
        )
    with pytest.raises(DomainError, match="not active"):
        services.family_move_dwelling(actor=operator, family=moved, dwelling=b.dwelling, reason="x")
    assert counts() == before
    assert fresh(a).dwelling_id == a.dwelling_id


def test_moving_a_family_is_for_editors_inside_their_area(families):
    a, b = families["a"], families["b"]
    before = counts()
    with pytest.raises(PermissionDeniedError):
        services.family_move_dwelling(
            actor=make_user(Role.PSM), family=a, dwelling=b.dwelling, reason="x"
        )
    outsider = make_user(Role.OPERATOR, scope=KEL_B)
    with pytest.raises(PermissionDeniedError):
        services.family_move_dwelling(actor=outsider, family=a, dwelling=b.dwelling, reason="x")
    assert counts() == before


# --- splitting a family ------------------------------------------------------------------------


@pytest.fixture
def parents():
    """A family with a married son and his wife, living with the parents."""
    family = family_with_head("Bapak Syahrial")
    PersonFactory(family=family, name="Ibu Rosna", relationship=SPOUSE, sex=codes.Sex.FEMALE)
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


def test_a_married_child_splits_off_into_a_new_kk_in_the_same_dwelling(operator, parents):
    family, son, wife = parents
    kk = make_kk(KEL_A)
    new = services.family_split(
        actor=operator,
        family=family,
        kk_number=kk,
        members=[(son, HEAD), (wife, SPOUSE)],
        reason="married, new KK issued",
    )
    new = fresh(new)
    assert (new.kk_number, new.region_id, new.address, new.status) == (
        kk,
        KEL_A,
        family.address,
        codes.FamilyStatus.ACTIVE,
    )
    # the same dwelling, whose head stays the father
    assert new.dwelling_id == family.dwelling_id
    assert fresh(family.dwelling).head.name == "Bapak Syahrial"
    assert [(p.name, p.relationship) for p in new.members.order_by("relationship")] == [
        ("Rudi", HEAD),
        ("Sari", SPOUSE),
    ]
    assert sorted(family.members.values_list("name", flat=True)) == ["Bapak Syahrial", "Ibu Rosna"]
    # the history: each person, the old family and the new one
    [moved] = entries(son, "registry.person.family_moved")
    assert (moved.before["family"], moved.after["family"]) == (family.pk, new.pk)
    assert (moved.before["relationship"], moved.after["relationship"]) == (CHILD, HEAD)
    [split] = entries(family, "registry.family.split")
    assert split.after == {
        "members": sorted(p.pk for p in family.members.all()),
        "new_family": new.pk,
    }
    [formed] = entries(new, "registry.family.split_from")
    assert formed.after["split_from"] == family.pk and formed.reason == "married, new KK issued"


def test_a_split_family_may_take_a_dwelling_of_its_own(operator, parents):
    family, son, wife = parents
    new = services.family_split(
        actor=operator,
        family=family,
        kk_number=make_kk(KEL_A),
        members=[(son, HEAD), (wife, SPOUSE)],
        own_dwelling=True,
        reason="moved out",
    )
    dwelling = fresh(new).dwelling
    assert dwelling != family.dwelling and dwelling.head.name == "Rudi"


def test_a_split_refuses_bad_input_and_writes_nothing(operator, parents):
    family, son, wife = parents
    head = family.members.get(relationship=HEAD)
    other = family_with_head("Tetangga")
    before = counts()
    kk = make_kk(KEL_A)
    cases = [
        ({"kk_number": "123", "members": [(son, HEAD)]}, "kk_number"),
        ({"kk_number": other.kk_number, "members": [(son, HEAD)]}, "kk_number"),
        ({"kk_number": kk, "members": []}, "members"),
        ({"kk_number": kk, "members": [(son, SPOUSE), (wife, SPOUSE)]}, "members"),
        ({"kk_number": kk, "members": [(son, HEAD), (wife, HEAD)]}, "members"),
        ({"kk_number": kk, "members": [(head, HEAD)]}, "members"),
        ({"kk_number": kk, "members": [(other.members.get(), HEAD)]}, "members"),
        ({"kk_number": kk, "members": [(son, 99)]}, "relationship"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.family_split(actor=operator, family=family, reason="x", **kwargs)
        assert field in exc.value.errors, kwargs
    with pytest.raises(ValidationFailed):
        services.family_split(
            actor=operator, family=family, kk_number=kk, members=[(son, HEAD)], reason=""
        )
    assert counts() == before


# --- moving a member between families ----------------------------------------------------------


def test_a_member_moves_to_another_family_with_history(operator, parents, families):
    family, son, _wife = parents
    target = families["a"]
    services.person_move_family(
        actor=operator, person=son, family=target, relationship=CHILD_IN_LAW, reason="married"
    )
    son = fresh(son)
    assert (son.family_id, son.relationship, son.region_id) == (target.pk, CHILD_IN_LAW, KEL_A)
    [entry] = entries(son, "registry.person.family_moved")
    assert (entry.before["family"], entry.after["family"]) == (family.pk, target.pk)
    assert entries(family, "registry.family.member_left")[0].after == {"person": son.pk}
    assert entries(target, "registry.family.member_joined")[0].after == {"person": son.pk}


def test_moving_a_member_refuses_and_writes_nothing(operator, parents, families):
    family, son, _wife = parents
    head = family.members.get(relationship=HEAD)
    target = families["a"]
    alone = families["b"]
    before = counts()
    with pytest.raises(DomainError, match="head of family moves only"):
        services.person_move_family(
            actor=operator, person=head, family=target, relationship=CHILD, reason="x"
        )
    with pytest.raises(DomainError, match="last active member"):
        services.person_move_family(
            actor=operator,
            person=alone.members.get(),
            family=target,
            relationship=CHILD,
            reason="x",
        )
    with pytest.raises(ValidationFailed) as exc:
        services.person_move_family(
            actor=operator, person=son, family=target, relationship=HEAD, reason="x"
        )
    assert "relationship" in exc.value.errors
    with pytest.raises(DomainError, match="already a member"):
        services.person_move_family(
            actor=operator, person=son, family=family, relationship=CHILD, reason="x"
        )
    elsewhere = family_with_head("Andi", region=KEL_A2)
    with pytest.raises(DomainError, match="different kelurahan"):
        services.person_move_family(
            actor=operator, person=son, family=elsewhere, relationship=CHILD, reason="x"
        )
    before = counts()
    outsider = make_user(Role.OPERATOR, scope=KEL_B)
    with pytest.raises(PermissionDeniedError):
        services.person_move_family(
            actor=outsider, person=son, family=target, relationship=CHILD, reason="x"
        )
    assert counts() == before
    assert fresh(son).family_id == family.pk


# --- housing on the dwelling -------------------------------------------------------------------


def test_the_housing_is_changed_on_the_dwelling_with_its_history(operator, families):
    dwelling = families["a"].dwelling
    services.dwelling_update(
        actor=operator,
        dwelling=dwelling,
        expected_version=dwelling.version,
        data={"ownership": codes.Ownership.RENT, "assets": ["televisi"]},
        reason="home visit",
    )
    dwelling = fresh(dwelling)
    assert (dwelling.ownership, dwelling.assets, dwelling.version) == (2, ["televisi"], 2)
    [entry] = entries(dwelling, "registry.dwelling.updated")
    assert entry.before == {"ownership": None, "assets": [], "version": 1}
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        services.dwelling_update(
            actor=operator,
            dwelling=dwelling,
            expected_version=dwelling.version,
            data={"floor_area": 0},
        )
    assert exc.value.errors == {
        "floor_area": ["Floor area (m²): enter a floor area from 1 to 10000 m²."]
    }
    assert counts() == before


# --- pages -------------------------------------------------------------------------------------


def test_the_dwelling_page_shows_its_families_and_members(client, operator, parents, families):
    family, son, wife = parents
    services.family_split(
        actor=operator,
        family=family,
        kk_number=make_kk(KEL_A),
        members=[(son, HEAD), (wife, SPOUSE)],
        reason="married",
    )
    dwelling = fresh(family).dwelling
    masked = next(
        r
        for r in Role
        if Cap.REGISTRY_VIEW in capabilities_for(r)
        and Cap.REGISTRY_VIEW_NIK not in capabilities_for(r)
        and Cap.REGISTRY_EDIT not in capabilities_for(r)
    )
    client.force_login(make_user(masked, language="en"))
    html = client.get(reverse("registry:dwelling_detail", args=[dwelling.pk])).content.decode()
    for name in ("Bapak Syahrial", "Ibu Rosna", "Rudi", "Sari"):
        assert name in html
    assert "Yusri Amir" not in html  # another dwelling
    assert mask_number(family.kk_number) in html and family.kk_number not in html
    assert son.nik not in html and mask_number(son.nik) in html
    assert reverse("registry:dwelling_edit", args=[dwelling.pk]) not in html  # a reader
    # the family page links to its dwelling and lists the family it shares it with
    html = client.get(reverse("registry:family_detail", args=[family.pk])).content.decode()
    assert reverse("registry:dwelling_detail", args=[dwelling.pk]) in html
    assert "Rudi" in html


def test_a_psm_never_sees_a_dwelling_outside_his_area(client):
    outside = family_with_head("Andi", region=KEL_B)
    inside = family_with_head("Budi", region=KEL_A)
    psm = make_user(Role.PSM, scope=KEL_A, language="en")
    client.force_login(psm)
    assert (
        client.get(reverse("registry:dwelling_detail", args=[outside.dwelling_id])).status_code
        == 404
    )
    assert (
        client.get(reverse("registry:dwelling_detail", args=[inside.dwelling_id])).status_code
        == 200
    )
    from padu.registry import selectors

    assert list(selectors.dwellings_visible(user=psm)) == [inside.dwelling]


def test_the_housing_form_saves_and_refuses_with_a_message(client, operator, families):
    dwelling = families["a"].dwelling
    url = reverse("registry:dwelling_edit", args=[dwelling.pk])
    client.force_login(operator)
    response = client.post(url, {"version": 1, "floor_area": "0", "reason": ""})
    assert response.status_code == 200
    assert (
        "Floor area (m²): Ensure this value is greater than or equal to 1."
        in response.content.decode()
    )
    assert fresh(dwelling).version == 1
    response = client.post(url, {"version": 1, "floor_area": "42", "toilet": "1"})
    assert response.status_code == 302
    assert (fresh(dwelling).floor_area, fresh(dwelling).toilet) == (42, 1)
