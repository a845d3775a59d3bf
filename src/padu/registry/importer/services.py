"""Registry imports: submit a file (checked at once), run it (a background task), find its report.

`import_submit` stores an upload under MEDIA_ROOT/imports/, runs the quick file checks and records
a queued batch; `runner.import_run` validates and writes (see `checks`, `staging`, `upsert`); the
command `padu import registry FILE` calls `import_local_file`, which checks, records and runs a
file where it lies. A bad file raises `files.ImportFileError` and leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import DomainError, PermissionDeniedError
from padu.core.scoping import require, scope_codes
from padu.regions.models import Region
from padu.registry.models import ImportBatch
from padu.registry.tasks import registry_import

from . import files
from .runner import Progress, import_run


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


# --------------------------------------------------------------------- interrupted imports


def import_rerun(*, actor, batch: ImportBatch) -> ImportBatch:
    """Queue a new import of an interrupted batch's stored file, as `actor` (his area): the
    file must still be there, unchanged (its SHA-256)."""
    require(actor, Cap.REGISTRY_IMPORT)
    if batch.status != ImportBatch.Status.INTERRUPTED:
        raise DomainError(_("Only an interrupted import can be run again."), code="not_interrupted")
    path = Path(batch.stored_path)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while block := fh.read(files.READ_BLOCK):
                digest.update(block)
    except OSError as exc:
        raise DomainError(
            _("The stored file of this import is no longer there; upload it again."),
            code="file_gone",
        ) from exc
    if digest.hexdigest() != batch.file_sha256:
        raise DomainError(
            _("The stored file of this import has changed since it was uploaded; upload it again."),
            code="file_changed",
        )
    stored = files.StoredFile(path=path, sha256=batch.file_sha256, size=batch.file_size)
    with transaction.atomic():
        again = _record(
            actor=actor, region=_actor_region(actor), file_name=batch.file_name, stored=stored
        )
        audit_record(
            actor=actor,
            action="registry.import.rerun",
            obj=again,
            region_code=again.region_id,
            after={"interrupted_import": batch.pk},
            source=f"import:{again.pk}",
        )
        transaction.on_commit(lambda: registry_import.enqueue(again.pk))
    return again


def import_error_report_path(batch: ImportBatch) -> Path | None:
    path = Path(batch.error_report) if batch.error_report else None
    return path if path is not None and path.is_file() else None
