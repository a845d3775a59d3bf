# ruff: noqa: S608 -- the SQL is built from the constants below.
"""The four disability flags of a person (and its severity) become disability records, one per
flag: the sensory flag gives `sensorik` (its sub-type was never recorded). The assessment's date
is the day the person was registered, its source the import or the registry's data collection,
its recorder whoever last changed the person. Set-based: one INSERT per flag. Backwards, the
flags are set again from the records in force (a sensory sub-type sets the sensory flag)."""

from django.db import migrations

FLAGS = {
    "disability_physical": ("fisik",),
    "disability_intellectual": ("intelektual",),
    "disability_mental": ("mental",),
    "disability_sensory": ("sensorik", "netra", "rungu", "wicara", "rungu_wicara"),
}


def flags_to_records(apps, schema_editor):
    day = (
        "CAST(p.created_at AS date)"
        if schema_editor.connection.vendor == "postgresql"
        else ("date(p.created_at)")
    )
    with schema_editor.connection.cursor() as cursor:
        for flag, types in FLAGS.items():
            cursor.execute(
                "INSERT INTO registry_persondisability (person_id, type, severity, assessed_on, "
                "source, note, ended_on, end_reason, created_at, updated_at, created_by_id, "
                "updated_by_id, version, created_import_id) "
                f"SELECT p.id, %s, p.disability_severity, {day}, CASE WHEN p.created_import_id "
                "IS NULL THEN 'pendataan' ELSE 'impor' END, '', NULL, '', p.created_at, "
                "p.updated_at, p.updated_by_id, p.updated_by_id, 1, p.created_import_id "
                f"FROM registry_person p WHERE p.{flag}",
                [types[0]],
            )


def records_to_flags(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for flag, types in FLAGS.items():
            marks = ", ".join(["%s"] * len(types))
            cursor.execute(
                f"UPDATE registry_person SET {flag} = (id IN (SELECT d.person_id FROM "
                "registry_persondisability d WHERE d.ended_on IS NULL "
                f"AND d.type IN ({marks})))",
                list(types),
            )
        cursor.execute(
            "UPDATE registry_person SET disability_severity = (SELECT MAX(d.severity) FROM "
            "registry_persondisability d WHERE d.person_id = registry_person.id AND "
            "d.ended_on IS NULL) WHERE id IN (SELECT person_id FROM registry_persondisability "
            "WHERE ended_on IS NULL)"
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0013_disability_records")]

    operations = [migrations.RunPython(flags_to_records, records_to_flags, elidable=False)]
