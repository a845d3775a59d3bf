"""NIK and KK numbers: structural validation (DOMAIN.md §4.1, §4.2) and masking.

These rules are the single definition of a well-formed number. The bulk import re-implements them
column-wise (Polars) and is tested against these functions, so each rule is a plain comparison on
fixed digit positions, checked in the order below; the first rule that fails is the error raised.

Input: the value as a string; surrounding whitespace is removed, nothing else is normalised
(`1371-04…`, `1.371E15` and non-ASCII digits are rejected).

**NIK** — `PP KK CC DD MM YY SSSS` (positions 1–16):

1. ``length``   exactly 16 characters;                       (code ``length``)
2. ``digits``   all of them ASCII digits 0–9;                  (code ``digits``)
3. region prefix, positions 1–6 (see *Region prefix* below);   (codes ``province``, ``kabkota``,
   ``kecamatan``)
4. ``day``      DD is 01–31 (a man) or 41–71 (a woman: day + 40);
5. ``month``    MM is 01–12;
6. ``date``     day/month exist in 19YY or in 20YY (29-02 needs a leap year: YY=00 is fine
   because 2000 was one, YY=01 is not);
7. ``serial``   SSSS is not 0000.

**KK** (nomor Kartu Keluarga) — `PP KK CC DDMMYY SSSS`:

1. ``length``, 2. ``digits``, 3. region prefix as for the NIK, 4. ``serial`` SSSS is not 0000.
Positions 7–12 are said to be the registration date (DOMAIN.md §4.2, unverified): never rejected.

**Region prefix** — province ``PP``, kab/kota ``PP.KK``, kecamatan ``PP.KK.CC`` (dotted Kemendagri
codes, `regions.Region`):

a. ``province``  PP must be a province in the region table;
b. ``kabkota``   KK is not 00; and, only when the setting ``PADU_NIK_STRICT_REGION`` is ``"full"``
   and the province has kab/kota rows loaded, PP.KK must be one of them;
c. ``kecamatan`` CC is not 00; and, unless the setting is ``"off"``, when PP.KK is loaded with its
   kecamatan, PP.KK.CC must be one of them.

``PADU_NIK_STRICT_REGION`` is ``"loaded"`` by default. Why the kab/kota is not checked by default:
a NIK keeps the codes of the place where it was first issued, even after the person moved or the
region was split (pemekaran), and an office usually loads only its own kab/kota; a Padang resident
born in Agam has a `1306…` NIK, which is right although 13.06 is not loaded. Within a loaded
kab/kota the kecamatan list is complete, so an unknown kecamatan there is a typing error — unless
codes were reorganised, for which ``"off"`` exists. ``"full"`` suits a deployment that loads the
whole province tree.

`RegionIndex` holds the region codes these checks need; pass one to `parse_nik`/`parse_kk` when
checking many numbers (one query instead of one per number).

**Masking** — `mask_number` keeps the region prefix and the serial: ``1371xxxxxxxx0001``.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from padu.core.errors import DomainError

from .codes import Sex

DIGITS_16 = re.compile(r"[0-9]{16}", re.ASCII)

STRICT_OFF = "off"
STRICT_LOADED = "loaded"
STRICT_FULL = "full"
STRICTNESS = (STRICT_OFF, STRICT_LOADED, STRICT_FULL)

# Error codes, one per rule (see the module docstring).
LENGTH = "length"
DIGITS = "digits"
PROVINCE = "province"
KABKOTA = "kabkota"
KECAMATAN = "kecamatan"
DAY = "day"
MONTH = "month"
DATE = "date"
SERIAL = "serial"

FEMALE_DAY_OFFSET = 40

NIK_LABEL = gettext_lazy("NIK")
KK_LABEL = gettext_lazy("KK number")


class InvalidIdentifier(DomainError):
    """A NIK or KK number that breaks a structural rule. `code` names the rule, `field` the
    field ("nik" or "kk_number"); the message is translated and names the field."""

    code = "invalid_identifier"

    def __init__(self, message, code: str, *, field: str = "nik"):
        super().__init__(message, code=code, field=field)


def strictness() -> str:
    """The configured region strictness; a boolean setting is "off" (False) or "loaded" (True)."""
    value = getattr(settings, "PADU_NIK_STRICT_REGION", STRICT_LOADED)
    if value is True:
        return STRICT_LOADED
    if value is False or value is None:
        return STRICT_OFF
    value = str(value).strip().lower()
    if value in ("0", "false", "no"):
        return STRICT_OFF
    if value in ("1", "true", "yes"):
        return STRICT_LOADED
    return value if value in STRICTNESS else STRICT_LOADED


@dataclass(frozen=True)
class RegionIndex:
    """The province, kab/kota and kecamatan codes loaded, and which of them have children loaded."""

    codes: frozenset[str]
    parents: frozenset[str]
    strictness: str = STRICT_LOADED

    @classmethod
    def load(
        cls, *, provinces: Iterable[str] | None = None, strict: str | None = None
    ) -> RegionIndex:
        """From the region table: every province, and the kab/kota and kecamatan of `provinces`
        (all of them when None). One query."""
        from padu.regions.models import Level, Region

        levels = [Level.PROVINSI, Level.KABUPATEN, Level.KOTA, Level.KECAMATAN]
        qs = Region.objects.filter(level__in=levels)
        if provinces is not None:
            below = Q(pk__in=[])
            for province in sorted(set(provinces)):
                below |= Q(code__startswith=f"{province}.")
            qs = qs.filter(Q(level=Level.PROVINSI) | below)
        rows = list(qs.values_list("code", "parent_id"))
        return cls(
            codes=frozenset(code for code, _parent in rows),
            parents=frozenset(parent for _code, parent in rows if parent),
            strictness=strict or strictness(),
        )


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province: str  # "13"
    kabkota: str  # "13.71"
    kecamatan: str  # "13.71.04"
    sex: str  # codes.Sex: "L" or "P"
    day: int  # 1–31, the +40 of women removed
    month: int  # 1–12
    year: int  # the two-digit year, 0–99
    serial: int  # 1–9999

    def birth_date_candidates(self, today: datetime.date | None = None) -> list[datetime.date]:
        """The real dates the NIK may stand for, latest first: 20YY and 19YY, leaving out a date
        after `today` (default: today) and a 29 February of a common year. Usually one or two."""
        today = today or timezone.localdate()
        out = []
        for century in (2000, 1900):
            year = century + self.year
            if (
                _real_date(year, self.month, self.day)
                and datetime.date(year, self.month, self.day) <= today
            ):
                out.append(datetime.date(year, self.month, self.day))
        return out

    @property
    def date_digits(self) -> str:
        """DD-MM-YY as written in the NIK (a woman's +40 included)."""
        return f"{self.nik[6:8]}-{self.nik[8:10]}-{self.nik[10:12]}"


@dataclass(frozen=True)
class KkInfo:
    number: str
    province: str
    kabkota: str
    kecamatan: str
    serial: int
    # Positions 7–12, said to be the registration date; kept as written, not validated.
    registration_digits: str


def _real_date(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _label(field: str):
    return KK_LABEL if field == "kk_number" else NIK_LABEL


def _check_digits(value, field: str) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    label = _label(field)
    if len(value) != 16:
        raise InvalidIdentifier(
            _("%(field)s must have exactly 16 digits; this one has %(count)d.")
            % {"field": label, "count": len(value)},
            LENGTH,
            field=field,
        )
    if not DIGITS_16.fullmatch(value):
        raise InvalidIdentifier(
            _("%(field)s may contain only the digits 0–9.") % {"field": label}, DIGITS, field=field
        )
    return value


def _check_region(value: str, field: str, regions: RegionIndex | None) -> tuple[str, str, str]:
    label = _label(field)
    province = value[0:2]
    kabkota = f"{province}.{value[2:4]}"
    kecamatan = f"{kabkota}.{value[4:6]}"
    if regions is None:
        regions = RegionIndex.load(provinces=[province])
    if province not in regions.codes:
        raise InvalidIdentifier(
            _("%(field)s starts with %(code)s, which is not a province code.")
            % {"field": label, "code": province},
            PROVINCE,
            field=field,
        )
    if value[2:4] == "00" or (
        regions.strictness == STRICT_FULL
        and province in regions.parents
        and kabkota not in regions.codes
    ):
        raise InvalidIdentifier(
            _("%(field)s: digits 3–4 (%(code)s) are not a kab/kota of province %(province)s.")
            % {"field": label, "code": value[2:4], "province": province},
            KABKOTA,
            field=field,
        )
    if value[4:6] == "00" or (
        regions.strictness != STRICT_OFF
        and kabkota in regions.parents
        and kecamatan not in regions.codes
    ):
        raise InvalidIdentifier(
            _("%(field)s: digits 5–6 (%(code)s) are not a kecamatan of kab/kota %(kabkota)s.")
            % {"field": label, "code": value[4:6], "kabkota": kabkota},
            KECAMATAN,
            field=field,
        )
    return province, kabkota, kecamatan


def _check_serial(value: str, field: str) -> int:
    if value[12:16] == "0000":
        raise InvalidIdentifier(
            _("%(field)s: the serial number (the last four digits) cannot be 0000.")
            % {"field": _label(field)},
            SERIAL,
            field=field,
        )
    return int(value[12:16])


def _nik(value, *, regions: RegionIndex | None, check_region: bool) -> NikInfo:
    nik = _check_digits(value, "nik")
    if check_region:
        province, kabkota, kecamatan = _check_region(nik, "nik", regions)
    else:
        province, kabkota, kecamatan = (
            nik[0:2],
            f"{nik[0:2]}.{nik[2:4]}",
            f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}",
        )
    raw_day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if 1 <= raw_day <= 31:
        sex, day = Sex.MALE, raw_day
    elif 41 <= raw_day <= 71:
        sex, day = Sex.FEMALE, raw_day - FEMALE_DAY_OFFSET
    else:
        raise InvalidIdentifier(
            _(
                "NIK: the day of birth (digits 7–8) is %(day)s; it must be 01–31, or 41–71 for a "
                "woman."
            )
            % {"day": nik[6:8]},
            DAY,
        )
    if not 1 <= month <= 12:
        raise InvalidIdentifier(
            _("NIK: the month of birth (digits 9–10) is %(month)s; it must be 01–12.")
            % {"month": nik[8:10]},
            MONTH,
        )
    if not (_real_date(1900 + year, month, day) or _real_date(2000 + year, month, day)):
        raise InvalidIdentifier(
            _("NIK: digits 7–12 (%(digits)s) are not a real date of birth.")
            % {"digits": f"{nik[6:8]}-{nik[8:10]}-{nik[10:12]}"},
            DATE,
        )
    serial = _check_serial(nik, "nik")
    return NikInfo(
        nik=nik,
        province=province,
        kabkota=kabkota,
        kecamatan=kecamatan,
        sex=sex,
        day=day,
        month=month,
        year=year,
        serial=serial,
    )


def parse_nik(nik: str, *, regions: RegionIndex | None = None) -> NikInfo:
    """The parts of a NIK, or `InvalidIdentifier` naming the first rule it breaks."""
    return _nik(nik, regions=regions, check_region=True)


def nik_structure(nik: str) -> NikInfo:
    """Like `parse_nik` without the region-table checks (no query): for comparing a NIK with a
    person's own data."""
    return _nik(nik, regions=None, check_region=False)


def parse_kk(kk: str, *, regions: RegionIndex | None = None) -> KkInfo:
    """The parts of a KK number, or `InvalidIdentifier` (field "kk_number")."""
    number = _check_digits(kk, "kk_number")
    province, kabkota, kecamatan = _check_region(number, "kk_number", regions)
    serial = _check_serial(number, "kk_number")
    return KkInfo(
        number=number,
        province=province,
        kabkota=kabkota,
        kecamatan=kecamatan,
        serial=serial,
        registration_digits=number[6:12],
    )


def nik_consistency(nik: str, birth_date: datetime.date | None, sex: str | None) -> list[str]:
    """Warnings (translated) where a well-formed NIK disagrees with the person's date of birth or
    sex. A malformed NIK gives no warning here: `parse_nik` reports it."""
    try:
        info = nik_structure(nik)
    except InvalidIdentifier:
        return []
    warnings = []
    if sex in Sex.values and sex != info.sex:
        warnings.append(
            _("NIK: digits 7–8 (%(digits)s) mark the person as %(nik_sex)s, but sex is %(sex)s.")
            % {
                "digits": info.nik[6:8],
                "nik_sex": str(Sex(info.sex).label).lower(),
                "sex": str(Sex(sex).label).lower(),
            }
        )
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (
        info.day,
        info.month,
        info.year,
    ):
        warnings.append(
            _(
                "NIK: digits 7–12 (%(digits)s) give the date of birth %(nik_date)s, but the date "
                "of birth is %(date)s."
            )
            % {
                "digits": info.date_digits,
                "nik_date": f"{info.day:02d}-{info.month:02d}-{info.year:02d}",
                "date": formats.date_format(birth_date, "DATE_FORMAT"),
            }
        )
    return warnings


def mask_number(value: str) -> str:
    """`1371xxxxxxxx0001`: region prefix and serial stay visible, the date part is hidden."""
    if not value or len(value) != 16:
        return "x" * len(value or "")
    return f"{value[:4]}{'x' * 8}{value[-4:]}"
