"""What moves a candidate from the targeting's list to the program: the field check that verifies
him (by a PSM or TKSK), and the beneficiary decree (SK) that approves the verified, each with the
amount he is granted. A decree names the finalised data period it was based on; its PDF is
decree.py. The amounts granted are the budget the program has used (services/budget.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from padu.core.models import BaseModel
from padu.core.scoping import ScopedManager

from ..benefit_codes import DecreeState


class FieldCheck(BaseModel):
    """A visit to a candidate: whether he was found, still meets the program's conditions and is
    willing to take part. All three yes verifies him; any no rejects him (with the note)."""

    candidate = models.ForeignKey(
        "programs.Candidate",
        verbose_name=_("candidate"),
        on_delete=models.CASCADE,
        related_name="field_checks",
    )
    # The candidate's kelurahan, so that the checks are scoped like the candidates.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("kelurahan"), on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField(_("checked on"))
    found = models.BooleanField(_("found at the address"))
    conditions_met = models.BooleanField(_("meets the program's conditions"))
    willing = models.BooleanField(_("willing to take part"))
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("field check")
        verbose_name_plural = _("field checks")
        ordering = ["candidate", "-checked_on", "-pk"]

    def __str__(self) -> str:
        return _("Field check of candidate %(id)s") % {"id": self.candidate_id}

    @property
    def passed(self) -> bool:
        return self.found and self.conditions_met and self.willing


class BeneficiaryDecree(BaseModel):
    """The SK penetapan penerima of a cohort: prepared by an operator with the cohort's verified
    candidates, approved by a leader (pimpinan), which approves each of them."""

    cohort = models.ForeignKey(
        "programs.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        related_name="decrees",
    )
    # The cohort's area: a decree lists the whole cohort, so it is seen only by users whose area
    # holds all of it (not, as the cohort, by those of an area inside it).
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("decree number"), max_length=80, unique=True)
    decided_on = models.DateField(_("decree date"))
    # The finalised month of the registry the selection was based on (periods app).
    period = models.ForeignKey(
        "periods.Period", verbose_name=_("data period"), on_delete=models.PROTECT, related_name="+"
    )
    # What each beneficiary is granted (cash, or the value of an equipment package or training).
    amount = models.DecimalField(_("amount per beneficiary (Rp)"), max_digits=14, decimal_places=2)
    place = models.CharField(_("place of signing"), max_length=80)
    signer_function = models.CharField(_("signed as"), max_length=120)
    signer_name = models.CharField(_("signed by"), max_length=120, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=DecreeState.choices, default=DecreeState.DRAFT
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("beneficiary decree")
        verbose_name_plural = _("beneficiary decrees")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="decree_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return _("Decree %(number)s") % {"number": self.number}


class Award(models.Model):
    """One line of a decree: a candidate and what he is granted. A candidate is on one decree."""

    decree = models.ForeignKey(
        BeneficiaryDecree,
        verbose_name=_("decree"),
        on_delete=models.CASCADE,
        related_name="awards",
    )
    candidate = models.OneToOneField(
        "programs.Candidate",
        verbose_name=_("candidate"),
        on_delete=models.PROTECT,
        related_name="award",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    amount = models.DecimalField(_("amount (Rp)"), max_digits=14, decimal_places=2)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["decree", "pk"]

    def __str__(self) -> str:
        return f"{self.decree_id}/{self.candidate_id}"
