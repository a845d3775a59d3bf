"""Infrastructure models shared by every domain app: the base record, the audit trail and the
access log."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def actor_field(verbose_name, **options) -> models.ForeignKey:
    """Who created or last changed a record. Users are deactivated, never deleted, and PROTECT
    keeps the ORM from deleting one who wrote something; a table written in bulk may therefore
    drop the database's check (`db_constraint=False`)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        **options,
    )


class BaseModel(models.Model):
    """Who created/changed a record and when; `version` backs optimistic locking. The user
    columns have no index: "what did this user do" is the audit trail's question (indexed by
    actor), and an index here would cost every first import of a city two more builds."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = actor_field(_("created by"))
    updated_by = actor_field(_("updated by"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One write by one actor: what changed on which object, and why. Never updated or deleted."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object ID"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The region the object belongs to, so the trail itself can be area-scoped.
    region_code = models.CharField(_("region code"), max_length=13, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(_("source"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx")
        ]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class AccessLog(models.Model):
    """Who read people's data, when, and how (UU 27/2022 on personal data protection): one row
    per opening of a person's or a family's full record, and one per list or download of people
    (with its filters and row count, `object_id` empty). Kept for the retention period
    (`PADU_ACCESS_LOG_RETENTION_DAYS`, `padu accesslog prune`)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object ID"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=13, blank=True)
    # How it was read: the page, form, download or API call (a code; see web/access_text.py).
    purpose = models.CharField(_("read through"), max_length=80, blank=True)
    filters = models.JSONField(_("filters"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="access_object_idx"),
            models.Index(fields=["user", "-at"], name="access_user_idx"),
        ]

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M} {self.user_id} {self.object_type}:{self.object_id}"
