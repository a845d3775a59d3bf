"""Registry imports: submit a file (checked at once), run it (a background task), find its report.

`import_submit` stores an upload under MEDIA_ROOT/imports/, runs the quick file checks and records
a queued batch; `import_run` validates and writes (see `checks`, `staging`, `upsert`); the
command `padu import registry FILE` calls `import_local_file`, which checks, records and runs a
file where it lies. A bad file raises `files.ImportFileError` and leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import PermissionDeniedError
from padu.core.scoping import require, scope_codes
from padu.regions.models import Region
from padu.registry.models import ImportBatch

from . import files, staging
from .checks import Context, validate
from .report import ReportWriter
from .upsert import Actor, Pass2

log = logging.getLogger(__name__)

CHUNK_ROWS = 50_000
Progress = Callable[[ImportBatch], None]


def _imports_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / timezone.localdate().strftime("%Y/%m")


def _actor_region(actor) -> Region:
    """The area an import by `actor` is recorded under: his scope, or the region all his scopes
    share; a system import (no actor) covers the root region."""
    if actor is None:
        return Region.objects.get(code=settings.PADU_ROOT_REGION)
    codes = scope_codes(actor)
    if not codes:
        raise PermissionDeniedError()
    common = codes[0].split(".")
    for code in codes[1:]:
        parts = code.split(".")
        while common and parts[: len(common)] != common:
            common.pop()
    return (
        Region.objects.get(code=".".join(common)) if common else Region.objects.get(code=codes[0])
    )


def _record(*, actor, region: Region, file_name: str, stored: files.StoredFile) -> ImportBatch:
    batch = ImportBatch.objects.create(
        created_by=actor,
        region=region,
        file_name=file_name[:255],
        file_sha256=stored.sha256,
        file_size=stored.size,
        stored_path=str(stored.path),
    )
    audit_record(
        actor=actor,
        action="registry.import.submitted",
        obj=batch,
        region_code=region.code,
        after={"file_name": batch.file_name, "sha256": stored.sha256, "size": stored.size},
        source=f"import:{batch.pk}",
    )
    return batch


def import_submit(*, actor, upload, file_name: str) -> ImportBatch:
    """Store and check an uploaded file, record a queued batch, and queue the import."""
    require(actor, Cap.REGISTRY_IMPORT)
    region = _actor_region(actor)
    suffix = ".xlsx" if file_name.lower().endswith(".xlsx") else ".csv"
    stored = files.store(upload, _imports_dir() / f"{uuid.uuid4().hex}{suffix}")
    try:
        files.read_layout(stored.path)
    except BaseException:
        stored.path.unlink(missing_ok=True)
        raise
    from padu.registry.tasks import registry_import

    with transaction.atomic():
        batch = _record(actor=actor, region=region, file_name=file_name, stored=stored)
        transaction.on_commit(lambda: registry_import.enqueue(batch.pk))
    return batch


def import_local_file(*, actor, path: Path, progress: Progress | None = None) -> ImportBatch:
    """Check, record and run the import of a file on disk (the command's way), synchronously.
    `actor` None: a system import limited to `settings.PADU_ROOT_REGION`."""
    if actor is not None:
        require(actor, Cap.REGISTRY_IMPORT)
    region = _actor_region(actor)
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise files.ImportFileError(
            _("The file %(name)s cannot be read.") % {"name": path.name}, code="missing"
        ) from exc
    if size > settings.PADU_IMPORT_MAX_BYTES:
        raise files._limit_error(settings.PADU_IMPORT_MAX_BYTES)
    files.read_layout(path)
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(files.READ_BLOCK):
            digest.update(block)
    stored = files.StoredFile(path=path.resolve(), sha256=digest.hexdigest(), size=size)
    with transaction.atomic():
        batch = _record(actor=actor, region=region, file_name=path.name, stored=stored)
    return import_run(batch_id=batch.pk, progress=progress)


def import_error_report_path(batch: ImportBatch) -> Path | None:
    path = Path(batch.error_report) if batch.error_report else None
    return path if path is not None and path.is_file() else None


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
    batch.phase = ImportBatch.Phase.READING
    _save(batch, "status", "started_at", "phase")
    report = ReportWriter(
        Path(settings.MEDIA_ROOT) / "imports" / "laporan" / f"laporan-impor-{batch.pk}.csv"
    )
    with translation.override(settings.LANGUAGE_CODE):
        try:
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
    layout = files.read_layout(path)
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
