"""The desil entry: each desil a family was given, by period (DTSEN re-ranks every quarter). The
family's current desil and its period are the same fields (family.py reuses them)."""

from django.utils.translation import gettext_lazy as _

from padu.core.records import Field, Record, Sensitivity
from padu.core.records.kinds import Date, Integer, Text

DESIL = Field(
    "desil",
    _("DTSEN desil"),
    Integer(
        low=1, high=10, message=_("enter a desil from 1 to 10, or leave it empty."), size="small"
    ),
    column="desil",
    example="2",
    content=_("1–10, empty when not ranked yet"),
    sensitivity=Sensitivity.PERSONAL,
)
PERIOD = Field(
    "period",
    _("Desil period"),
    Date(),
    example="2025-07-20",
    content=_("release date of the desil, `YYYY-MM-DD`"),
    sensitivity=Sensitivity.PUBLIC,
)

DESIL_ENTRY = Record(
    "desil_entry",
    _("desil record"),
    fields=(
        DESIL,
        PERIOD,
        Field("source", _("Source"), Text(80), readonly=True, sensitivity=Sensitivity.PUBLIC),
    ),
    system=("id", "family", "recorded_at", "recorded_by"),
)
