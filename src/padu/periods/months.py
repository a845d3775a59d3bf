"""A period is a calendar month, keyed by the whole number YYYYMM (202611): it sorts, compares and
indexes as a number in the frozen state's `valid_from`/`valid_until`, and reads as "2026-11" in
addresses, forms and the API."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django.utils.formats import date_format

TEXT = re.compile(r"^\s*([0-9]{4})-([0-9]{1,2})\s*$")


def key(year: int, month: int) -> int:
    return year * 100 + month


def parse(text) -> int | None:
    """The key of "2026-11" (or "2026-1"), None for anything else."""
    match = TEXT.match(str(text or ""))
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2999 and 1 <= month <= 12):
        return None
    return key(year, month)


def text(month: int) -> str:
    """ "2026-11" """
    return f"{month // 100:04d}-{month % 100:02d}"


def first_day(month: int) -> datetime.date:
    return datetime.date(month // 100, month % 100, 1)


def label(month: int) -> str:
    """ "November 2026" in the language in force."""
    return date_format(first_day(month), "YEAR_MONTH_FORMAT")


def following(month: int) -> int:
    year, m = divmod(month, 100)
    return key(year + 1, 1) if m == 12 else key(year, m + 1)


def preceding(month: int) -> int:
    year, m = divmod(month, 100)
    return key(year - 1, 12) if m == 1 else key(year, m - 1)


def current() -> int:
    """The office's month today (PADU_TIME_ZONE)."""
    today = timezone.localdate()
    return key(today.year, today.month)
