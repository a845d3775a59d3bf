"""Reads of a user's own notifications (nobody reads another's)."""

from django.db.models import QuerySet

from .models import Notification


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notification_get(*, user, pk: int) -> Notification | None:
    return Notification.objects.filter(recipient=user, pk=pk).first()


def unread_count(*, user) -> int:
    """One count over the partial index notification_unread_idx."""
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
