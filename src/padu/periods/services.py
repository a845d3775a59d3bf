"""The named transitions of a period: `period_close` (a Dinsos operator; the freezing itself runs
as a background job, runner.py) and `period_reopen` (an admin, with a reason). Each checks the
capability, locks the periods, checks the rules, bumps the version and audits.

Rules: periods are closed one month after another (the first close may be any month up to the
current one), never a month that has not begun, never one already closed or being closed; only
the last closed period may be reopened, so that undoing it restores exactly the state the period
before it left (freeze.undo)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import DomainError, ValidationFailed
from padu.core.scoping import require

from . import months
from .models import CloseProgress, Period
from .runner import close_run
from .tasks import period_close_task

REASON_MAX = 1000


def parse_month(text) -> int:
    """The key of a month typed as YYYY-MM, or a ValidationFailed that says how to type it."""
    month = months.parse(text)
    if month is None:
        raise ValidationFailed(
            {"month": [_("Period: enter a month as YYYY-MM, for example 2026-11.")]}
        )
    return month


def last_closed() -> Period | None:
    return Period.objects.filter(status=Period.Status.CLOSED).order_by("-month").first()


def next_to_close() -> int:
    """The month a close would take now: the one after the last closed, else the current one."""
    last = last_closed()
    return months.following(last.month) if last is not None else months.current()


def _check_closable(month: int) -> None:
    label = months.text(month)
    if month > months.current():
        raise DomainError(
            _("Period %(period)s has not begun yet: a month can be closed from its first day.")
            % {"period": label},
            code="period_future",
            field="month",
        )
    closing = Period.objects.filter(status=Period.Status.CLOSING).first()
    if closing is not None:
        raise DomainError(
            _("Period %(period)s is being closed; wait until it has finished.")
            % {"period": closing.text},
            code="period_closing",
            field="month",
        )
    existing = Period.objects.filter(month=month).first()
    if existing is not None and existing.status == Period.Status.CLOSED:
        raise DomainError(
            _("Period %(period)s is already closed.") % {"period": label},
            code="period_closed",
            field="month",
        )
    last = last_closed()
    if last is not None and month < last.month:
        raise DomainError(
            _(
                "Period %(period)s comes before the last closed period %(last)s: periods are "
                "closed in order."
            )
            % {"period": label, "last": last.text},
            code="period_order",
            field="month",
        )
    if last is not None and month != months.following(last.month):
        raise DomainError(
            _("Close period %(next)s first: periods are closed one month after another.")
            % {"next": months.text(months.following(last.month))},
            code="period_order",
            field="month",
        )


def period_close(*, actor, month, run_now: bool = False) -> Period:
    """Close the period `month` (a key or "YYYY-MM"): it is marked closing at once and frozen by
    a background job after the commit (`run_now`: here, for `padu periods close`). `actor` None
    is the system (the command on the server)."""
    if actor is not None:
        require(actor, Cap.PERIOD_CLOSE)
    month = month if isinstance(month, int) else parse_month(month)
    with transaction.atomic():
        # Every close and reopen locks the periods it reads: two operators closing at once
        # wait for each other, and the second is told that the first is running.
        list(Period.objects.select_for_update().order_by("month"))
        _check_closable(month)
        period, created = Period.objects.get_or_create(
            month=month, defaults={"status": Period.Status.CLOSING}
        )
        before = {"status": "" if created else period.status}
        if not created:
            period.version += 1
        period.status = Period.Status.CLOSING
        period.closed_by = actor if actor is not None else None
        period.started_at, period.finished_at, period.message = None, None, ""
        period.save()
        CloseProgress.objects.filter(period=period).delete()
        audit_record(
            actor=actor,
            action="periods.period.close_requested",
            obj=period,
            before=before,
            after={"status": period.status, "version": period.version},
        )
        if not run_now:
            transaction.on_commit(lambda: period_close_task.enqueue(month))
    if run_now:
        return close_run(month)
    return period


def period_reopen(*, actor, month, reason: str) -> Period:
    """Reopen the last closed period: its frozen versions and counts are removed (the state is
    again as the period before it left it), and it can be closed again."""
    require(actor, Cap.PERIOD_REOPEN)
    month = month if isinstance(month, int) else parse_month(month)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationFailed({"reason": [_("Reason: say why the period is reopened.")]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            {"reason": [_("Reason: use at most %(max)d characters.") % {"max": REASON_MAX}]}
        )
    from .freeze import undo

    with transaction.atomic():
        periods = {p.month: p for p in Period.objects.select_for_update().order_by("month")}
        period = periods.get(month)
        label = months.text(month)
        if period is None or period.status != Period.Status.CLOSED:
            raise DomainError(
                _("Period %(period)s is not closed.") % {"period": label},
                code="period_not_closed",
                field="month",
            )
        last = max(p.month for p in periods.values() if p.status == Period.Status.CLOSED)
        if month != last:
            raise DomainError(
                _(
                    "Only the last closed period (%(last)s) can be reopened: reopen the later "
                    "periods first."
                )
                % {"last": months.text(last)},
                code="period_order",
                field="month",
            )
        undo(month)
        before = {"status": period.status, "version": period.version}
        period.status = Period.Status.REOPENED
        period.version += 1
        period.reopened_at, period.reopened_by, period.reopen_reason = (
            timezone.now(),
            actor,
            reason,
        )
        period.save()
        audit_record(
            actor=actor,
            action="periods.period.reopened",
            obj=period,
            before=before,
            after={"status": period.status, "version": period.version},
            reason=reason,
        )
    return period
