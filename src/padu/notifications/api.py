"""Notification endpoints: the caller's own notifications, their unread count, marking read."""

import datetime

from django.http import Http404
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema

from padu.core.schemas import COMMON_ERRORS, DETAIL_ERRORS, READ_ERRORS, PageParams, RecordId

from . import selectors, services
from .codes import NotificationKind

router = Router(tags=[gettext_noop("notifications")])


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    text: str = Field(description="The notification's sentence, in the request's language.")
    params: dict[str, str]
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class NotificationPageOut(Schema):
    count: int
    unread: int
    items: list[NotificationOut]


class NotificationFilters(PageParams):
    unread: bool = Field(False, description="Only the unread ones.")


class UnreadOut(Schema):
    unread: int


def _out(n) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "text": n.text,
        "params": n.params,
        "link": n.link,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get(
    "/notifications",
    response={200: NotificationPageOut, **READ_ERRORS},
    operation_id="notification_list",
    summary=gettext_noop("List my notifications"),
)
def notification_list(request, filters: Query[NotificationFilters]):
    """The caller's notifications, newest first, with the unread count."""
    qs = selectors.notification_list(user=request.auth, unread_only=filters.unread)
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {
        "count": qs.count(),
        "unread": selectors.unread_count(user=request.auth),
        "items": [_out(n) for n in items],
    }


@router.get(
    "/notifications/unread",
    response={200: UnreadOut, **COMMON_ERRORS},
    operation_id="notification_unread",
    summary=gettext_noop("Count my unread notifications"),
)
def notification_unread(request):
    """How many of the caller's notifications are unread."""
    return {"unread": selectors.unread_count(user=request.auth)}


@router.post(
    "/notifications/{pk}/read",
    response={200: NotificationOut, **DETAIL_ERRORS},
    operation_id="notification_read",
    summary=gettext_noop("Mark a notification as read"),
)
def notification_read(request, pk: RecordId):
    """Mark one of the caller's notifications as read."""
    notification = selectors.notification_get(user=request.auth, pk=pk)
    if notification is None:
        raise Http404
    services.notification_mark_read(actor=request.auth, notification=notification)
    return _out(notification)


@router.post(
    "/notifications/read",
    response={200: UnreadOut, **COMMON_ERRORS},
    operation_id="notification_read_all",
    summary=gettext_noop("Mark all my notifications as read"),
)
def notification_read_all(request):
    """Mark every notification of the caller as read."""
    services.notifications_mark_all_read(actor=request.auth)
    return {"unread": 0}
