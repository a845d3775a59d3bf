"""Dwellings (rumah tangga), issue #11: the housing attributes move from the family to its
dwelling. Every family gets a dwelling carrying the housing attributes it had; families that were
recorded as sharing a dwelling (the former `Household`) get one dwelling together, with the
attributes of the family registered first. A dwelling gets a random ID (R-XXXXXXXXXX), and its
head is that family's head. The former households are then dropped."""

import secrets

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


HOUSING = (
    "ownership",
    "floor_area",
    "floor_material",
    "wall_material",
    "roof_material",
    "water_source",
    "lighting",
    "cooking_fuel",
    "toilet",
    "assets",
)
CHUNK = 2000


def give_dwellings(apps, schema_editor):
    Family = apps.get_model("registry", "Family")
    Dwelling = apps.get_model("registry", "Dwelling")
    Person = apps.get_model("registry", "Person")
    shared: dict[int, int] = {}  # former household id -> its dwelling id
    last = 0
    while True:
        families = list(
            Family.objects.filter(pk__gt=last)
            .order_by("pk")[:CHUNK]
            .values("pk", "region_id", "address", "household_id", *HOUSING)
        )
        if not families:
            break
        last = families[-1]["pk"]
        heads = {}
        for family_id, person_id in (
            Person.objects.filter(
                family_id__in=[f["pk"] for f in families], relationship=1, life_status="aktif"
            )
            .order_by("-pk")
            .values_list("family_id", "pk")
        ):
            heads[family_id] = person_id
        new, seen = [], set(shared)
        for f in families:
            if f["household_id"] is None or f["household_id"] not in seen:
                new.append(f)
                seen.add(f["household_id"])
        codes = {f["pk"]: f"R-{secrets.token_hex(5).upper()}" for f in new}
        made = Dwelling.objects.bulk_create(
            [
                Dwelling(
                    code=codes[f["pk"]],
                    region_id=f["region_id"],
                    address=f["address"],
                    head_id=heads.get(f["pk"]),
                    **{k: f[k] for k in HOUSING},
                )
                for f in new
            ]
        )
        if made and made[0].pk is None:  # a database that returns no ids
            ids = dict(
                Dwelling.objects.filter(code__in=list(codes.values())).values_list("code", "pk")
            )
        else:
            ids = {d.code: d.pk for d in made}
        for f in new:
            if f["household_id"] is not None:
                shared[f["household_id"]] = ids[codes[f["pk"]]]
        updates = []
        for f in families:
            dwelling_id = (
                ids[codes[f["pk"]]] if f["household_id"] is None else shared[f["household_id"]]
            )
            updates.append(Family(pk=f["pk"], dwelling_id=dwelling_id))
        Family.objects.bulk_update(updates, ["dwelling_id"])


