"""A musyawarah kelurahan (Muskel): its attendees and its agenda of verified requests, one
decision per item; its Berita Acara is made from these."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.core.models import BaseModel
from padu.core.scoping import ScopedManager

from ..codes import AttendeeRole, MuskelDecision, SessionState


class MuskelSession(BaseModel):
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # muskel_session_region_idx serves equality and prefix
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    state = models.CharField(
        _("state"), max_length=10, choices=SessionState.choices, default=SessionState.PLANNED
    )
    # The fewest attendees present for the session's decisions to stand.
    quorum = models.PositiveSmallIntegerField(_("quorum"), default=1)
    # The Berita Acara's number, as the kelurahan writes it.
    number = models.CharField(_("Berita Acara number"), max_length=80, blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("Muskel session")
        verbose_name_plural = _("Muskel sessions")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(
                fields=["region"],
                name="muskel_session_region_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return _("Muskel %(region)s, %(date)s") % {"region": self.region_id, "date": self.date}


class MuskelAttendee(models.Model):
    session = models.ForeignKey(
        MuskelSession,
        verbose_name=_("Muskel session"),
        on_delete=models.CASCADE,
        related_name="attendees",
    )
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=10, choices=AttendeeRole.choices)
    # Where the attendee is the office's user (the PSM, the TKSK).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    present = models.BooleanField(_("present"), default=True)

    objects = ScopedManager("session__region__code")

    class Meta:
        verbose_name = _("Muskel attendee")
        verbose_name_plural = _("Muskel attendees")
        ordering = ["session", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class MuskelItem(models.Model):
    """A request on a session's agenda and the session's decision on it (blank: undecided)."""

    session = models.ForeignKey(
        MuskelSession,
        verbose_name=_("Muskel session"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    request = models.ForeignKey(
        "updates.ChangeRequest",
        verbose_name=_("change request"),
        on_delete=models.PROTECT,
        related_name="muskel_items",
    )
    decision = models.CharField(
        _("decision"), max_length=10, choices=MuskelDecision.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    objects = ScopedManager("session__region__code")

    class Meta:
        verbose_name = _("Muskel agenda item")
        verbose_name_plural = _("Muskel agenda items")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "request"], name="muskel_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.request_id}"
