"""The welfare score counts disabilities again, from the disability records: an installation
that already has weights gets the next version, its active weights with those of the new
variables (their defaults, welfare/defaults.py, written out here: a migration does not follow
later changes of the code). A new installation gets them in version 1 on first use."""

from decimal import Decimal

from django.db import migrations
from django.utils.translation import gettext

NEW_WEIGHTS = {
    ("disability.members", ""): Decimal("-2.00"),
    ("disability.severity", "ringan"): Decimal("0.00"),
    ("disability.severity", "sedang"): Decimal("-1.00"),
    ("disability.severity", "berat"): Decimal("-3.00"),
}


def add_version(apps, schema_editor):
    WeightSet = apps.get_model("welfare", "WeightSet")
    Weight = apps.get_model("welfare", "Weight")
    active = WeightSet.objects.filter(is_active=True).first()
    if active is None:
        return
    weights = {(w.variable, w.code): w.value for w in active.weights.all()}
    if all(key in weights for key in NEW_WEIGHTS):
        return
    last = WeightSet.objects.order_by("-version").values_list("version", flat=True).first()
    WeightSet.objects.filter(pk=active.pk).update(is_active=False)
    created = WeightSet.objects.create(
        version=last + 1,
        is_active=True,
        note=gettext("Disabilities from the disability records (default weights added)"),
    )
    Weight.objects.bulk_create(
        Weight(weight_set=created, variable=variable, code=code, value=value)
        for (variable, code), value in {**NEW_WEIGHTS, **weights}.items()
    )


class Migration(migrations.Migration):
    dependencies = [("welfare", "0001_initial")]

    operations = [migrations.RunPython(add_version, migrations.RunPython.noop)]
