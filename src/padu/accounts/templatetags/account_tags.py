import datetime
import math

from django import template

register = template.Library()


@register.filter
def minutes(value) -> int | str:
    """Whole minutes (rounded up) of a timedelta, e.g. the lockout's cool-off time."""
    if not isinstance(value, datetime.timedelta):
        return ""
    return max(1, math.ceil(value.total_seconds() / 60))
