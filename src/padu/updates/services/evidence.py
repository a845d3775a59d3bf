"""Evidence files: checked (type by name and by content, size) before anything is written, then
stored on disk outside the database (models.requests.evidence_storage)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from padu.core.errors import ValidationFailed

from ..codes import EvidenceKind
from ..models import ChangeRequest, RequestEvidence

# The first bytes of each accepted type: a file is what its content says, not its name.
SIGNATURES = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/pdf": (b"%PDF-",),
}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    content: bytes
    kind: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _content_type(name: str, head: bytes) -> str | None:
    extension = os.path.splitext(name)[1].lower()
    for content_type, extensions in settings.PADU_EVIDENCE_TYPES.items():
        if extension not in extensions:
            continue
        signatures = SIGNATURES.get(content_type, ())
        if any(head.startswith(s) for s in signatures) and (
            content_type != "image/webp" or head[8:12] == b"WEBP"
        ):
            return content_type
    return None


def allowed_extensions() -> str:
    return ", ".join(e for exts in settings.PADU_EVIDENCE_TYPES.values() for e in exts)


def check_files(files, *, field: str = "evidence") -> list[CheckedFile]:
    """Read and check uploaded `files` (Django `UploadedFile`s, or (name, bytes) pairs); every
    problem of every file is raised at once, before anything is written."""
    checked, errors = [], []
    limit = settings.PADU_EVIDENCE_MAX_BYTES
    for upload in files or ():
        if isinstance(upload, tuple):
            name, content = upload
        else:
            name = upload.name or ""
            if upload.size is not None and upload.size > limit:
                errors.append(_too_big(name, limit))
                continue
            content = upload.read(limit + 1)
        name = os.path.basename(name or "")[:200]
        if len(content) > limit:
            errors.append(_too_big(name, limit))
            continue
        if not content:
            errors.append(_("%(name)s is empty.") % {"name": name})
            continue
        content_type = _content_type(name, content[:16])
        if content_type is None:
            errors.append(
                _("%(name)s is not an accepted file: send a photo or document (%(types)s).")
                % {"name": name, "types": allowed_extensions()}
            )
            continue
        kind = EvidenceKind.PHOTO if content_type.startswith("image/") else EvidenceKind.DOCUMENT
        checked.append(CheckedFile(name, content_type, content, kind))
    if errors:
        raise ValidationFailed({field: errors})
    return checked


def _too_big(name: str, limit: int) -> str:
    return _("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)}


def store_evidence(
    *, request: ChangeRequest, files: list[CheckedFile], actor=None, task=None
) -> list[RequestEvidence]:
    """Store checked files as the request's (or its verification task's) evidence. Call inside
    the service's transaction; a file written before a failure is removed by `discard`."""
    stored = []
    try:
        for f in files:
            evidence = RequestEvidence(
                request=request,
                task=task,
                kind=f.kind,
                original_name=f.name,
                content_type=f.content_type,
                size=len(f.content),
                sha256=f.sha256,
                uploaded_by=actor,
            )
            extension = os.path.splitext(f.name)[1].lower()
            evidence.file.save(f"{f.sha256[:16]}{extension}", ContentFile(f.content), save=False)
            stored.append(evidence)
            evidence.save()
    except BaseException:
        discard(stored)
        raise
    return stored


def discard(evidence: list[RequestEvidence]) -> None:
    """Remove the files of evidence whose rows are not (or no longer) written."""
    for e in evidence:
        if e.file.name:
            e.file.storage.delete(e.file.name)
