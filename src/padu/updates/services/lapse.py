"""When an objection lapses: PADU_OBJECTION_LAPSE_DAYS after its submission, in calendar days or
(PADU_OBJECTION_LAPSE_WORKING_DAYS) in working days, Indonesian public holidays off."""

import datetime

from django.conf import settings
from django.utils import timezone


def lapse_date(submitted_at: datetime.datetime) -> datetime.date:
    start = timezone.localdate(submitted_at)
    days = settings.PADU_OBJECTION_LAPSE_DAYS
    if not settings.PADU_OBJECTION_LAPSE_WORKING_DAYS:
        return start + datetime.timedelta(days=days)
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day
