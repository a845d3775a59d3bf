"""Reads of field verification tasks, always scoped: a PSM's own tasks, an area's tasks (a TKSK's
kecamatan) with what is overdue and each PSM's load, a task, the PSMs a task may go to, and the
submitted requests still waiting for one."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from padu.accounts.capabilities import ROLE_CAPABILITIES, Cap, Role
from padu.core.scoping import subtree_q

from .codes import RequestState, TaskState
from .models import ChangeRequest, VerificationTask

# The task list's "due" filter.
OVERDUE, DUE_SOON = "overdue", "due_soon"


def tasks_visible(user) -> QuerySet[VerificationTask]:
    return VerificationTask.objects.scoped(user)


def _due_q(due: str, today: datetime.date) -> Q:
    soon = today + datetime.timedelta(days=settings.PADU_VERIFICATION_DUE_SOON_DAYS)
    if due == OVERDUE:
        return Q(state=TaskState.OPEN, due_on__lt=today)
    if due == DUE_SOON:
        return Q(state=TaskState.OPEN, due_on__gte=today, due_on__lte=soon)
    return Q()


def task_list(*, user, mine: bool = False, filters: dict | None = None) -> QuerySet:
    """The tasks the user sees (`mine`: only those assigned to him), open ones first by due date,
    filtered by state, due (overdue / due soon), PSM and kelurahan."""
    filters = filters or {}
    today = timezone.localdate()
    qs = tasks_visible(user).select_related("request", "region", "assignee")
    if mine:
        qs = qs.filter(assignee=user)
    if filters.get("state"):
        qs = qs.filter(state=filters["state"])
    if filters.get("due"):
        qs = qs.filter(_due_q(filters["due"], today))
    if filters.get("assignee"):
        qs = qs.filter(assignee=filters["assignee"])
    if filters.get("region"):
        qs = qs.filter(subtree_q("region__code", [filters["region"]]))
    return qs.order_by("-state", "due_on", "pk")  # open first ("open" > "done" > "cancelled")


def task_get(*, user, pk: int) -> VerificationTask | None:
    """The task if the user sees it (None for "missing" and "not yours" alike)."""
    return (
        tasks_visible(user)
        .select_related("request", "request__family", "region", "assignee", "assigned_by")
        .filter(pk=pk)
        .first()
    )


def task_counts(*, user, mine: bool = False) -> dict[str, int]:
    """Open, overdue and due-soon tasks of the user's area (or his own), in one query."""
    today = timezone.localdate()
    qs = tasks_visible(user)
    if mine:
        qs = qs.filter(assignee=user)
    return qs.aggregate(
        open=Count("pk", filter=Q(state=TaskState.OPEN)),
        overdue=Count("pk", filter=_due_q(OVERDUE, today)),
        due_soon=Count("pk", filter=_due_q(DUE_SOON, today)),
    )


def psm_load(*, user) -> list[dict]:
    """Each PSM's open and overdue tasks in the user's area, busiest first."""
    today = timezone.localdate()
    rows = (
        tasks_visible(user)
        .filter(state=TaskState.OPEN)
        .values("assignee", "assignee__username", "assignee__first_name", "assignee__last_name")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("-open", "assignee__username")
    )
    return [
        {
            "id": r["assignee"],
            "name": " ".join(filter(None, (r["assignee__first_name"], r["assignee__last_name"])))
            or r["assignee__username"],
            "open": r["open"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def users_holding(region_codes: list[str], *, roles) -> QuerySet:
    """The active users of `roles` whose area today is one of `region_codes`."""
    today = timezone.localdate()
    return (
        get_user_model()
        .objects.filter(
            Q(scopes__valid_until__isnull=True) | Q(scopes__valid_until__gte=today),
            is_active=True,
            role__in=list(roles),
            scopes__region_id__in=region_codes,
            scopes__valid_from__lte=today,
        )  # one filter() call: the same scope row meets every condition
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def psms_for(region_code: str) -> QuerySet:
    """The active users who may verify (PSM) and whose area holds the kelurahan today."""
    roles = [r for r, caps in ROLE_CAPABILITIES.items() if Cap.REQUEST_VERIFY in caps]
    return users_holding(_ancestors(region_code), roles=roles)


def muskel_people_for(region_code: str) -> QuerySet:
    """Who works on a kelurahan's Muskel: its PSMs and kelurahan operators, and the TKSK (and
    PSMs) of its kecamatan; not the office's staff of a whole city."""
    kecamatan = region_code.rsplit(".", 1)[0]
    return users_holding([region_code, kecamatan], roles=(Role.PSM, Role.TKSK, Role.KELURAHAN))


def psms_in_area(*, user) -> QuerySet:
    """The PSMs working inside the user's area (the task list's PSM filter)."""
    roles = [r for r, caps in ROLE_CAPABILITIES.items() if Cap.REQUEST_VERIFY in caps]
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=roles)
        .filter(subtree_q("scopes__region__code", user.scope_codes()))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def requests_awaiting_task(*, user) -> QuerySet[ChangeRequest]:
    """Submitted requests of the user's area, waiting to be sent to a PSM, oldest first."""
    return (
        ChangeRequest.objects.scoped(user)
        .filter(state=RequestState.SUBMITTED)
        .select_related("region")
        .order_by("submitted_at", "pk")
    )


def request_for_assignment(*, user, pk: int) -> ChangeRequest | None:
    return requests_awaiting_task(user=user).filter(pk=pk).first()
