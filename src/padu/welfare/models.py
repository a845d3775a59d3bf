"""The welfare score's weights, in versions, and each family's score with the version that made
it. A weight set is never edited: saving new weights makes the next version, the active one; the
old versions stay, read only, as do the scores they made until they are computed again."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.core.scoping import ScopedManager


class WeightSet(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    is_active = models.BooleanField(_("active"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("welfare weight set")
        verbose_name_plural = _("welfare weight sets")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="welfare_one_active_weight_set",
            ),
        ]

    def __str__(self) -> str:
        return _("Weights version %(version)d") % {"version": self.version}

    def table(self) -> dict[tuple[str, str], int]:
        """{(variable, code): weight in hundredths} (the formula counts in hundredths)."""
        return {(w.variable, w.code): int(w.value * 100) for w in self.weights.all()}


class Weight(models.Model):
    weight_set = models.ForeignKey(
        WeightSet, verbose_name=_("weight set"), on_delete=models.CASCADE, related_name="weights"
    )
    variable = models.CharField(_("variable"), max_length=60)
    code = models.CharField(_("code"), max_length=40, blank=True)
    value = models.DecimalField(_("weight"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("welfare weight")
        verbose_name_plural = _("welfare weights")
        constraints = [
            models.UniqueConstraint(
                fields=["weight_set", "variable", "code"], name="welfare_weight_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variable}[{self.code}] = {self.value}"


class FamilyScore(models.Model):
    """A family's current score, the weight set that made it, and when."""

    # No database constraint on either key: a recomputation writes every family's row in one
    # statement from the families themselves and from one weight set it holds, so the
    # per-row checks only re-read what the statement just read (10 of its 15 s at 1,000,000
    # people). Families and weight sets are never deleted in the database (a family's status
    # changes; weight sets are versions); Django still cascades and protects in the ORM.
    family = models.OneToOneField(
        "registry.Family",
        verbose_name=_("family"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="welfare",
        db_constraint=False,
    )
    weight_set = models.ForeignKey(
        WeightSet,
        verbose_name=_("weight set"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    score = models.DecimalField(_("welfare score"), max_digits=5, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"))

    objects = ScopedManager("family__region__code")

    class Meta:
        verbose_name = _("welfare score")
        verbose_name_plural = _("welfare scores")

    def __str__(self) -> str:
        return f"{self.family_id}: {self.score}"


class Recompute(models.Model):
    """One recomputation of every family's score (a background job), and its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    weight_set = models.ForeignKey(
        WeightSet, verbose_name=_("weight set"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    total = models.PositiveIntegerField(_("families"), default=0)
    done = models.PositiveIntegerField(_("families done"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("welfare score recomputation")
        verbose_name_plural = _("welfare score recomputations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.done / self.total))
