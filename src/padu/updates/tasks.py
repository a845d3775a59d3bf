"""Background jobs of the updates app."""

from django_tasks import task

from .services.lapse import requests_lapse as lapse


@task()
def requests_lapse() -> int:
    """Lapse the objections nobody verified in time (services.lapse); how many."""
    return len(lapse())