def back(apps, schema_editor):
    """Housing attributes return to the families (which families shared a dwelling is lost)."""
    Family = apps.get_model("registry", "Family")
    Dwelling = apps.get_model("registry", "Dwelling")
    for dwelling in Dwelling.objects.all().iterator():
        Family.objects.filter(dwelling_id=dwelling.pk).update(
            dwelling_id=None, **{k: getattr(dwelling, k) for k in HOUSING}
        )
    Dwelling.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("registry", "0017_import_mapping"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Dwelling",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("version", models.PositiveIntegerField(default=1, verbose_name="version")),
                (
                    "code",
                    models.CharField(
                        blank=True, max_length=40, null=True, verbose_name="Dwelling ID"
                    ),
                ),
                (
                    "address",
                    models.CharField(blank=True, max_length=200, verbose_name="Street address"),
                ),
                (
                    "ownership",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[
                            (1, "Own"),
                            (2, "Rented/leased"),
                            (3, "Rent-free"),
                            (4, "Official housing"),
                            (5, "Other"),
                        ],
                        null=True,
                        verbose_name="House ownership",
                    ),
                ),
                (
                    "floor_area",
                    models.PositiveIntegerField(
                        blank=True, null=True, verbose_name="Floor area (m²)"
                    ),
                ),
                (
                    "floor_material",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[
                            (1, "Marble/granite"),
                            (2, "Ceramic"),
                            (3, "Parquet/vinyl/carpet"),
                            (4, "Tile/terrazzo"),
                            (5, "High-quality wood/board"),
                            (6, "Cement/red brick"),
                            (7, "Bamboo"),
                            (8, "Low-quality wood/board"),
                            (9, "Earth"),
                            (10, "Other"),
                        ],
                        null=True,
                        verbose_name="Floor material",
                    ),
                ),
                (
                    "wall_material",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[
                            (1, "Masonry"),
                            (2, "Plastered woven bamboo/wire"),
                            (3, "Wood"),
                            (4, "Woven bamboo"),
                            (5, "Logs"),
                            (6, "Bamboo"),
                            (7, "Other"),
                        ],
                        null=True,
                        verbose_name="Wall material",
                    ),
                ),
                (
                    "roof_material",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[
                            (1, "Concrete/concrete tile"),
                            (2, "Ceramic tile"),
                            (3, "Metal tile"),
                            (4, "Clay tile"),
                            (5, "Asbestos"),
                            (6, "Zinc sheet"),
                            (7, "Wooden shingle"),
                            (8, "Bamboo"),
                            (9, "Straw/palm fibre/leaves"),
                            (10, "Other"),
                        ],
                        null=True,
                        verbose_name="Roof material",
                    ),
                ),
                (
                    "water_source",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[
                            (1, "Branded bottled water"),
                            (2, "Refill water"),
                            (3, "Metered piped water"),
                            (4, "Retail piped water"),
                            (5, "Borehole/pump"),
                            (6, "Protected well"),
                            (7, "Unprotected well"),
                            (8, "Protected spring"),
                            (9, "Unprotected spring"),
                            (10, "River/lake/reservoir"),
                            (11, "Rainwater"),
                            (12, "Other"),
                        ],
                        null=True,
                        verbose_name="Drinking water source",
                    ),
                ),
                (
                    "lighting",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[
                            (1, "PLN electricity"),
                            (2, "Non-PLN electricity"),
                            (3, "No electricity"),
                        ],
                        null=True,
                        verbose_name="Lighting",
                    ),
                ),
                (
                    "cooking_fuel",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[
                            (1, "Electricity"),
                            (2, "Gas over 3 kg"),
                            (3, "3 kg gas"),
                            (4, "Town gas/biogas"),
                            (5, "Kerosene"),
                            (6, "Briquettes"),
                            (7, "Charcoal"),
                            (8, "Firewood"),
                            (9, "Does not cook at home"),
                        ],
                        null=True,
                        verbose_name="Cooking fuel",
                    ),
                ),
                (
                    "toilet",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        choices=[(1, "Own"), (2, "Shared"), (3, "Public"), (4, "None")],
                        null=True,
                        verbose_name="Toilet facility",
                    ),
                ),
                (
                    "assets",
                    models.JSONField(
                        blank=True, default=list, verbose_name="Assets of the household"
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="Note")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "created_import",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="registry.importbatch",
                        verbose_name="registered by import",
                    ),
                ),
                (
                    "head",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="registry.person",
                        verbose_name="head of household",
                    ),
                ),
                (
                    "last_import",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="registry.importbatch",
                        verbose_name="last import",
                    ),
                ),
                (
                    "region",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.region",
                        verbose_name="Kelurahan/desa",
                    ),
                ),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="updated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "dwelling",
                "verbose_name_plural": "dwellings",
                "ordering": ["region_id", "code"],
            },
        ),
        migrations.AddField(
            model_name="family",
            name="dwelling",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="families",
                to="registry.dwelling",
                verbose_name="dwelling",
            ),
        ),
        migrations.RunPython(give_dwellings, back, elidable=False),
        migrations.AlterField(
            model_name="dwelling",
            name="code",
            field=models.CharField(
                blank=True, max_length=40, unique=True, verbose_name="Dwelling ID"
            ),
        ),
        migrations.RemoveField(
            model_name="family",
            name="household",
        ),
        migrations.RemoveField(
            model_name="family",
            name="assets",
        ),
        migrations.RemoveField(
            model_name="family",
            name="cooking_fuel",
        ),
        migrations.RemoveField(
            model_name="family",
            name="floor_area",
        ),
        migrations.RemoveField(
            model_name="family",
            name="floor_material",
        ),
        migrations.RemoveField(
            model_name="family",
            name="lighting",
        ),
        migrations.RemoveField(
            model_name="family",
            name="ownership",
        ),
        migrations.RemoveField(
            model_name="family",
            name="roof_material",
        ),
        migrations.RemoveField(
            model_name="family",
            name="toilet",
        ),
        migrations.RemoveField(
            model_name="family",
            name="wall_material",
        ),
        migrations.RemoveField(
            model_name="family",
            name="water_source",
        ),
        migrations.DeleteModel(
            name="Household",
        ),
        migrations.AddIndex(
            model_name="dwelling",
            index=models.Index(
                fields=["region"],
                name="dwelling_region_prefix_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ),
    ]
