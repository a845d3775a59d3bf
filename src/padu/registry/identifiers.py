"""NIK and KK numbers: structural validation (DOMAIN.md §4.1, §4.2) and masking.

These rules are the single definition of a well-formed number: each is one `Rule` below with its
Python test and its Polars test side by side (the bulk import checks whole files with the latter;
tests hold the two equal). Each rule is a plain comparison on fixed digit positions, checked in
the order below; the first rule that fails is the error raised.

Input: the value as a string. Spaces, dots and dashes are removed wherever they are, as the search
does (`selectors.clean_number`): `1371 0157 0580 0001` and `1371.0157.0580.0001` are the number
`1371015705800001` (`normalise_number`). Nothing else is normalised: non-ASCII digits are rejected,
and a number in Excel's scientific notation (`1.37102E+15`: the column was formatted as a number,
which keeps 15 digits) is kept as written, for its own rule to name:

0. ``excel_number``  Excel's scientific notation.                (code ``excel_number``)

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

**Masking** — `mask_number` keeps the kab/kota's four digits and a tag that tells numbers apart
without telling their digits: ``1371••••••••KQXA`` (see docs/privacy.md).
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import polars as pl
from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from padu.core.errors import DomainError
from padu.core.records.problems import WHITESPACE, Problem, lit

from .codes import Sex

DIGITS_16 = re.compile(r"[0-9]{16}", re.ASCII)
# What people put between the digits to read a number (Python's whitespace, dots, dashes), in both
# renderings: the same characters as `selectors.clean_number`.
SEPARATORS = re.compile(r"[\s.\-]")
SEPARATORS_EXPR = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + ".\\-]"
SCIENTIFIC = r"^[0-9]([.,][0-9]*)?[eE][+-]?[0-9]{1,3}$"

STRICT_OFF = "off"
STRICT_LOADED = "loaded"
STRICT_FULL = "full"
STRICTNESS = (STRICT_OFF, STRICT_LOADED, STRICT_FULL)

# Error codes, one per rule (see the module docstring).
EXCEL_NUMBER = "excel_number"
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


def normalise_number(text: str) -> str:
    """`1371 0157.0580-0001` → `1371015705800001`; Excel's `1.37102E+15` stays as written."""
    if re.fullmatch(SCIENTIFIC, text):
        return text
    return SEPARATORS.sub("", text)


def normalise_number_expr(text: pl.Expr) -> pl.Expr:
    return (
        pl.when(text.str.contains(SCIENTIFIC))
        .then(text)
        .otherwise(text.str.replace_all(SEPARATORS_EXPR, ""))
    )


# --- The rules, each with its Python and its Polars rendering side by side. `t` is the trimmed
# text (Python) or expression (Polars); `r` the RegionIndex. Each rule's test may assume the
# rules before it passed (Polars evaluates them all, in a chain that reports the first failure).


@dataclass(frozen=True)
class Rule(Problem):
    test: Callable[[str, RegionIndex], bool] = None
    test_expr: Callable[[pl.Expr, RegionIndex], pl.Expr] = None
    regional: bool = False  # needs the region table
    names_field: bool = True  # every message starts with the number's name

    # A message is given the number as the user wrote it: it speaks of the normalised number.
    def text(self, text, *rest) -> str:
        return super().text(normalise_number(str(text)), *rest)

    def text_expr(self, text, *rest) -> pl.Expr:
        return super().text_expr(normalise_number_expr(text), *rest)


def _province(t):
    return t[0:2]


def _kabkota(t):
    return f"{t[0:2]}.{t[2:4]}"


def _kecamatan(t):
    return f"{t[0:2]}.{t[2:4]}.{t[4:6]}"


def _kabkota_expr(t):
    return t.str.slice(0, 2) + "." + t.str.slice(2, 2)


def _kecamatan_expr(t):
    return _kabkota_expr(t) + "." + t.str.slice(4, 2)


def _kabkota_bad(t, r: RegionIndex) -> bool:
    return t[2:4] == "00" or (
        r.strictness == STRICT_FULL and t[0:2] in r.parents and _kabkota(t) not in r.codes
    )


def _kabkota_bad_expr(t, r: RegionIndex):
    bad = t.str.slice(2, 2) == "00"
    if r.strictness == STRICT_FULL:
        bad = bad | (
            t.str.slice(0, 2).is_in(list(r.parents)) & ~_kabkota_expr(t).is_in(list(r.codes))
        )
    return bad


def _kecamatan_bad(t, r: RegionIndex) -> bool:
    return t[4:6] == "00" or (
        r.strictness != STRICT_OFF and _kabkota(t) in r.parents and _kecamatan(t) not in r.codes
    )


def _kecamatan_bad_expr(t, r: RegionIndex):
    bad = t.str.slice(4, 2) == "00"
    if r.strictness != STRICT_OFF:
        bad = bad | (
            _kabkota_expr(t).is_in(list(r.parents)) & ~_kecamatan_expr(t).is_in(list(r.codes))
        )
    return bad


