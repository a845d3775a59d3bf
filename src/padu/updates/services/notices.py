"""What the updates workflow tells people (padu.notifications): a PSM his new task, a PSM and the
one who assigned it that a task is due soon or overdue (`tasks_remind`, daily), a request's
proposer that it was returned for correction, and the people of a kelurahan that its Muskel is
scheduled. Parameters are a receipt number, a kelurahan's name, a meeting place and dates: no
personal data."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format

from padu.notifications.codes import NotificationKind as N
from padu.notifications.services import notify

from ..codes import TaskState
from ..models import ChangeRequest, MuskelSession, VerificationTask
from ..verification_selectors import muskel_people_for


def _task_params(task: VerificationTask) -> dict:
    return {
        "receipt": task.request.receipt,
        "kelurahan": task.region.name,
        "due": date_format(task.due_on, "j F Y"),
    }


def _task_link(task: VerificationTask) -> str:
    return reverse("verification:task_detail", args=[task.pk])


def task_assigned(task: VerificationTask) -> None:
    notify(
        recipient=task.assignee,
        kind=N.TASK_ASSIGNED,
        params=_task_params(task),
        link=_task_link(task),
        key=f"task:{task.pk}:{task.assignee_id}:{task.version}",
    )


def request_returned(request: ChangeRequest, reason: str) -> None:
    """Tell whoever made the request (a citizen's has no account) that it came back."""
    if request.created_by_id is None:
        return
    notify(
        recipient=request.created_by,
        kind=N.REQUEST_RETURNED,
        params={"receipt": request.receipt, "reason": reason},
        link=_request_link(request),
    )


def _request_link(request: ChangeRequest) -> str:
    try:
        return reverse("updates:request_detail", args=[request.pk])
    except NoReverseMatch:  # the request pages are another slice's; a notice needs no link
        return ""


def muskel_scheduled(session: MuskelSession, *, actor) -> int:
    """Tell the kelurahan's PSMs and operators and its kecamatan's TKSK (not the one who
    scheduled it) that a session is scheduled; returns how many were told."""
    params = {
        "kelurahan": session.region.name,
        "date": date_format(session.date, "j F Y"),
        "place": session.place,
    }
    told = 0
    for user in muskel_people_for(session.region_id).exclude(pk=actor.pk):
        told += (
            notify(
                recipient=user,
                kind=N.MUSKEL_SCHEDULED,
                params=params,
                link=reverse("muskel:detail", args=[session.pk]),
                key=f"muskel:{session.pk}",
            )
            is not None
        )
    return told


def tasks_remind(*, today: datetime.date | None = None) -> int:
    """Tell the PSM of each open task due within PADU_VERIFICATION_DUE_SOON_DAYS that it is due
    soon, and the PSM and whoever assigned it of each overdue one. Safe to run any number of times
    a day: each notice has a key (task, due date), written once. Returns how many were written."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.PADU_VERIFICATION_DUE_SOON_DAYS)
    # Unscoped: a system job over the whole deployment; it writes only to the tasks' own people.
    tasks = (
        VerificationTask.objects.unscoped()
        .filter(state=TaskState.OPEN, due_on__lte=soon)
        .select_related("request", "region", "assignee", "assigned_by")
        .order_by("pk")
    )
    written = 0
    for task in tasks.iterator(chunk_size=500):
        overdue = task.due_on < today
        kind = N.TASK_OVERDUE if overdue else N.TASK_DUE_SOON
        recipients = [task.assignee] + ([task.assigned_by] if overdue and task.assigned_by else [])
        for recipient in recipients:
            written += (
                notify(
                    recipient=recipient,
                    kind=kind,
                    params=_task_params(task),
                    link=_task_link(task),
                    key=f"task:{task.pk}:{task.due_on.isoformat()}",
                )
                is not None
            )
    return written
