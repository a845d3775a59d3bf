"""The workflow's deadlines: when an unverified objection lapses (DOMAIN.md §2.4: 14 days) and when
a field verification task is due. Each is a number of days from settings, counted in working days
(Monday to Friday, without the national holidays and cuti bersama of lokal-id's SKB lists) when
the office says so."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from lokal.holidays import is_working_day


def working_day(day: datetime.date) -> bool:
    try:
        return is_working_day(day)
    except ValueError:  # a year lokal-id has no decree for: weekends only
        return day.weekday() < 5


def days_after(start: datetime.date, days: int, *, working: bool) -> datetime.date:
    """`days` days after `start`, or `days` working days after it when `working`."""
    if not working:
        return start + datetime.timedelta(days=days)
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if working_day(day):
            days -= 1
    return day


def lapse_date(submitted_at: datetime.datetime) -> datetime.date:
    """The day an objection submitted at `submitted_at` lapses if still unverified."""
    return days_after(
        timezone.localdate(submitted_at),
        settings.PADU_OBJECTION_LAPSE_DAYS,
        working=settings.PADU_OBJECTION_LAPSE_WORKING_DAYS,
    )


def task_due_date(start: datetime.date) -> datetime.date:
    """The due date of a task assigned on `start`: PADU_VERIFICATION_DAYS later, in working days
    when PADU_VERIFICATION_WORKING_DAYS is set."""
    return days_after(
        start, settings.PADU_VERIFICATION_DAYS, working=settings.PADU_VERIFICATION_WORKING_DAYS
    )
