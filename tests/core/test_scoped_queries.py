"""Queries of people's data fail closed: evaluated without a scope they raise, whatever reads
them (a loop, count, exists, an aggregate, an update, iterator)."""

import pytest
from django.db.models import Count

from padu.accounts.capabilities import Role
from padu.core.scoping import UnscopedQueryError
from padu.registry.models import DesilRecord, Dwelling, Family, Person
from tests.factories import KEL_A, KEL_B, FamilyFactory, PersonFactory, make_user

pytestmark = pytest.mark.django_db

READS = {
    "list": lambda qs: list(qs),
    "count": lambda qs: qs.count(),
    "exists": lambda qs: qs.exists(),
    "first": lambda qs: qs.first(),
    "get": lambda qs: qs.get(pk=1),
    "aggregate": lambda qs: qs.aggregate(n=Count("pk")),
    "iterator": lambda qs: list(qs.iterator()),
    "values": lambda qs: list(qs.values_list("pk", flat=True)),
    "update": lambda qs: qs.update(version=9),
    "bool": lambda qs: bool(qs),
}


@pytest.mark.parametrize("model", [Family, Person, Dwelling, DesilRecord])
@pytest.mark.parametrize("read", list(READS))
def test_an_unscoped_query_raises(model, read):
    with pytest.raises(UnscopedQueryError):
        READS[read](model.objects.filter(pk__gte=0))


def test_a_scoped_query_keeps_the_users_area_and_an_empty_one_needs_no_scope():
    PersonFactory(family=FamilyFactory(region_id=KEL_A), name="Ani")
    PersonFactory(family=FamilyFactory(region_id=KEL_B), name="Budi")
    psm = make_user(Role.PSM, scope=KEL_A)
    assert [p.name for p in Person.objects.scoped(psm)] == ["Ani"]
    assert Person.objects.scoped(psm).filter(name="Budi").count() == 0
    assert list(Person.objects.none()) == []
    assert Person.objects.unscoped().count() == 2  # a system job says so


def test_a_related_manager_is_bounded_by_its_parent():
    family = FamilyFactory(region_id=KEL_A)
    PersonFactory(family=family)
    assert family.members.count() == 1
    assert list(family.desil_history.all()) == []
