"""Running a recorded import: validate every row column-wise (`checks`), stage them (`staging`),
then check across rows and write in one transaction (`upsert`). Called by the background task
(`registry.tasks.registry_import`) and, synchronously, by `services.import_local_file`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from padu.core.audit import audit_record
from padu.core.scoping import scope_codes
from padu.registry.models import ImportBatch

from .. import changes
from . import files, staging
from .checks import Context, validate
from .heartbeat import Heartbeat
from .mapping import Mapping
from .report import ReportWriter
from .upsert import Actor, Pass2

log = logging.getLogger(__name__)

CHUNK_ROWS = 50_000
Progress = Callable[[ImportBatch], None]


def _save(batch: ImportBatch, *fields: str) -> None:
    """Progress is saved in autocommit, so a page polling from another connection sees it."""
    ImportBatch.objects.filter(pk=batch.pk).update(**{f: getattr(batch, f) for f in fields})


def import_run(*, batch_id: int, progress: Progress | None = None) -> ImportBatch:
    """Run a queued import. A bad file or an unexpected error marks the batch failed; the
    registry is written in one transaction, so a failure leaves it untouched."""
    batch = ImportBatch.objects.select_related("created_by", "region").get(pk=batch_id)
    if batch.status != ImportBatch.Status.QUEUED:
        return batch
    batch.status, batch.started_at = ImportBatch.Status.RUNNING, timezone.now()
    batch.phase, batch.heartbeat_at = ImportBatch.Phase.READING, batch.started_at
    _save(batch, "status", "started_at", "phase", "heartbeat_at")
    report = ReportWriter(
        Path(settings.MEDIA_ROOT) / "imports" / "laporan" / f"laporan-impor-{batch.pk}.csv"
    )
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with Heartbeat(batch.pk):
                _run(batch, report, progress)
        except files.ImportFileError as exc:
            _fail(batch, str(exc))
        except Exception:
            log.exception("registry import %s failed", batch.pk)
            _fail(batch, _("The import stopped because of an internal error; nothing was saved."))
            raise
        finally:
            staging.drop_all()
            report.close()
    wrote = (batch.families_created, batch.families_updated, batch.people_created)
    if batch.status == ImportBatch.Status.DONE and (any(wrote) or batch.people_updated):
        changes.registry_imported()
    return batch


def _fail(batch: ImportBatch, message: str) -> None:
    batch.status, batch.message, batch.finished_at = (
        ImportBatch.Status.FAILED,
        message,
        timezone.now(),
    )
    batch.phase = ""
    _save(batch, "status", "message", "finished_at", "phase")


def _run(batch: ImportBatch, report: ReportWriter, progress: Progress | None) -> None:
    path = Path(batch.stored_path)
    # A file in the import layout has no mapping and is read as it is.
    layout = files.read_layout(path, Mapping.from_json(batch.mapping))
    batch.total_rows = files.count_rows(path, layout)
    _save(batch, "total_rows")
    actor = batch.created_by
    context = Context.load(actor, root=batch.region_id)
    staging.create_stage()
    rows = 0
    with staging.Loader() as loader:
        for chunk in files.iter_chunks(path, layout, CHUNK_ROWS):
            stage, lines = validate(chunk, context)
            loader.add(stage)
            report.add(lines)
            rows += chunk.height
            batch.processed_rows = rows
            batch.total_rows = max(batch.total_rows, rows)
            _save(batch, "processed_rows", "total_rows")
            if progress:
                progress(batch)
    if rows == 0:
        raise files.ImportFileError(
            _("The file has column headings but no data rows."), code="empty"
        )
    staging.index_stage()
    batch.phase = ImportBatch.Phase.WRITING
    _save(batch, "phase")
    if progress:
        progress(batch)
    scope = scope_codes(actor) if actor is not None else [batch.region_id]
    reason = batch.audit_reason()
    with transaction.atomic():
        work = Pass2(
            batch_id=batch.pk,
            actor=Actor(user_id=actor.pk if actor else None, scope=scope),
            now=timezone.now(),
            reason=reason,
            rows=loader.rows(),
        )
        work.check()
        outcome = work.write()
        if outcome.registered_elsewhere:
            # The report told the importer, for each such row, only that its number is
            # registered (rejects.py); one entry per import counts those answers, as a form's
            # each are audited (registry.services.identity), without the numbers themselves.
            audit_record(
                actor=actor,
                action="registry.import.registered_elsewhere",
                obj=batch,
                region_code=batch.region_id,
                after=outcome.registered_elsewhere,
                reason=reason,
                source=f"import:{batch.pk}",
            )
        # The one entry for everything the import created (each created record points to the
        # batch); each changed record has its own entry with the changed fields.
        audit_record(
            actor=actor,
            action="registry.import.applied",
            obj=batch,
            region_code=batch.region_id,
            after={
                "families_created": outcome.families_created,
                "families_updated": outcome.families_updated,
                "people_created": outcome.people_created,
                "people_updated": outcome.people_updated,
                "sha256": batch.file_sha256,
            },
            reason=reason,
            source=f"import:{batch.pk}",
        )
    report.add_rows(outcome.report)
    path = report.close()
    batch.total_rows = rows
    batch.families_created = outcome.families_created
    batch.families_updated = outcome.families_updated
    batch.people_created = outcome.people_created
    batch.people_updated = outcome.people_updated
    batch.unchanged_rows = outcome.accepted_rows - outcome.people_created - outcome.people_updated
    batch.error_rows = report.error_rows
    batch.warning_rows = len(report.warned_rows | outcome.warned_rows)
    batch.error_report = str(path) if path else ""
    batch.status, batch.phase, batch.finished_at = (
        ImportBatch.Status.DONE,
        "",
        timezone.now(),
    )
    _save(
        batch,
        "total_rows",
        "families_created",
        "families_updated",
        "people_created",
        "people_updated",
        "unchanged_rows",
        "error_rows",
        "warning_rows",
        "error_report",
        "status",
        "phase",
        "finished_at",
    )
    if progress:
        progress(batch)
