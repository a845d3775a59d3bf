"""The person's four disability flags and its severity are gone: the disability records
(0013, filled by 0014) hold them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_disability_flags_to_records")]

    operations = [
        migrations.RemoveIndex(
            model_name="person",
            name="person_disabled_region_idx",
        ),
        migrations.RemoveField(
            model_name="person",
            name="disability_intellectual",
        ),
        migrations.RemoveField(
            model_name="person",
            name="disability_mental",
        ),
        migrations.RemoveField(
            model_name="person",
            name="disability_physical",
        ),
        migrations.RemoveField(
            model_name="person",
            name="disability_sensory",
        ),
        migrations.RemoveField(
            model_name="person",
            name="disability_severity",
        ),
    ]
