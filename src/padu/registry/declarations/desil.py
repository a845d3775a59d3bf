"""The desil entry: each desil a family was given, by period (DTSEN re-ranks every quarter), and
where it came from. The family's current desil and its period are the same fields (family.py
reuses them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.core.records import Field, Record, Sensitivity
from padu.core.records.coded import Choice
from padu.core.records.kinds import Date, Integer, Text


class DesilSource(models.TextChoices):
    """Where a desil entry came from (DOMAIN.md §1.5: BPS ranks, Dinsos forwards muskel
    proposals and receives the results)."""

    IMPORT = "impor", _("DTSEN import")
    MUSKEL = "muskel", _("Muskel decision")
    CORRECTION = "koreksi", _("Correction")
    # Given with the family's record when it was registered or changed (a form, the API).
    ENTERED = "entri", _("Entered with the family record")


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
# A ranking is released on its period's date: a date after today is a typing error.
PERIOD = Field(
    "period",
    _("Desil period"),
    Date(past=True),
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
        Field(
            "kind",
            _("Source"),
            Choice(codes=DesilSource),
            readonly=True,
            default=DesilSource.ENTERED,
            sensitivity=Sensitivity.PUBLIC,
        ),
        # The reference of the source: `import:<id>` for an import, the decision's reference
        # (a berita acara) for a muskel decision, what a client named for an entry.
        Field("source", _("Reference"), Text(80), readonly=True, sensitivity=Sensitivity.PUBLIC),
        Field("reason", _("Reason"), Text(500), readonly=True, sensitivity=Sensitivity.PERSONAL),
    ),
    system=("id", "family", "import_batch", "recorded_at", "recorded_by"),
)
