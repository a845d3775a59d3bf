"""The field verification's background job (the worker, or the daily timer's command)."""

from django_tasks import task

from .services.notices import tasks_remind as remind


@task()
def tasks_remind() -> int:
    """Notify the tasks due soon and overdue (services.notices.tasks_remind); how many notices."""
    return remind()
