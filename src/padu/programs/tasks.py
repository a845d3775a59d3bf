"""Background jobs of the programs app."""

from django_tasks import task

from .targeting import funnel_keep


@task()
def cohort_funnel_task(cohort_id: int, user_id: int | None) -> None:
    """Count and keep a targeted cohort's funnel (targeting.funnel_keep)."""
    funnel_keep(cohort_id=cohort_id, user_id=user_id)
