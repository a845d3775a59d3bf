"""The program catalogue: what each program gives to whom, on which legal basis, paid by whom and
within which yearly ceiling; and which programs may be held together."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from padu.core.models import BaseModel

from ..codes import BenefitType, FundingSource, TargetUnit


class Program(BaseModel):
    """One program (UEP Disabilitas, KUBE, PKH, ...). National programs the office does not run
    are in the catalogue too: their enrolments matter for the overlap checks."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    target_unit = models.CharField(_("target unit"), max_length=10, choices=TargetUnit.choices)
    benefit_type = models.CharField(_("benefit type"), max_length=12, choices=BenefitType.choices)
    funding_source = models.CharField(
        _("funding source"), max_length=12, choices=FundingSource.choices
    )
    owning_agency = models.CharField(_("owning agency"), max_length=200, blank=True)
    # Empty: the office sets no ceiling (a national program paid and capped by its ministry).
    budget_ceiling = models.DecimalField(
        _("budget ceiling per year (Rp)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_ceiling__isnull=True) | Q(budget_ceiling__gte=0),
                name="program_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=F("active_from")),
                name="program_active_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class ProgramCompatibility(BaseModel):
    """Whether two programs may be held by the same person or family. One row per unordered
    pair, stored with the smaller id first (`ordered_pair`), so "may A go with B" is one lookup;
    a pair without a row is compatible."""

    program_a = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="+"
    )
    program_b = models.ForeignKey(
        Program, verbose_name=_("other program"), on_delete=models.CASCADE, related_name="+"
    )
    compatible = models.BooleanField(_("may be combined"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("program compatibility")
        verbose_name_plural = _("program compatibilities")
        ordering = ["program_a", "program_b"]
        constraints = [
            models.UniqueConstraint(
                fields=["program_a", "program_b"], name="program_compatibility_pair"
            ),
            models.CheckConstraint(
                condition=Q(program_a__lt=F("program_b")), name="program_compatibility_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_a_id}/{self.program_b_id}: {self.compatible}"

    @staticmethod
    def ordered_pair(a_id: int, b_id: int) -> tuple[int, int]:
        return (a_id, b_id) if a_id < b_id else (b_id, a_id)
