"""What a user may see of a person: privacy by construction (UU 27/2022; docs/privacy.md).

A NIK is region (6 digits) + date of birth (6, the day +40 for a woman) + serial (4). A role that
may not see whole numbers (`Cap.REGISTRY_VIEW_NIK`; `Cap.REGISTRY_EXPORT_NIK` for downloads)
gets, for every field the declarations mark as an identifier, a mask (`masks.mask_number`),
and for every field that narrows one (`Sensitivity.QUASI_IDENTIFIER`: the date of birth), a band
of five years of age: with the kecamatan, the sex and a guessed serial known, a band still leaves
at least 1,826 dates, so at least 1,826 NIKs. Such a role also may not search by a number nor sort
by one or by the date of birth (each answer would narrow the number again).

Where a number is whole: only on its own record's page or answer (a person's NIK on the person
page, a family's KK on the family page and its forms), for a role that may see it, and that
read is access-logged. Where a record is an item of something else (a list, the members of a
family, the families of a dwelling, the families offered by a search), its number is masked for
every role: opening the item is the full read, and is logged.
"""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.records import Sensitivity
from padu.core.scoping import has_capability

from .declarations.person import age_on
from .masks import mask_number

AGE_BAND_YEARS = 5
SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
# Sort keys that would order people by a number or their date of birth.
REVEALING_SORTS = frozenset({"nik", "kk", "birth_date"})


def sees_numbers(user) -> bool:
    return has_capability(user, Cap.REGISTRY_VIEW_NIK)


def age_band(birth_date: datetime.date | None, today: datetime.date | None = None) -> str:
    """`35–39 tahun`: the five years of age a person's age lies in."""
    if birth_date is None:
        return ""
    age = age_on(birth_date, today or timezone.localdate())
    low = max(age, 0) // AGE_BAND_YEARS * AGE_BAND_YEARS
    return _("%(low)d–%(high)d years") % {"low": low, "high": low + AGE_BAND_YEARS - 1}


class Disclosure:
    """How values are shown to `user`: whole, or masked (`full=False`)."""

    def __init__(self, user=None, *, full: bool | None = None):
        self.full = sees_numbers(user) if full is None else full
        self.today = timezone.localdate()

    @classmethod
    def for_export(cls, user) -> Disclosure:
        return cls(full=has_capability(user, Cap.REGISTRY_EXPORT_NIK))

    def number(self, value: str | None) -> str:
        if self.full or not value:
            return value or ""
        return mask_number(value)

    def birth(self, birth_date: datetime.date | None):
        """The date of birth, or its band of age for a masked role."""
        return birth_date if self.full else age_band(birth_date, self.today)

    def value(self, field, value):
        """A declared field's value as this user may receive it."""
        if self.full or value in (None, ""):
            return value
        if field.sensitivity == Sensitivity.IDENTIFIER:
            return mask_number(str(value))
        if field.sensitivity == Sensitivity.QUASI_IDENTIFIER:
            if isinstance(value, str):
                value = datetime.date.fromisoformat(value)
            return age_band(value, self.today)
        return value

    def text(self, text: str) -> str:
        """Free text (an audit value, a filter) with every 16-digit number in it masked."""
        if self.full or not text:
            return text
        return SIXTEEN_DIGITS.sub(lambda m: mask_number(m.group()), text)

    def may_sort(self, key: str | None) -> bool:
        return self.full or (key or "").lstrip("-") not in REVEALING_SORTS
