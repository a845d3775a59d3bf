"""Monthly finalisation: the periods a Dinsos operator closes, the registry's key facts frozen at
each close, and each closed period's counts per kelurahan.

The frozen state is versioned, not copied each month: a family's (or person's) key facts are
stored once, with the period from which they hold (`valid_from`) and the period from which they
no longer do (`valid_until`, empty while they still hold). A close stores a new version only of
the records whose facts differ from their open version (the first close stores everyone once),
so a month in which 1 % of the registry changed costs 1 % of a copy. "As of period X" is the
version with `valid_from <= X < valid_until` (services.py, selectors.py; docs in the module of
each). Periods are keyed by the number YYYYMM (`months.py`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.core.scoping import ScopedManager
from padu.registry import codes

from . import months


class Period(models.Model):
    """One month of the registry. It exists from the moment someone asks to close it."""

    class Status(models.TextChoices):
        CLOSING = "closing", _("Closing")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        FAILED = "failed", _("Close failed")

    month = models.PositiveIntegerField(_("period"), primary_key=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    # When the close ran (runner.py); the step it is at is in CloseProgress.
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The versions the close stored (the registry's size is in the tallies).
    stored_families = models.PositiveIntegerField(_("family versions stored"), default=0)
    stored_people = models.PositiveIntegerField(_("person versions stored"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-month"]

    def __str__(self) -> str:
        return months.text(self.month)

    @property
    def text(self) -> str:
        return months.text(self.month)

    @property
    def label(self) -> str:
        return months.label(self.month)


class CloseProgress(models.Model):
    """The step a running close is at (runner.STEPS in all). A row of its own, written from
    outside the close's transaction: on PostgreSQL the close reads one snapshot (REPEATABLE
    READ) and then updates its period, which a concurrent write to the same row would make fail."""

    # No database constraint: its check would lock the period's row from the writing thread.
    period = models.OneToOneField(
        Period,
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        primary_key=True,
        db_constraint=False,
        related_name="progress",
    )
    step = models.PositiveSmallIntegerField(_("step"), default=0)

    class Meta:
        verbose_name = _("progress of a close")
        verbose_name_plural = _("progress of closes")

    def __str__(self) -> str:
        return f"{self.period_id}: {self.step}"


def _unchecked_fk(to: str, label, *, indexed: bool = True) -> models.ForeignKey:
    """A reference without a database constraint: families, people and regions are never
    deleted, and checking hundreds of thousands of keys would slow the first close for nothing."""
    return models.ForeignKey(
        to,
        verbose_name=label,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=indexed,
        related_name="+",
    )


class _StateVersion(models.Model):
    """Key facts from period `valid_from` until (not including) `valid_until`, in a kelurahan."""

    valid_from = models.PositiveIntegerField(_("from period"))
    valid_until = models.PositiveIntegerField(_("until period"), null=True, blank=True)
    region = _unchecked_fk("regions.Region", _("kelurahan"), indexed=False)

    objects = ScopedManager()

    class Meta:
        abstract = True
        indexes = [
            models.Index(
                fields=["region"], name="%(class)s_region_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        subject, valid_from = self.pk
        return f"{subject} {valid_from}–{self.valid_until or ''}"


class FamilyState(_StateVersion):
    """A family's key facts (kelurahan, status, desil) as a version."""

    pk = models.CompositePrimaryKey("family_id", "valid_from")
    family = _unchecked_fk("registry.Family", _("family"))
    status = models.CharField(_("status"), max_length=20, choices=codes.FamilyStatus.choices)
    desil = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True)

    class Meta(_StateVersion.Meta):
        verbose_name = _("family as of a period")
        verbose_name_plural = _("families as of periods")
        constraints = [
            # One open version per family: the one a close compares with.
            models.UniqueConstraint(
                fields=["family"],
                condition=models.Q(valid_until__isnull=True),
                name="familystate_one_open",
            ),
        ]


class PersonState(_StateVersion):
    """A person's key facts (family, kelurahan, relationship, status) as a version."""

    pk = models.CompositePrimaryKey("person_id", "valid_from")
    person = _unchecked_fk("registry.Person", _("person"))
    family = _unchecked_fk("registry.Family", _("family"), indexed=False)
    relationship = models.PositiveSmallIntegerField(
        _("relationship"), choices=codes.Relationship.choices, null=True, blank=True
    )
    life_status = models.CharField(_("status"), max_length=20, choices=codes.LifeStatus.choices)

    class Meta(_StateVersion.Meta):
        verbose_name = _("person as of a period")
        verbose_name_plural = _("people as of periods")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(valid_until__isnull=True),
                name="personstate_one_open",
            ),
        ]


class Tally(models.Model):
    """A closed period's count of one kind in one kelurahan: families or people registered at
    the close, added, changed, or removed (with the status that removed them) since the period
    before. Summed over the kelurahan of a user's area, it is that user's summary."""

    class Record(models.TextChoices):
        FAMILY = "family", _("Families")
        PERSON = "person", _("People")

    class Measure(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        REMOVED = "removed", _("Removed")

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="tallies"
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kelurahan"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    record = models.CharField(_("record"), max_length=10, choices=Record.choices)
    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    # The status that removed them (a FamilyStatus or LifeStatus value); empty otherwise.
    reason = models.CharField(_("reason"), max_length=20, blank=True)
    count = models.PositiveIntegerField(_("count"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("period count")
        verbose_name_plural = _("period counts")

    def __str__(self) -> str:
        return f"{self.period_id} {self.region_id} {self.record} {self.measure} {self.count}"
