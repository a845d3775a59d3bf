"""The data migration of issue #11 (registry 0013): every family gets a dwelling carrying the
housing attributes it had, families recorded as sharing a household get one dwelling together,
and each dwelling's head is its first family's head."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import KEL_A, make_kk

BEFORE = [("registry", "0017_import_mapping")]
AFTER = [("registry", "0018_dwellings")]


@pytest.mark.django_db(transaction=True)
def test_every_family_gets_a_dwelling_with_its_housing(regions):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        _check_the_migration()
    finally:  # back to the latest schema, whatever happened
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def _check_the_migration():
    executor = MigrationExecutor(connection)
    old = executor.loader.project_state(BEFORE).apps
    Family, Person = old.get_model("registry", "Family"), old.get_model("registry", "Person")
    Household = old.get_model("registry", "Household")
    shared = Household.objects.create(region_id=KEL_A)
    alone = Family.objects.create(
        kk_number=make_kk(KEL_A), region_id=KEL_A, ownership=2, floor_area=36, assets=["ac"]
    )
    first = Family.objects.create(
        kk_number=make_kk(KEL_A), region_id=KEL_A, household=shared, floor_area=70
    )
    second = Family.objects.create(
        kk_number=make_kk(KEL_A), region_id=KEL_A, household=shared, floor_area=20
    )
    heads = {}
    for n, family in enumerate((alone, first, second)):
        heads[family.pk] = Person.objects.create(
            family=family,
            region_id=KEL_A,
            nik=f"13710157058{n:05d}",
            name=f"Kepala {n}",
            name_key="kepala",
            sex="P",
            birth_date="1980-05-17",
            relationship=1,
        ).pk

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Family = new.get_model("registry", "Family")
    Dwelling = new.get_model("registry", "Dwelling")
    dwellings = {f.pk: f.dwelling for f in Family.objects.select_related("dwelling")}
    own = dwellings[alone.pk]
    assert (own.ownership, own.floor_area, own.assets, own.region_id) == (2, 36, ["ac"], KEL_A)
    assert own.head_id == heads[alone.pk] and own.code.startswith("R-")
    assert dwellings[first.pk] == dwellings[second.pk] != own
    assert dwellings[first.pk].floor_area == 70 and dwellings[first.pk].head_id == heads[first.pk]
    assert Dwelling.objects.count() == 2
