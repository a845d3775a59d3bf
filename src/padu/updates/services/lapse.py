"""Objections (sanggah) nobody verified in time lapse, on the record (DOMAIN.md §2.4: 14 days).
The lapse day is `deadlines.lapse_date`; `padu updates lapse` (a daily timer, deploy/) or the
`requests_lapse` task runs it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..codes import RequestKind, TaskState
from ..models import ChangeRequest, VerificationTask
from ..workflow import TRANSITIONS
from .transitions import move


def requests_lapse(*, today: datetime.date | None = None) -> list[int]:
    """Lapse every objection still waiting for its verification on or after its lapse day; the
    ids of those lapsed. Each is locked and re-checked, so a run beside a verification (or
    another run) lapses an objection at most once, and never one verified meanwhile."""
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
