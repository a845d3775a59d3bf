"""Uploads abandoned on the mapping page: a file from another source is stored when it is
received (`sources.import_receive`) and becomes an import's file only when the user confirms its
mapping. One never confirmed holds people's data for nothing: it is removed once it is
PADU_IMPORT_UPLOAD_ABANDON_HOURS old (`uploads_prune`, run by the worker after every upload
and by `padu import prune-uploads`). A file an import was recorded with is never touched."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from padu.registry.models import ImportBatch

# What `import_receive` and `import_submit` name a stored upload: a UUID and the file's type.
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")


def uploads_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def uploads_prune(*, now: datetime.datetime | None = None) -> int:
    """Remove the stored uploads older than the setting's age that no import was recorded
    with; returns how many were removed. A system job: no actor, no personal data read."""
    root = uploads_root()
    if not root.is_dir():
        return 0
    age = datetime.timedelta(hours=settings.PADU_IMPORT_UPLOAD_ABANDON_HOURS)
    cutoff = ((now or timezone.now()) - age).timestamp()
    old = [
        path
        for path in root.rglob("*")
        if UPLOAD_NAME.match(path.name) and path.is_file() and path.stat().st_mtime < cutoff
    ]
    if not old:
        return 0
    kept = set(
        ImportBatch.objects.filter(stored_path__in=[str(p) for p in old]).values_list(
            "stored_path", flat=True
        )
    )
    removed = 0
    for path in old:
        if str(path) not in kept:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
