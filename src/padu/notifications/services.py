"""Writing notifications: `notify` is what other apps call (inside their own transaction, so a
notification stands or falls with what it announces), and a reader marks his as read."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from padu.core.errors import PermissionDeniedError

from .codes import SENTENCES, NotificationKind
from .models import Notification


def notify(
    *, recipient, kind: str, params: dict | None = None, link: str = "", key: str = ""
) -> Notification | None:
    """Tell `recipient` that `kind` happened. `params` fill the kind's sentence (codes.SENTENCES):
    plain values (text, numbers, dates as text), never a name or an identifier. With a `key`, a
    repeated call for the same recipient, kind and key writes nothing and returns None."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    params = {k: str(v) for k, v in (params or {}).items()}
    str(SENTENCES[kind]) % params  # a missing parameter fails here, at the caller, not when shown
    if recipient is None or not recipient.is_active:
        return None
    if key and Notification.objects.filter(recipient=recipient, kind=kind, key=key).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin leaves the caller's tx intact
            return Notification.objects.create(
                recipient=recipient, kind=kind, params=params, link=link[:200], key=key[:100]
            )
    except IntegrityError:
        if key:
            return None
        raise


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDeniedError()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
