"""The family (one KK) and the dwelling (rumah tangga) it may share with other families."""

import dataclasses
import decimal

from django.utils.translation import gettext_lazy as _

from padu.core.records import Field, Record, RecordCheck, Sensitivity
from padu.core.records.coded import Choice, Counts, MultiChoice
from padu.core.records.kinds import Decimal, Digits, Integer, Text
from padu.core.records.problems import Problem

from .. import codes
from ..identifiers import identifier_checks
from .desil import DESIL, PERIOD
from .kinds import Identifier, Village

PERSONAL, PUBLIC, IDENTIFIER = (
    Sensitivity.PERSONAL,
    Sensitivity.PUBLIC,
    Sensitivity.IDENTIFIER,
)
# A box around Indonesia (Sabang–Merauke, Rote–Miangas) with a little margin.
LATITUDE = (decimal.Decimal("-11.5"), decimal.Decimal("6.5"))
LONGITUDE = (decimal.Decimal("94.5"), decimal.Decimal("141.5"))


def _housing(name, label, choices, column, example) -> Field:
    return Field(
        name,
        label,
        Choice(choices),
        column=column,
        example=example,
        group="housing",
        sensitivity=PERSONAL,
    )


PAIR = Problem(code="pair", message=_("give both latitude and longitude, or neither."))

FAMILY = Record(
    "family",
    _("family"),
    fields=(
        Field(
            "kk_number",
            _("KK number"),
            Identifier(field="kk_number"),
            required=True,
            column="no_kk",
            example="1371011501200001",
            help_text=_("16 digits, as on the family card (Kartu Keluarga)."),
            content=_("16 digits; the first six are the issuing kecamatan's code"),
            sensitivity=IDENTIFIER,
            group="address",
            model_options={"unique": True},
            synonyms=("NO KK", "NOKK", "NOMOR KK", "NO KARTU KELUARGA", "NOMOR KARTU KELUARGA"),
        ),
        Field(
            "region",
            _("Kelurahan/desa"),
            Village(),
            required=True,
            required_message=_("choose the kelurahan or desa."),
            column="kode_wilayah",
            example="13.71.01.1001",
            sensitivity=PUBLIC,
            group="address",
            api_name="kelurahan",
            synonyms=("KODE WILAYAH", "KODE DESA", "KODE KELURAHAN", "KODE DESA/KELURAHAN"),
            # Indexed by family_region_prefix_idx alone (equality and prefix), as Person.region.
            model_options={"db_index": False},
        ),
        Field(
            "rw",
            _("RW"),
            Digits(3),
            column="rw",
            example="001",
            group="address",
            synonyms=("NO RW",),
        ),
        Field(
            "rt",
            _("RT"),
            Digits(3),
            column="rt",
            example="002",
            group="address",
            synonyms=("NO RT",),
        ),
        Field(
            "address",
            _("Street address"),
            Text(200),
            column="alamat",
            example="Jl. Sawahan No. 5",
            group="address",
            synonyms=("ALAMAT RUMAH", "ALAMAT LENGKAP", "JALAN"),
        ),
        Field(
            "latitude",
            _("Latitude"),
            Decimal(
                *LATITUDE, message=_("%(value)s lies outside Indonesia (between -11.5 and 6.5).")
            ),
            column="lintang",
            example="-0.9471",
            help_text=_("Optional, in decimal degrees, e.g. -0.947100."),
            group="address",
        ),
        Field(
            "longitude",
            _("Longitude"),
            Decimal(
                *LONGITUDE,
                message=_("%(value)s lies outside Indonesia (between 94.5 and 141.5)."),
            ),
            column="bujur",
            example="100.4172",
            help_text=_("Optional, e.g. 100.417200."),
            group="address",
        ),
        dataclasses.replace(DESIL, group="desil"),
        dataclasses.replace(PERIOD, name="desil_period", column="periode_desil", group="desil"),
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
            _("Assets the family owns"),
            MultiChoice(codes=codes.Asset, message=_("unknown asset code(s): %(codes)s.")),
            column="aset",
            example="televisi;sepeda_motor",
            group="assets",
        ),
        Field(
            "livestock",
            _("Livestock"),
            Counts(
                codes=codes.Livestock,
                malformed=_("give the number of animals of each kind."),
                unknown=_("unknown kind of livestock: %(code)s."),
                too_many=_("enter a number of animals from 0 to %(max)d."),
            ),
            column="ternak",
            example="kambing:3",
            group="livestock",
        ),
        Field(
            "welfare_score",
            _("Local welfare score"),
            Decimal(decimal.Decimal(0), decimal.Decimal(100), digits=5, places=2),
            column="skor_kesejahteraan",
            readonly=True,
        ),
        Field(
            "status",
            _("Status"),
            Choice(codes.FamilyStatus, length=20),
            column="status_keluarga",
            readonly=True,
            default=codes.FamilyStatus.ACTIVE,
            sensitivity=PUBLIC,
        ),
    ),
    checks=(
        *identifier_checks("kk_number"),
        RecordCheck(
            problem=PAIR,
            field="latitude",
            fields=("latitude", "longitude"),
            test=lambda v, _ctx: v.get("latitude") is None and v.get("longitude") is not None,
            test_expr=lambda c, _ctx: c["latitude"].is_null() & c["longitude"].is_not_null(),
        ),
        RecordCheck(
            problem=PAIR,
            field="longitude",
            fields=("latitude", "longitude"),
            test=lambda v, _ctx: v.get("longitude") is None and v.get("latitude") is not None,
            test_expr=lambda c, _ctx: c["longitude"].is_null() & c["latitude"].is_not_null(),
        ),
    ),
    system=(
        "id",
        "household",
        "status_changed_at",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
        "version",
        "last_import",
        "created_import",
    ),
)

# The dwelling: issue #11 moves the housing attributes here.
HOUSEHOLD = Record(
    "household",
    _("household"),
    fields=(
        Field("region", _("Kelurahan/desa"), Village(), required=True, sensitivity=PUBLIC),
        Field("address", _("Street address"), Text(200)),
        Field("note", _("Note"), Text(2000, long=True)),
    ),
    system=("id", "created_at", "updated_at", "created_by", "updated_by", "version"),
)
