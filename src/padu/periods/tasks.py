"""Background jobs of the periods."""

from django_tasks import task

from .runner import close_run


@task()
def period_close_task(month: int) -> None:
    """Freeze the registry as the period `month` (runner.close_run), with its progress."""
    close_run(month)
