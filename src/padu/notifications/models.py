"""An in-app notification: what happened (kind and parameters), where to look (link), and when
its recipient read it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .codes import SENTENCES, NotificationKind


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # notification_unread_idx and notification_recent_idx lead with it
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    # Makes a notification idempotent: a daily job that runs twice (or a retried call) writes one
    # row per (recipient, kind, key). Empty: no such guarantee asked.
    key = models.CharField(_("key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The header's unread count, on every page: a count over this partial index only.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=~models.Q(key=""),
                name="notification_once",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The sentence in the active language."""
        try:
            return str(SENTENCES[self.kind]) % self.params
        except (KeyError, TypeError, ValueError):
            return str(self.get_kind_display())
