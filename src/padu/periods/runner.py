"""Running a close (the background job, or `padu periods close`): the frozen state's steps
(freeze.py) in one transaction, with the step being run shown on the period's page.

On PostgreSQL the transaction reads one snapshot of the registry (REPEATABLE READ): families and
people are frozen as they were at one instant, however long the close takes and whatever is saved
meanwhile. Its progress is written from a short-lived thread with its own connection (the close's
own writes are seen by nobody before its commit), into a row of its own (CloseProgress); SQLite
lets nobody write beside the close, so there the page shows only that the period is closing. A
close that fails writes nothing (the transaction is rolled back): the period is marked failed
with the error, and can be closed again."""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.core.audit import audit_record

from . import freeze
from .models import CloseProgress, Period

log = logging.getLogger(__name__)

# Per kind (families, people): end the changed versions, store the new ones; then the counts.
STEPS = 2 * len(freeze.KINDS) + 1


def _report(month: int, step: int, *, own_transaction: bool) -> None:
    """Write the step from another connection; only where others can see it meanwhile
    (PostgreSQL, and a close that is its own transaction, not a caller's or a test's)."""
    if connection.vendor != "postgresql" or not own_transaction:
        return

    def write():
        try:
            CloseProgress.objects.update_or_create(period_id=month, defaults={"step": step})
        except DatabaseError:
            log.debug("period %s: progress not written", month, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=write, name="padu-period-progress", daemon=True)
    thread.start()
    thread.join(timeout=10)


def _repeatable_read() -> None:
    """One snapshot for the whole close (PostgreSQL), when the close opens the transaction (a
    test's own transaction cannot change its level, and sees its own writes anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _joins_once() -> None:
    """Each step joins the registry with the frozen versions, which the planner believes empty
    at a first close (no statistics yet) and tiny at the start of every step: it then picks a
    nested loop that scans the versions once per family or person, 260,000 or 1,000,000 times
    over the pages the step itself is filling. Hash and merge joins read them once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_nestloop = off")


def close_run(month: int) -> Period:
    """Freeze the registry as period `month`, which `services.period_close` marked closing."""
    claimed = Period.objects.filter(
        pk=month, status=Period.Status.CLOSING, started_at__isnull=True
    ).update(started_at=timezone.now())
    if not claimed:  # already run, or running elsewhere
        return Period.objects.get(pk=month)
    try:
        outer = connection.get_autocommit()
        with transaction.atomic():
            if outer:
                _repeatable_read()
            _joins_once()
            stored = {}
            step = 0
            for kind in freeze.KINDS:
                step += 1
                _report(month, step, own_transaction=outer)
                freeze.close_changed(kind, month)
                step += 1
                _report(month, step, own_transaction=outer)
                stored[kind.record] = freeze.store_new(kind, month)
            _report(month, STEPS, own_transaction=outer)
            for kind in freeze.KINDS:
                freeze.tally(kind, month)
            period = Period.objects.select_for_update().get(pk=month)
            period.status = Period.Status.CLOSED
            period.version += 1
            period.closed_at = period.finished_at = timezone.now()
            period.stored_families = stored[freeze.FAMILIES.record]
            period.stored_people = stored[freeze.PEOPLE.record]
            period.save()
            audit_record(
                actor=period.closed_by,
                action="periods.period.closed",
                obj=period,
                before={"status": Period.Status.CLOSING},
                after={
                    "status": period.status,
                    "version": period.version,
                    "stored_families": period.stored_families,
                    "stored_people": period.stored_people,
                },
            )
    except Exception as exc:
        log.exception("closing period %s failed", month)
        with transaction.atomic():
            period = Period.objects.select_for_update().get(pk=month)
            period.status = Period.Status.FAILED
            period.version += 1
            period.finished_at = timezone.now()
            period.message = _("The close failed and nothing was frozen: %(error)s") % {
                "error": str(exc)[:1500]
            }
            period.save()
            audit_record(
                actor=period.closed_by,
                action="periods.period.close_failed",
                obj=period,
                before={"status": Period.Status.CLOSING},
                after={"status": period.status},
                reason=str(exc)[:1500],
            )
        raise
    return period
