"""A running import's sign of life, and what becomes of an import whose process died.

A running import marks its batch alive every PADU_IMPORT_HEARTBEAT_SECONDS (`Heartbeat`). A
batch still "running" whose mark is older than PADU_IMPORT_STALE_MINUTES lost its process
(`kill -9`, a restart of the server or the worker): `imports_interrupt_stale` marks it
interrupted, and its page offers to run the stored file again (`services.import_rerun`). The
registry is written in one transaction, which died with the process: nothing was written.
"""

from __future__ import annotations

import datetime
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.core.audit import audit_record
from padu.registry.models import ImportBatch

log = logging.getLogger(__name__)


class Heartbeat:
    """Marks a running batch alive every PADU_IMPORT_HEARTBEAT_SECONDS, from a thread with its
    own database connection: the writes run in one long transaction on the import's connection,
    whose updates nobody sees before commit, and a killed process simply stops beating
    (`services.imports_interrupt_stale` then marks the batch interrupted). A beat that fails
    (SQLite lets no one write beside the import's transaction) is skipped: the next one comes."""

    def __init__(self, batch_id: int):
        self.batch_id = batch_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="padu-import-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(settings.PADU_IMPORT_HEARTBEAT_SECONDS):
                try:
                    ImportBatch.objects.filter(
                        pk=self.batch_id, status=ImportBatch.Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    log.debug("import %s: heartbeat skipped", self.batch_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections


def imports_interrupt_stale() -> int:
    """Mark interrupted every running import whose heartbeat (runner.Heartbeat) is older than
    PADU_IMPORT_STALE_MINUTES: its process died. Called when an import starts (the worker's
    task, `padu import registry`) and when the import pages are opened. Returns how many."""
    limit = timezone.now() - datetime.timedelta(minutes=settings.PADU_IMPORT_STALE_MINUTES)
    stale = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).filter(
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit)
    )
    marked = 0
    for pk in stale.values_list("pk", flat=True):
        marked += import_mark_interrupted(batch_id=pk, limit=limit)
    return marked


def import_mark_interrupted(*, batch_id: int, limit) -> bool:
    """The transition running → interrupted, for a batch silent since before `limit`; audited
    as the system's (no one acted). False when it is no longer so (it finished, or beat again)."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(skip_locked=True)
            .filter(pk=batch_id, status=ImportBatch.Status.RUNNING)
            .filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit))
            .first()
        )
        if batch is None:
            return False
        batch.status, batch.phase, batch.finished_at = (
            ImportBatch.Status.INTERRUPTED,
            "",
            timezone.now(),
        )
        # The registry is written in one transaction, which died with the process.
        batch.message = _(
            "The import stopped before it finished (its process ended, for example when the "
            "server restarted); nothing from this file was written. Run it again."
        )
        batch.save(update_fields=["status", "phase", "finished_at", "message"])
        audit_record(
            actor=None,
            action="registry.import.interrupted",
            obj=batch,
            region_code=batch.region_id or "",
            before={"status": ImportBatch.Status.RUNNING},
            after={"status": ImportBatch.Status.INTERRUPTED},
            source=f"import:{batch.pk}",
        )
    return True
