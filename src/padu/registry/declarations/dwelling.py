"""The dwelling (rumah tangga): the home one or more families (KK) live in, and what DTSEN asks of
it (DOMAIN.md §6.2, Perumahan and Aset): ownership, floor area, floor, walls, roof, drinking
water, lighting, cooking fuel, toilet, and the assets of the household. Its head (kepala rumah
tangga) is a person of one of its families; each member's relationship stays the one to the head
of his own KK."""

from django.utils.translation import gettext_lazy as _

from padu.core.records import Field, Record, Sensitivity
from padu.core.records.coded import Choice, MultiChoice
from padu.core.records.kinds import Integer, Text

from .. import codes
from .kinds import Village

# The groups of the housing attributes (the dwelling page, its form, a welfare score reading them).
HOUSING_GROUPS = ("housing", "assets")


def _housing(name, label, choices, column, example) -> Field:
    return Field(
        name,
        label,
        Choice(choices),
        column=column,
        example=example,
        group="housing",
        sensitivity=Sensitivity.PERSONAL,
    )


DWELLING = Record(
    "dwelling",
    _("dwelling"),
    fields=(
        Field(
            "code",
            _("Dwelling ID"),
            Text(40),
            column="id_rumah_tangga",
            example="RT-1371011-0042",
            help_text=_(
                "Families with the same dwelling ID live in one dwelling. Empty: a new family "
                "gets a dwelling of its own, a registered family keeps its dwelling."
            ),
            content=_(
                "the dwelling's ID (up to 40 characters); families with the same ID share "
                "the dwelling and its housing columns"
            ),
            group="dwelling",
            model_options={"unique": True},
        ),
        Field(
            "region",
            _("Kelurahan/desa"),
            Village(),
            required=True,
            sensitivity=Sensitivity.PUBLIC,
            model_options={"db_index": False},
        ),
        Field("address", _("Street address"), Text(200)),
        _housing(
            "ownership", _("House ownership"), codes.Ownership, "status_kepemilikan_rumah", "1"
        ),
        Field(
            "floor_area",
            _("Floor area (m²)"),
            Integer(low=1, high=10_000, message=_("enter a floor area from 1 to %(max)d m².")),
            column="luas_lantai",
            example="36",
            group="housing",
        ),
        _housing("floor_material", _("Floor material"), codes.FloorMaterial, "jenis_lantai", "6"),
        _housing("wall_material", _("Wall material"), codes.WallMaterial, "jenis_dinding", "1"),
        _housing("roof_material", _("Roof material"), codes.RoofMaterial, "jenis_atap", "6"),
        _housing(
            "water_source", _("Drinking water source"), codes.WaterSource, "sumber_air_minum", "3"
        ),
        _housing("lighting", _("Lighting"), codes.Lighting, "sumber_penerangan", "1"),
        _housing("cooking_fuel", _("Cooking fuel"), codes.CookingFuel, "bahan_bakar_memasak", "3"),
        _housing("toilet", _("Toilet facility"), codes.Toilet, "fasilitas_bab", "1"),
        Field(
            "assets",
            _("Assets of the household"),
            MultiChoice(codes=codes.Asset, message=_("unknown asset code(s): %(codes)s.")),
            column="aset",
            example="televisi;sepeda_motor",
            group="assets",
        ),
        Field("note", _("Note"), Text(2000, long=True)),
    ),
    system=(
        "id",
        "head",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "version",
        "last_import",
        "created_import",
    ),
)

# The fields a dwelling's form and the API change (its ID, kelurahan and address follow its
# families).
HOUSING_FIELDS = tuple(f.name for f in DWELLING.fields if f.group in HOUSING_GROUPS)
