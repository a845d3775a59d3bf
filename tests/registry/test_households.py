"""Families sharing a dwelling (rumah tangga): the services that link and unlink them, with audit
and area checks, and the form on the family page."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.core.errors import DomainError, PermissionDeniedError
from padu.core.models import AuditEntry
from padu.registry import codes, services
from padu.registry.masks import mask_number
from padu.registry.models import Family, Household
from tests.factories import KEL_A, KEL_A2, KEL_B, FamilyFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def operator():
    return make_user(Role.OPERATOR, language="en")


@pytest.fixture
def families():
    made = {}
    for key, name in (("a", "Hendra Gunawan"), ("b", "Yusri Amir"), ("c", "Nofri Yanti")):
        made[key] = FamilyFactory(region_id=KEL_A, address=f"Jl. Sawahan {len(made) + 1}")
        PersonFactory(family=made[key], name=name)
    return made


def fresh(family) -> Family:
    return Family.objects.unscoped().get(pk=family.pk)


def household_entries(family) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action="registry.family.household_changed", object_id=str(family.pk)
        ).order_by("id")
    )


# --- services --------------------------------------------------------------------------------


def test_the_first_link_makes_a_household_and_audits_both_families(operator, families):
    a, b = families["a"], families["b"]
    household = services.family_share_household(
        actor=operator, family=a, other=b, reason="home visit"
    )
    assert (household.region_id, household.address) == (KEL_A, b.address)
    assert fresh(a).household_id == fresh(b).household_id == household.pk
    assert (fresh(a).version, fresh(b).version) == (a.version + 1, b.version + 1)
    for family in (a, b):
        [entry] = household_entries(family)
        assert entry.actor == operator
        assert entry.region_code == KEL_A
        assert entry.reason == "home visit"
        assert entry.before["household"] is None
        assert entry.after["household"] == household.pk


def test_a_third_family_joins_the_existing_household(operator, families):
    a, b, c = families["a"], families["b"], families["c"]
    household = services.family_share_household(actor=operator, family=a, other=b)
    assert services.family_share_household(actor=operator, family=c, other=a) == household
    assert set(
        Family.objects.unscoped().filter(household=household).values_list("pk", flat=True)
    ) == {
        a.pk,
        b.pk,
        c.pk,
    }
    assert Household.objects.unscoped().count() == 1


def test_leaving_dissolves_a_household_of_one(operator, families):
    a, b, c = families["a"], families["b"], families["c"]
    household = services.family_share_household(actor=operator, family=a, other=b)
    services.family_share_household(actor=operator, family=c, other=a)
    services.family_leave_household(actor=operator, family=fresh(c), reason="moved out")
    assert fresh(c).household_id is None
    assert fresh(a).household_id == fresh(b).household_id is not None
    services.family_leave_household(actor=operator, family=fresh(a))
    # b alone is no longer sharing a dwelling: unlinked too, and audited.
    assert fresh(b).household_id is None
    assert [e.after["household"] for e in household_entries(b)] == [household.pk, None]


def test_moving_to_another_household_leaves_the_former_one(operator, families):
    a, b, c = families["a"], families["b"], families["c"]
    services.family_share_household(actor=operator, family=a, other=b)
    services.family_share_household(actor=operator, family=fresh(a), other=c)
    assert fresh(a).household_id == fresh(c).household_id is not None
    assert fresh(b).household_id is None  # left alone, so no longer shared


def test_refusals(operator, families):
    a, b = families["a"], families["b"]
    with pytest.raises(DomainError, match="itself"):
        services.family_share_household(actor=operator, family=a, other=a)
    elsewhere = FamilyFactory(region_id=KEL_A2)
    with pytest.raises(DomainError, match="different kelurahan"):
        services.family_share_household(actor=operator, family=a, other=elsewhere)
    moved = FamilyFactory(region_id=KEL_A, status=codes.FamilyStatus.MOVED)
    with pytest.raises(DomainError, match="not active"):
        services.family_share_household(actor=operator, family=a, other=moved)
    with pytest.raises(DomainError, match="not recorded"):
        services.family_leave_household(actor=operator, family=a)
    services.family_share_household(actor=operator, family=a, other=b)
    with pytest.raises(DomainError, match="already"):
        services.family_share_household(actor=operator, family=fresh(b), other=fresh(a))
    assert Household.objects.unscoped().count() == 1


def test_only_editors_inside_their_area(families):
    a, b = families["a"], families["b"]
    with pytest.raises(PermissionDeniedError):
        services.family_share_household(actor=make_user(Role.PSM), family=a, other=b)
    outsider = make_user(Role.OPERATOR, scope=KEL_B)
    with pytest.raises(PermissionDeniedError):
        services.family_share_household(actor=outsider, family=a, other=b)
    with pytest.raises(PermissionDeniedError):
        services.family_leave_household(actor=outsider, family=a)
    assert not Household.objects.unscoped().exists()
    assert not household_entries(a) and not household_entries(b)


# --- the family page -------------------------------------------------------------------------


def url(family) -> str:
    return reverse("registry:family_household", args=[family.pk])


def page(family) -> str:
    return reverse("registry:family_detail", args=[family.pk])


def message_of(response) -> str:
    """The message the answer leaves for the family page (the last one queued)."""
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_the_family_page_lists_the_other_families_of_the_dwelling(client, operator, families):
    a, b = families["a"], families["b"]
    household = services.family_share_household(actor=operator, family=a, other=b)
    client.force_login(operator)
    html = client.get(page(a)).content.decode()
    # the history says what changed: from no dwelling to this one
    assert "Shared dwelling changed" in html
    assert f"dwelling no. {household.pk}" in html
    assert f'href="{page(b)}"' in html
    assert mask_number(b.kk_number) in html and b.kk_number not in html
    assert "Yusri Amir" in html
    assert f'action="{url(a)}"' in html


def test_share_by_a_members_nik_then_leave(client, operator, families):
    a, b = families["a"], families["b"]
    client.force_login(operator)
    nik = b.members.get().nik
    response = client.post(url(a), {"action": "share", "number": nik, "reason": "home visit"})
    assert response.status_code == 302
    assert response["Location"] == page(a) + "#household"
    assert fresh(a).household_id == fresh(b).household_id is not None
    assert household_entries(a)[0].reason == "home visit"
    response = client.post(url(a), {"action": "leave"})
    assert fresh(a).household_id is None
    assert message_of(response) == "This family no longer shares a dwelling."


def test_a_family_outside_the_area_is_not_found(client, families):
    a = families["a"]
    kelurahan_operator = make_user(Role.OPERATOR, scope=KEL_A, language="en")
    elsewhere = FamilyFactory(region_id=KEL_B)
    client.force_login(kelurahan_operator)
    response = client.post(url(a), {"action": "share", "number": elsewhere.kk_number})
    assert response.status_code == 302
    assert fresh(a).household_id is None
    assert message_of(response).startswith("No family with KK number or member NIK")


def test_an_empty_number_and_a_refusal_come_back_as_messages(client, operator, families):
    a = families["a"]
    client.force_login(operator)
    response = client.post(url(a), {"action": "share", "number": ""})
    assert message_of(response) == "Enter the KK number or a member's NIK."
    response = client.post(url(a), {"action": "share", "number": a.kk_number})
    assert message_of(response) == "A family cannot share a dwelling with itself."
    assert not household_entries(a)


def test_readers_see_no_form_and_may_not_post(client, operator, families):
    a, b = families["a"], families["b"]
    services.family_share_household(actor=operator, family=a, other=b)
    client.force_login(make_user(Role.PSM))
    html = client.get(page(a)).content.decode()
    assert "Yusri Amir" in html
    assert f'action="{url(a)}"' not in html
    assert client.post(url(a), {"action": "leave"}).status_code == 403
    assert fresh(a).household_id is not None
