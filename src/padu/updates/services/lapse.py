"""Objections (sanggah) nobody verified in time lapse, on the record (DOMAIN.md §2.4: 14 days).
The period is PADU_OBJECTION_LAPSE_DAYS, counted in working days (Monday to Friday, without the
national holidays and cuti bersama of lokal-id's SKB lists) when PADU_OBJECTION_LAPSE_WORKING_DAYS
is set. `padu updates lapse` (a daily timer, deploy/) or the `requests_lapse` task runs it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lokal.holidays import is_working_day

from ..codes import RequestKind, TaskState
from ..models import ChangeRequest, VerificationTask
from ..workflow import TRANSITIONS


def working_day(day: datetime.date) -> bool:
    try:
        return is_working_day(day)
    except ValueError:  # a year lokal-id has no decree for: weekends only
        return day.weekday() < 5


def lapse_date(submitted_at: datetime.datetime) -> datetime.date:
    """The day an objection submitted at `submitted_at` lapses if still unverified."""
    start = timezone.localdate(submitted_at)
    days = settings.PADU_OBJECTION_LAPSE_DAYS
    if not settings.PADU_OBJECTION_LAPSE_WORKING_DAYS:
        return start + datetime.timedelta(days=days)
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if working_day(day):
            days -= 1
    return day


def requests_lapse(*, today: datetime.date | None = None) -> list[int]:
    """Lapse every objection still waiting for its verification on or after its lapse day; the
    ids of those lapsed. Each is locked and re-checked, so a run beside a verification (or
    another run) lapses an objection at most once, and never one verified meanwhile."""
    from .transitions import move

    today = today or timezone.localdate()
    t = TRANSITIONS["lapse"]
    due = (
        # Unscoped: a system job over the whole deployment.
        ChangeRequest.objects.unscoped()
        .filter(kind=RequestKind.OBJECTION, state__in=t.sources, lapses_on__lte=today)
        .values_list("pk", flat=True)
    )
    lapsed = []
    for pk in list(due):
        with transaction.atomic():
            locked = ChangeRequest.objects.select_for_update().unscoped().filter(pk=pk).first()
            if locked is None or locked.state not in t.sources or locked.lapses_on > today:
                continue
            reason = _("Not verified within %(days)d days.") % {
                "days": settings.PADU_OBJECTION_LAPSE_DAYS
            }
            move(actor=None, locked=locked, t=t, reason=reason)
            VerificationTask.objects.unscoped().filter(request=locked, state=TaskState.OPEN).update(
                state=TaskState.CANCELLED
            )
            lapsed.append(pk)
    return lapsed
