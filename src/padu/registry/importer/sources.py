"""Files from other sources: receive a file, read it through a mapping of its columns
(`mapping.Mapping`), preview its first rows as Padu will read them, remember the mapping for its
source, and submit it. A file already in the import layout skips all of it (`Received.standard`).

    received = import_receive(actor=user, upload=upload, file_name="bnba.csv")
    rows = import_preview(actor=user, received=received, mapping=mapping)   # nothing written
    batch = import_confirm(actor=user, received=received, mapping=mapping, source="Kel. X")
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.records.coded import Choice
from padu.core.scoping import require
from padu.registry.models import ImportBatch, ImportMapping
from padu.registry.tasks import import_uploads_prune, registry_import

from ..declarations import FAMILY, PERSON
from . import files
from .checks import Context
from .errors import ImportFileError
from .layout import COLUMNS, match_header
from .mapping import Mapping
from .services import _actor_region, _imports_dir, _record

PREVIEW_ROWS = 10
SOURCE_LENGTH = 120


@dataclass(frozen=True)
class Received:
    """An uploaded file kept until its columns are matched: where it lies, its hash, its
    header; `standard` when the header is the import layout's (no mapping needed)."""

    path: str
    sha256: str
    size: int
    file_name: str
    headings: tuple[str, ...]
    standard: bool
    source: str = ""

    @property
    def token(self) -> str:
        return Path(self.path).stem

    def as_json(self) -> dict:
        return {**asdict(self), "headings": list(self.headings)}

    @classmethod
    def from_json(cls, data: dict) -> Received:
        return cls(**{**data, "headings": tuple(data["headings"])})


def source_name(text: str) -> str:
    return " ".join(str(text or "").split())[:SOURCE_LENGTH]


def import_receive(*, actor, upload, file_name: str, source: str = "") -> Received:
    """Store an upload and read its header (the quick file checks): a bad file raises
    `ImportFileError` and is not kept."""
    require(actor, Cap.REGISTRY_IMPORT)
    suffix = ".xlsx" if file_name.lower().endswith(".xlsx") else ".csv"
    stored = files.store(upload, _imports_dir() / f"{uuid.uuid4().hex}{suffix}")
    try:
        head = files.read_head(stored.path)
        try:
            match_header(list(head.headings))
            standard = True
        except ImportFileError as exc:
            if exc.code != "columns":
                raise
            standard = False
    except BaseException:
        stored.path.unlink(missing_ok=True)
        raise
    # The uploads abandoned before this one go now (the worker removes them).
    transaction.on_commit(import_uploads_prune.enqueue)
    return Received(
        path=str(stored.path),
        sha256=stored.sha256,
        size=stored.size,
        file_name=file_name[:255],
        headings=head.headings,
        standard=standard,
        source=source_name(source),
    )


def _unchanged(received: Received) -> Path:
    """The received file, as it was received (its SHA-256)."""
    path = Path(received.path)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while block := fh.read(files.READ_BLOCK):
                digest.update(block)
    except OSError:
        digest = None
    if digest is None or digest.hexdigest() != received.sha256:
        raise ImportFileError(
            _("The uploaded file is no longer available; upload it again."), code="file_gone"
        )
    return path


def saved_mapping(source: str) -> Mapping | None:
    """The mapping last confirmed for `source` (any case), if any."""
    name = source_name(source)
    if not name:
        return None
    found = ImportMapping.objects.filter(key=name.casefold()).first()
    return Mapping.from_json(found.mapping) if found else None


def source_names() -> list[str]:
    return list(ImportMapping.objects.values_list("name", flat=True))


def import_confirm(
    *, actor, received: Received, mapping: Mapping | None, source: str = ""
) -> ImportBatch:
    """Record and queue the import of a received file read through `mapping` (None: a file in
    the import layout), and remember the mapping for `source`."""
    require(actor, Cap.REGISTRY_IMPORT)
    if mapping is None and received.standard:
        path = Path(received.path)  # checked as it was received, a moment ago
    else:
        path = _unchanged(received)
        files.read_layout(path, mapping)  # a file without a mapping: its columns' message
    region = _actor_region(actor)
    name = source_name(source)
    stored = files.StoredFile(path=path, sha256=received.sha256, size=received.size)
    with transaction.atomic():
        batch = _record(actor=actor, region=region, file_name=received.file_name, stored=stored)
        batch.source = name
        batch.mapping = mapping.as_json() if mapping else {}
        batch.save(update_fields=["source", "mapping"])
        if mapping is not None and name:
            _remember(actor=actor, name=name, mapping=mapping, batch=batch)
        transaction.on_commit(lambda: registry_import.enqueue(batch.pk))
    return batch


def _remember(*, actor, name: str, mapping: Mapping, batch: ImportBatch) -> None:
    saved = ImportMapping.objects.select_for_update().filter(key=name.casefold()).first()
    before = saved.mapping if saved else None
    if saved is None:
        saved = ImportMapping(name=name, key=name.casefold())
    saved.name, saved.mapping, saved.updated_by = name, mapping.as_json(), actor
    saved.save()
    if before != saved.mapping:
        audit_record(
            actor=actor,
            action="registry.import.mapping_saved",
            obj=saved,
            region_code=batch.region_id,
            before={"mapping": before} if before else None,
            after={"source": name, "mapping": saved.mapping},
            source=f"import:{batch.pk}",
        )


# -------------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class Cell:
    text: str  # as the file holds it
    value: str  # as Padu reads it
    errors: tuple[str, ...]


def import_preview(*, actor, received: Received, mapping: Mapping | None) -> dict:
    """The first rows of the file as the import will read them (after the mapping and the
    fields' own reading of values), with each cell's problems; nothing is written. Rules
    across rows (the family's row, a NIK given twice) are checked by the import itself."""
    require(actor, Cap.REGISTRY_IMPORT)
    path = _unchanged(received)
    layout = files.read_layout(path, mapping)
    shown = [c for c in COLUMNS if c.name in layout.columns or c.name in layout.fixed]
    frame = next(files.iter_chunks(path, layout, PREVIEW_ROWS), None)
    context = Context.load(actor, root=settings.PADU_ROOT_REGION)
    rows = []
    for line in [] if frame is None else frame.head(PREVIEW_ROWS).iter_rows(named=True):
        texts = {c.field.name: line[c.name] for c in COLUMNS}
        person = PERSON.clean(texts, context)
        family_given = any(texts[c.field.name] for c in COLUMNS if c.family)
        family = FAMILY.clean(texts, context) if family_given else None
        cells = []
        for column in shown:
            f = column.field
            cleaned = family if column.part.record is FAMILY else person
            if cleaned is None:
                cells.append(Cell(line[column.name] or "", "", ()))
                continue
            errors = tuple(cleaned.errors.get(f.name, ()))
            value = cleaned.values.get(f.name)
            cells.append(Cell(line[column.name] or "", "" if errors else _shown(f, value), errors))
        rows.append({"row": line["_row"], "cells": cells})
    return {"columns": shown, "rows": rows}


def _shown(f, value) -> str:
    text = f.kind.to_text(value) if value not in (None, "", [], {}) else ""
    if text and isinstance(f.kind, Choice):
        return f"{text} — {f.kind.label(value)}"
    return text
