"""The PPKS category pages: who may open them, the scoped counts, create, rename, retire."""

import pytest
from django.urls import reverse

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.registry import codes
from padu.registry.models import PPKSCategory
from tests.factories import KEC_A, KEL_A, KEL_B, FamilyFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db

LIST = reverse("registry:ppks_list")
CREATE = reverse("registry:ppks_create")


def login(client, role=Role.ADMIN, scope=None):
    user = make_user(role, scope=scope, language="en")
    client.force_login(user)
    return user


def with_category(person, code):
    person.ppks.add(PPKSCategory.objects.get(code=code))
    return person


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.PSM, Role.PIMPINAN, Role.MITRA])
def test_only_reference_managers_may_open_the_pages(client, role):
    login(client, role)
    category = PPKSCategory.objects.get(code=1)
    for url in (LIST, CREATE, reverse("registry:ppks_edit", args=[category.pk])):
        assert client.get(url).status_code == 403
    assert client.post(CREATE, {"code": "40", "name": "X"}).status_code == 403
    assert (
        client.post(
            reverse("registry:ppks_status", args=[category.pk]), {"active": "0", "reason": "x"}
        ).status_code
        == 403
    )
    assert PPKSCategory.objects.count() == 26
    assert PPKSCategory.objects.get(code=1).is_active


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def test_the_list_counts_active_people_inside_the_admins_area(client):
    fam_a, fam_b = FamilyFactory(region_id=KEL_A), FamilyFactory(region_id=KEL_B)
    with_category(PersonFactory(family=fam_a), 24)
    with_category(PersonFactory(family=fam_a, relationship=codes.Relationship.CHILD), 24)
    with_category(
        PersonFactory(
            family=fam_a,
            relationship=codes.Relationship.CHILD,
            life_status=codes.LifeStatus.DECEASED,
        ),
        24,
    )
    with_category(PersonFactory(family=fam_b), 24)
    login(client, Role.ADMIN, scope=KEC_A)
    page = text(client.get(LIST))
    row = page[page.index("Fakir Miskin") :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">2</td>' in row
    assert "26 categories in use" in page


def test_create_a_category(client):
    admin = login(client)
    page = text(client.get(CREATE))
    assert 'name="code" value="27"' in page  # the next free code is suggested
    response = client.post(
        CREATE, {"code": "27", "name": "ODGJ Terlantar", "source": "Dinsos Padang 2025"}
    )
    assert response.status_code == 302 and response["Location"] == LIST
    category = PPKSCategory.objects.get(code=27)
    assert (category.name, category.source, category.is_active) == (
        "ODGJ Terlantar",
        "Dinsos Padang 2025",
        True,
    )
    assert AuditEntry.objects.get(action="registry.ppks.created").actor == admin


def test_a_duplicate_is_refused_with_the_field_named(client):
    login(client)
    response = client.post(CREATE, {"code": "24", "name": "Pengemis"})
    page = text(response)
    assert response.status_code == 200
    assert '<a href="#id_code">Code: 24 is already used by another category.</a>' in page
    assert '<a href="#id_name">Name: another category already has this name.</a>' in page
    assert PPKSCategory.objects.count() == 26


def test_rename_keeps_the_code(client):
    login(client)
    category = PPKSCategory.objects.get(code=13)
    url = reverse("registry:ppks_edit", args=[category.pk])
    assert 'name="code"' not in text(client.get(url))
    response = client.post(
        url,
        {"name": "Pemulung (pengumpul barang bekas)", "source": "Permensos 08/2012", "code": "99"},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.code, category.name) == (13, "Pemulung (pengumpul barang bekas)")


def test_retire_needs_a_reason_and_can_be_undone(client):
    login(client)
    category = PPKSCategory.objects.get(code=10)
    url = reverse("registry:ppks_status", args=[category.pk])
    response = client.post(url, {"active": "0", "reason": ""})
    assert response.status_code == 400
    assert "Reason: say why the category is no longer used." in text(response)
    category.refresh_from_db()
    assert category.is_active
    assert (
        client.post(url, {"active": "0", "reason": "renamed in the 2025 list"}).status_code == 302
    )
    category.refresh_from_db()
    assert not category.is_active
    assert "No longer used" in text(client.get(LIST))
    assert client.post(url, {"active": "1", "reason": ""}).status_code == 302
    category.refresh_from_db()
    assert category.is_active
    assert list(
        AuditEntry.objects.filter(object_type="registry.ppkscategory", object_id=str(category.pk))
        .values_list("action", "reason")
        .order_by("id")
    ) == [
        ("registry.ppks.deactivated", "renamed in the 2025 list"),
        ("registry.ppks.reactivated", ""),
    ]
