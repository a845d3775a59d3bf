"""Running a recomputation of every family's score, with its progress on its job row."""

from __future__ import annotations

import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Recompute
from .scoring import recompute_all

log = logging.getLogger(__name__)


def recompute_run(job_id: int) -> Recompute:
    """Run a queued recomputation (the task, or the command), recording its progress."""
    job = Recompute.objects.select_related("weight_set").get(pk=job_id)
    if job.status != Recompute.Status.QUEUED:
        return job
    Recompute.objects.filter(pk=job.pk).update(
        status=Recompute.Status.RUNNING, started_at=timezone.now()
    )

    def progress(done: int, total: int) -> None:
        Recompute.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        scored = recompute_all(job.weight_set, progress=progress)
    except Exception as exc:
        log.exception("welfare recompute %s failed", job.pk)
        Recompute.objects.filter(pk=job.pk).update(
            status=Recompute.Status.FAILED, finished_at=timezone.now(), message=str(exc)[:2000]
        )
        raise
    Recompute.objects.filter(pk=job.pk).update(
        status=Recompute.Status.DONE,
        finished_at=timezone.now(),
        message=_("%(count)d families scored.") % {"count": scored},
    )
    job.refresh_from_db()
    return job
