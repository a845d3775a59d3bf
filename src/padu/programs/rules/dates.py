"""Ages and "within N years" on a reference date, as dates a column is compared with (so that an
age condition is a range on the birth date, served by its index), and their Python twins."""

from __future__ import annotations

import datetime


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February becomes 28 February in a year without it (a
    day compared as (year, month, day): nothing falls between the two)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age(birth: datetime.date | None, on: datetime.date) -> int | None:
    """Years completed on `on` (a 29 February birthday counts from 1 March in other years)."""
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def born_by(years: int, on: datetime.date) -> datetime.date:
    """The last birth date of someone at least `years` old on `on`: age >= n ⇔ birth <= this."""
    return years_before(on, years)
