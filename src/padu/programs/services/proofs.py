"""Proof files of benefits and field checks: checked by the updates app's evidence rules (type by
name and by content, size) before anything is written, stored on the same disk."""

from __future__ import annotations

import os

from django.core.files.base import ContentFile

from padu.updates.services.evidence import CheckedFile, check_files, discard

from ..models import BenefitProof

__all__ = ["check_files", "discard", "store_proofs"]


def store_proofs(*, files: list[CheckedFile], region_id: str, actor, **owner) -> list[BenefitProof]:
    """Store checked files as proofs of `owner` (disbursement=, package= or field_check=). Call
    inside the service's transaction; the caller discards the files if it fails afterwards."""
    stored = []
    try:
        for f in files:
            proof = BenefitProof(
                region_id=region_id,
                kind=f.kind,
                original_name=f.name,
                content_type=f.content_type,
                size=len(f.content),
                sha256=f.sha256,
                uploaded_by=actor,
                **owner,
            )
            extension = os.path.splitext(f.name)[1].lower()
            proof.file.save(f"{f.sha256[:16]}{extension}", ContentFile(f.content), save=False)
            stored.append(proof)
            proof.save()
    except BaseException:
        discard(stored)
        raise
    return stored
