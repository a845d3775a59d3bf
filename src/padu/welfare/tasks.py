"""Background jobs of the welfare score."""

from django_tasks import task

from .runner import recompute_run


@task()
def welfare_recompute(job_id: int) -> None:
    """Recompute every family's score (services.recompute_run), with progress on the job."""
    recompute_run(job_id)
