"""Benefits given: money paid (to a beneficiary, or a group's grant to its bank account) and
equipment packages handed over, each with its proof (a document or photo, stored like the updates
app's evidence: on disk, outside the database, served only through a scoped view)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from padu.core.models import BaseModel
from padu.core.scoping import ScopedManager
from padu.updates.codes import EvidenceKind
from padu.updates.models.requests import evidence_storage

from ..benefit_codes import Channel
from .cohorts import CohortManager


class Disbursement(BaseModel):
    """Money paid under a program: to a beneficiary (`candidate`) or a group (`group`)."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    candidate = models.ForeignKey(
        "programs.Candidate",
        verbose_name=_("beneficiary"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    group = models.ForeignKey(
        "programs.BenefitGroup",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    # The beneficiary's kelurahan or the group's kecamatan (scoping).
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount (Rp)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    reference = models.CharField(_("transaction reference"), max_length=80, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = CohortManager()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive"),
            models.CheckConstraint(
                condition=Q(candidate__isnull=False, group__isnull=True)
                | Q(candidate__isnull=True, group__isnull=False),
                name="disbursement_one_recipient",
            ),
        ]

    def __str__(self) -> str:
        return _("Disbursement of %(day)s") % {"day": self.paid_on.isoformat()}


class EquipmentPackage(BaseModel):
    """A starter package for one beneficiary (a training course's graduate, or a UEP grant in
    kind): its items, and its handover with a photo."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        on_delete=models.PROTECT,
        related_name="packages",
    )
    candidate = models.ForeignKey(
        "programs.Candidate",
        verbose_name=_("beneficiary"),
        on_delete=models.PROTECT,
        related_name="packages",
    )
    course = models.ForeignKey(
        "programs.TrainingCourse",
        verbose_name=_("training course"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="packages",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("kelurahan"), on_delete=models.PROTECT, related_name="+"
    )
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("equipment package")
        verbose_name_plural = _("equipment packages")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Equipment package %(id)s") % {"id": self.pk}


class EquipmentItem(models.Model):
    package = models.ForeignKey(
        EquipmentPackage, verbose_name=_("package"), on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(_("item"), max_length=120)
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    unit_value = models.DecimalField(_("unit value (Rp)"), max_digits=14, decimal_places=2)
    # One serial number a line, at most one per unit.
    serial_numbers = models.TextField(_("serial numbers"), blank=True)

    class Meta:
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment items")
        ordering = ["package", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="equipment_item_quantity"),
            models.CheckConstraint(
                condition=Q(unit_value__gte=0), name="equipment_item_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def value(self):
        return self.unit_value * self.quantity

    @property
    def serials(self) -> list[str]:
        return [s.strip() for s in self.serial_numbers.splitlines() if s.strip()]


class BenefitProof(models.Model):
    """A proof document or photo of a disbursement, of an equipment handover or of a field check.
    The file lies on disk (updates' `evidence_storage`), checked on upload as evidence is."""

    disbursement = models.ForeignKey(
        Disbursement,
        verbose_name=_("disbursement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proofs",
    )
    package = models.ForeignKey(
        EquipmentPackage,
        verbose_name=_("equipment package"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proofs",
    )
    field_check = models.ForeignKey(
        "programs.FieldCheck",
        verbose_name=_("field check"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    file = models.FileField(_("file"), storage=evidence_storage, upload_to="programs/%Y/%m")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = CohortManager()

    class Meta:
        verbose_name = _("proof")
        verbose_name_plural = _("proofs")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    disbursement__isnull=False, package__isnull=True, field_check__isnull=True
                )
                | Q(disbursement__isnull=True, package__isnull=False, field_check__isnull=True)
                | Q(disbursement__isnull=True, package__isnull=True, field_check__isnull=False),
                name="benefit_proof_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
