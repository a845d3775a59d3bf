"""Migration 0014: the person's four disability flags (and severity) become disability records,
one per flag, and back."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import KEL_A

BEFORE = [("registry", "0013_disability_records")]
AFTER = [("registry", "0014_disability_flags_to_records")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_four_flags_become_records(regions):
    apps = _migrate(BEFORE)
    family = apps.get_model("registry", "Family").objects.create(
        kk_number="1371011501200001", region_id=KEL_A
    )
    person = apps.get_model("registry", "Person")
    common = {"family": family, "region_id": KEL_A, "sex": "P", "relationship": 1}
    both = person.objects.create(
        nik="1371015705800001",
        name="Siti",
        name_key="siti",
        birth_date=datetime.date(1980, 5, 17),
        disability_physical=True,
        disability_sensory=True,
        disability_severity="berat",
        **common,
    )
    person.objects.create(
        nik="1371015705800002",
        name="Ani",
        name_key="ani",
        birth_date=datetime.date(1980, 5, 17),
        **common,
    )
    try:
        apps = _migrate(AFTER)
        records = apps.get_model("registry", "PersonDisability").objects.order_by("type")
        assert [
            (r.person_id, r.type, r.severity, r.source, r.ended_on, r.assessed_on) for r in records
        ] == [
            (both.pk, "fisik", "berat", "pendataan", None, both.created_at.date()),
            (both.pk, "sensorik", "berat", "pendataan", None, both.created_at.date()),
        ]
        # And back: the records in force set the flags again.
        records.filter(type="fisik").delete()
        records.update(type="rungu_wicara")
        apps = _migrate(BEFORE)
        back = apps.get_model("registry", "Person").objects.get(pk=both.pk)
        assert (back.disability_sensory, back.disability_physical, back.disability_severity) == (
            True,
            False,
            "berat",
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
