"""The family (one KK). Its housing is its dwelling's (`dwelling.DWELLING`), which it may share
with other families."""

import dataclasses
import decimal

from django.utils.translation import gettext_lazy as _

from padu.core.records import Field, Record, RecordCheck, Sensitivity
from padu.core.records.coded import Choice, Counts
from padu.core.records.kinds import Decimal, Digits, Text
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
        "dwelling",
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