def _number(t, start, length=2):
    return int(t[start : start + length])


def _number_expr(t, start, length=2):
    return t.str.slice(start, length).cast(pl.Int32, strict=False)


def _day(t) -> int:
    raw = _number(t, 6)
    return raw - FEMALE_DAY_OFFSET if raw > FEMALE_DAY_OFFSET else raw


def _day_expr(t):
    raw = _number_expr(t, 6)
    return pl.when(raw > FEMALE_DAY_OFFSET).then(raw - FEMALE_DAY_OFFSET).otherwise(raw)


def _days_in_month_expr(month, leap):
    return (
        pl.when(month == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )


def _date_digits(t) -> str:
    return f"{t[6:8]}-{t[8:10]}-{t[10:12]}"


def _date_digits_expr(t):
    return pl.concat_str([t.str.slice(6, 2), t.str.slice(8, 2), t.str.slice(10, 2)], separator="-")


def _rules(field: str) -> list[Rule]:
    label = _label(field)

    def named(**params):
        return lambda t, _v=None: {"field": label, **{k: f(t) for k, f in params.items()}}

    def named_expr(**params):
        return lambda t, _v=None: {"field": lit(label), **{k: f(t) for k, f in params.items()}}

    rules = [
        Rule(
            code=EXCEL_NUMBER,
            message=gettext_lazy(
                "The %(field)s column was formatted as a number by Excel (%(value)s), which drops "
                "the last digits: format the column as Text and enter the numbers again."
            ),
            params=named(value=str),
            params_expr=named_expr(value=lambda t: t),
            test=lambda t, r: re.fullmatch(SCIENTIFIC, t) is not None,
            test_expr=lambda t, r: t.str.contains(SCIENTIFIC),
        ),
        Rule(
            code=LENGTH,
            message=gettext_lazy("%(field)s must have exactly 16 digits; this one has %(count)d."),
            params=named(count=len),
            params_expr=named_expr(count=lambda t: t.str.len_chars()),
            test=lambda t, r: len(t) != 16,
            test_expr=lambda t, r: t.str.len_chars() != 16,
        ),
        Rule(
            code=DIGITS,
            message=gettext_lazy("%(field)s may contain only the digits 0–9."),
            params=named(),
            params_expr=named_expr(),
            test=lambda t, r: not DIGITS_16.fullmatch(t),
            test_expr=lambda t, r: ~t.str.contains(r"^[0-9]{16}$"),
        ),
        Rule(
            code=PROVINCE,
            message=gettext_lazy("%(field)s starts with %(code)s, which is not a province code."),
            params=named(code=_province),
            params_expr=named_expr(code=lambda t: t.str.slice(0, 2)),
            test=lambda t, r: _province(t) not in r.codes,
            test_expr=lambda t, r: ~t.str.slice(0, 2).is_in(list(r.codes)),
            regional=True,
        ),
        Rule(
            code=KABKOTA,
            message=gettext_lazy(
                "%(field)s: digits 3–4 (%(code)s) are not a kab/kota of province %(province)s."
            ),
            params=named(code=lambda t: t[2:4], province=_province),
            params_expr=named_expr(
                code=lambda t: t.str.slice(2, 2), province=lambda t: t.str.slice(0, 2)
            ),
            test=_kabkota_bad,
            test_expr=_kabkota_bad_expr,
            regional=True,
        ),
        Rule(
            code=KECAMATAN,
            message=gettext_lazy(
                "%(field)s: digits 5–6 (%(code)s) are not a kecamatan of kab/kota %(kabkota)s."
            ),
            params=named(code=lambda t: t[4:6], kabkota=_kabkota),
            params_expr=named_expr(code=lambda t: t.str.slice(4, 2), kabkota=_kabkota_expr),
            test=_kecamatan_bad,
            test_expr=_kecamatan_bad_expr,
            regional=True,
        ),
    ]
    if field == "nik":
        rules += [
            Rule(
                code=DAY,
                message=gettext_lazy(
                    "NIK: the day of birth (digits 7–8) is %(day)s; it must be 01–31, or 41–71 "
                    "for a woman."
                ),
                params=lambda t, _v=None: {"day": t[6:8]},
                params_expr=lambda t, _v=None: {"day": t.str.slice(6, 2)},
                test=lambda t, r: not (1 <= _number(t, 6) <= 31 or 41 <= _number(t, 6) <= 71),
                test_expr=lambda t, r: (
                    ~(_number_expr(t, 6).is_between(1, 31) | _number_expr(t, 6).is_between(41, 71))
                ),
            ),
            Rule(
                code=MONTH,
                message=gettext_lazy(
                    "NIK: the month of birth (digits 9–10) is %(month)s; it must be 01–12."
                ),
                params=lambda t, _v=None: {"month": t[8:10]},
                params_expr=lambda t, _v=None: {"month": t.str.slice(8, 2)},
                test=lambda t, r: not 1 <= _number(t, 8) <= 12,
                test_expr=lambda t, r: ~_number_expr(t, 8).is_between(1, 12),
            ),
            Rule(
                code=DATE,
                message=gettext_lazy("NIK: digits 7–12 (%(digits)s) are not a real date of birth."),
                params=lambda t, _v=None: {"digits": _date_digits(t)},
                params_expr=lambda t, _v=None: {"digits": _date_digits_expr(t)},
                # 19YY or 20YY: 29 February exists in one of them exactly when YY is divisible
                # by 4 (2000 was a leap year).
                test=lambda t, r: (
                    not (
                        _real_date(1900 + _number(t, 10), _number(t, 8), _day(t))
                        or _real_date(2000 + _number(t, 10), _number(t, 8), _day(t))
                    )
                ),
                test_expr=lambda t, r: (
                    _day_expr(t)
                    > _days_in_month_expr(_number_expr(t, 8), _number_expr(t, 10) % 4 == 0)
                ),
            ),
        ]
    rules.append(
        Rule(
            code=SERIAL,
            message=gettext_lazy(
                "%(field)s: the serial number (the last four digits) cannot be 0000."
            ),
            params=named(),
            params_expr=named_expr(),
            test=lambda t, r: t[12:16] == "0000",
            test_expr=lambda t, r: t.str.slice(12, 4) == "0000",
        )
    )
    return rules


NIK_RULES = _rules("nik")
KK_RULES = _rules("kk_number")


def first_broken(text: str, field: str, regions) -> Rule | None:
    """The first rule of `field` that the trimmed `text` breaks, or None. `regions`: a
    RegionIndex, or a callable giving one, asked only once the structure is right."""
    text = normalise_number(text)
    for rule in NIK_RULES if field == "nik" else KK_RULES:
        if rule.regional and callable(regions):
            regions = regions()
        if rule.test(text, regions):
            return rule
    return None


def check_number(value, field: str, regions: RegionIndex | None) -> str:
    """The number without spaces, dots and dashes, or `InvalidIdentifier` naming the first rule it
    breaks. The region table is read (one query) when no index is given and the structure is
    right."""
    text = normalise_number(value.strip()) if isinstance(value, str) else ""
    index = regions if regions is not None else lambda: RegionIndex.load(provinces=[text[:2]])
    rule = first_broken(text, field, index)
    if rule is not None:
        raise InvalidIdentifier(rule.text(text), rule.code, field=field)
    return text


def number_problems_expr(text: pl.Expr, field: str, regions: RegionIndex) -> list[tuple]:
    """The Polars rendering: (rule, failed) for every rule of `field`, in order."""
    text = normalise_number_expr(text)
    return [
        (rule, rule.test_expr(text, regions))
        for rule in (NIK_RULES if field == "nik" else KK_RULES)
    ]


def _nik(value, *, regions: RegionIndex | None, check_region: bool) -> NikInfo:
    if check_region:
        nik = check_number(value, "nik", regions)
    else:
        nik = normalise_number(value.strip()) if isinstance(value, str) else ""
        for rule in NIK_RULES:
            if not rule.regional and rule.test(nik, None):
                raise InvalidIdentifier(rule.text(nik), rule.code, field="nik")
    raw_day = _number(nik, 6)
    return NikInfo(
        nik=nik,
        province=_province(nik),
        kabkota=_kabkota(nik),
        kecamatan=_kecamatan(nik),
        sex=Sex.FEMALE if raw_day > FEMALE_DAY_OFFSET else Sex.MALE,
        day=_day(nik),
        month=_number(nik, 8),
        year=_number(nik, 10),
        serial=int(nik[12:16]),
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
    number = check_number(kk, "kk_number", regions)
    return KkInfo(
        number=number,
        province=_province(number),
        kabkota=_kabkota(number),
        kecamatan=_kecamatan(number),
        serial=int(number[12:16]),
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


# A mask keeps the kab/kota's four digits (the region an address shows anyway), hides the other
# twelve, and ends in a tag made from the whole number with the deployment's secret key, so that
# masks of different people differ without telling anything of their digits (docs/privacy.md).
MASK_TAG_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: read as 1 and 0
MASK_TAG_LENGTH = 4


def mask_tag(value: str) -> str:
    from django.utils.crypto import salted_hmac

    number = int.from_bytes(salted_hmac("padu.mask", value).digest()[:8], "big")
    letters = []
    for _i in range(MASK_TAG_LENGTH):
        number, index = divmod(number, len(MASK_TAG_LETTERS))
        letters.append(MASK_TAG_LETTERS[index])
    return "".join(letters)


def mask_number(value: str) -> str:
    """`1371••••••••KQXA`: the kab/kota, hidden digits, and the number's tag."""
    if not value or len(value) != 16:
        return "•" * len(value or "")
    return f"{value[:4]}{'•' * 8}{mask_tag(value)}"
