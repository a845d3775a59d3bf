"""NIK and KK numbers: structural validation (DOMAIN.md §4.1, §4.2).

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
3. ``province`` PP is a province of the national region list (`regions.national`);
4. ``kabkota``  KK is not 00;  5. ``kecamatan``  CC is not 00;
6. ``day``      DD is 01–31 (a man) or 41–71 (a woman: day + 40);
7. ``month``    MM is 01–12;
8. ``date``     day/month exist in 19YY or in 20YY (29-02 needs a leap year: YY=00 is fine
   because 2000 was one, YY=01 is not);
9. ``serial``   SSSS is not 0000.

**KK** (nomor Kartu Keluarga) — `PP KK CC DDMMYY SSSS`: rules 1–5 and 9 as for the NIK.

**Checks whose level the office sets** (`CHECK_LEVELS`), on a number the rules above accept:

- ``region_unknown``: the kab/kota ``PP.KK`` or the kecamatan ``PP.KK.CC`` is not in the national
  list of Kepmendagri 300.2.2-2138/2025 (a typing error such as `1398…`). The setting
  ``PADU_IDENTIFIER_REGION_CHECK`` makes it a ``warning`` (the default), an ``error`` or ``off``.
  Why only a warning by default: a NIK keeps the codes of the place where it was first issued, and
  a kab/kota split later (pemekaran) gave its kecamatan new codes, so an old code can be right.
- ``kk_date``: a KK's digits 7–12 are not a date DDMMYY of 19YY or 20YY. DOMAIN.md §4.2 says
  they are the KK's issue date but marks this unverified, so ``PADU_KK_DATE_CHECK`` sets its level
  the same way (default ``warning``).

Masks of these numbers are in `registry.masks`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from django.conf import settings
from django.utils.translation import gettext_lazy

from padu.core.errors import DomainError
from padu.core.records.problems import ERROR, WARNING, WHITESPACE, Problem, lit
from padu.core.records.record import RecordCheck
from padu.regions.national import DECREE, national_codes, province_codes

DIGITS_16 = re.compile(r"[0-9]{16}", re.ASCII)
# What people put between the digits to read a number (Python's whitespace, dots, dashes), in both
# renderings: the same characters as `selectors.clean_number`.
SEPARATORS = re.compile(r"[\s.\-]")
SEPARATORS_EXPR = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + ".\\-]"
SCIENTIFIC = r"^[0-9]([.,][0-9]*)?[eE][+-]?[0-9]{1,3}$"

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
REGION_UNKNOWN = "region_unknown"
KK_DATE = "kk_date"

FEMALE_DAY_OFFSET = 40

NIK_LABEL = gettext_lazy("NIK")
KK_LABEL = gettext_lazy("KK number")

# The values of the settings that give a check its level; "off" turns it off.
OFF = "off"
CHECK_LEVELS = (WARNING, ERROR, OFF)


def check_level(setting: str) -> str | None:
    """ERROR, WARNING or None (off) as `setting` says; settings.py refuses any other value."""
    value = getattr(settings, setting, WARNING)
    return None if value == OFF else value


class InvalidIdentifier(DomainError):
    """A NIK or KK number that breaks a structural rule. `code` names the rule, `field` the
    field ("nik" or "kk_number"); the message is translated and names the field."""

    code = "invalid_identifier"

    def __init__(self, message, code: str, *, field: str = "nik"):
        super().__init__(message, code=code, field=field)


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
# text (Python) or expression (Polars). Each rule's test may assume the rules before it passed
# (Polars evaluates them all, in a chain that reports the first failure).


@dataclass(frozen=True)
class Rule(Problem):
    test: Callable[[str], bool] = None
    test_expr: Callable[[pl.Expr], pl.Expr] = None
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


def _no_date(t, day) -> bool:
    """DD-MM-YY (DD given, a woman's +40 removed) is a date neither in 19YY nor in 20YY."""
    month, year = _number(t, 8), _number(t, 10)
    return not (_real_date(1900 + year, month, day) or _real_date(2000 + year, month, day))


def _no_date_expr(t, day):
    # 19YY or 20YY: 29 February exists in one of them exactly when YY is divisible by 4 (2000
    # was a leap year).
    month = _number_expr(t, 8)
    return (
        ~month.is_between(1, 12)
        | ~day.is_between(1, 31)
        | (day > _days_in_month_expr(month, _number_expr(t, 10) % 4 == 0))
    )


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
            test=lambda t: re.fullmatch(SCIENTIFIC, t) is not None,
            test_expr=lambda t: t.str.contains(SCIENTIFIC),
        ),
        Rule(
            code=LENGTH,
            message=gettext_lazy("%(field)s must have exactly 16 digits; this one has %(count)d."),
            params=named(count=len),
            params_expr=named_expr(count=lambda t: t.str.len_chars()),
            test=lambda t: len(t) != 16,
            test_expr=lambda t: t.str.len_chars() != 16,
        ),
        Rule(
            code=DIGITS,
            message=gettext_lazy("%(field)s may contain only the digits 0–9."),
            params=named(),
            params_expr=named_expr(),
            test=lambda t: not DIGITS_16.fullmatch(t),
            test_expr=lambda t: ~t.str.contains(r"^[0-9]{16}$"),
        ),
        Rule(
            code=PROVINCE,
            message=gettext_lazy("%(field)s starts with %(code)s, which is not a province code."),
            params=named(code=_province),
            params_expr=named_expr(code=lambda t: t.str.slice(0, 2)),
            test=lambda t: _province(t) not in province_codes(),
            test_expr=lambda t: ~t.str.slice(0, 2).is_in(sorted(province_codes())),
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
            test=lambda t: t[2:4] == "00",
            test_expr=lambda t: t.str.slice(2, 2) == "00",
        ),
        Rule(
            code=KECAMATAN,
            message=gettext_lazy(
                "%(field)s: digits 5–6 (%(code)s) are not a kecamatan of kab/kota %(kabkota)s."
            ),
            params=named(code=lambda t: t[4:6], kabkota=_kabkota),
            params_expr=named_expr(code=lambda t: t.str.slice(4, 2), kabkota=_kabkota_expr),
            test=lambda t: t[4:6] == "00",
            test_expr=lambda t: t.str.slice(4, 2) == "00",
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
                test=lambda t: not (1 <= _number(t, 6) <= 31 or 41 <= _number(t, 6) <= 71),
                test_expr=lambda t: (
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
                test=lambda t: not 1 <= _number(t, 8) <= 12,
                test_expr=lambda t: ~_number_expr(t, 8).is_between(1, 12),
            ),
            Rule(
                code=DATE,
                message=gettext_lazy("NIK: digits 7–12 (%(digits)s) are not a real date of birth."),
                params=lambda t, _v=None: {"digits": _date_digits(t)},
                params_expr=lambda t, _v=None: {"digits": _date_digits_expr(t)},
                test=lambda t: _no_date(t, _day(t)),
                test_expr=lambda t: _no_date_expr(t, _day_expr(t)),
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
            test=lambda t: t[12:16] == "0000",
            test_expr=lambda t: t.str.slice(12, 4) == "0000",
        )
    )
    return rules


NIK_RULES = _rules("nik")
KK_RULES = _rules("kk_number")


def first_broken(text: str, field: str) -> Rule | None:
    """The first rule of `field` that the trimmed `text` breaks, or None."""
    text = normalise_number(text)
    for rule in NIK_RULES if field == "nik" else KK_RULES:
        if rule.test(text):
            return rule
    return None


def check_number(value, field: str) -> str:
    """The number without spaces, dots and dashes, or `InvalidIdentifier` naming the first rule it
    breaks."""
    text = normalise_number(value.strip()) if isinstance(value, str) else ""
    rule = first_broken(text, field)
    if rule is not None:
        raise InvalidIdentifier(rule.text(text), rule.code, field=field)
    return text


def number_problems_expr(text: pl.Expr, field: str) -> list[tuple]:
    """The Polars rendering: (rule, failed) for every rule of `field`, in order, over a number
    already normalised (`normalise_number_expr`, once: it is a regular expression per value)."""
    return [(rule, rule.test_expr(text)) for rule in (NIK_RULES if field == "nik" else KK_RULES)]


# --- The checks whose level a setting gives, on a well-formed number `t` (the declarations make
# them record checks: `registry.declarations.kinds.identifier_checks`).


def unknown_region(t: str) -> str | None:
    """The number's kab/kota code, or else its kecamatan code, that the national list lacks."""
    codes = national_codes()
    for code in (_kabkota(t), _kecamatan(t)):
        if code not in codes:
            return code
    return None


def unknown_region_expr(t: pl.Expr) -> pl.Expr:
    codes = sorted(national_codes())
    kabkota, kecamatan = _kabkota_expr(t), _kecamatan_expr(t)
    return (
        pl.when(~kabkota.is_in(codes)).then(kabkota).when(~kecamatan.is_in(codes)).then(kecamatan)
    )


def _no_kk_date(t: str) -> bool:
    return _no_date(t, _number(t, 6))


def _no_kk_date_expr(t: pl.Expr) -> pl.Expr:
    return _no_date_expr(t, _number_expr(t, 6))


def identifier_checks(field: str) -> tuple[RecordCheck, ...]:
    """The checks of `field`'s well-formed number whose level a setting gives, as record checks
    (they run after the rules above passed, and may be warnings)."""

    label = _label(field)

    # The messages name the number, as the rules' do, in a form and in an import report alike.
    def check(code, message, params, params_expr, test, test_expr, setting):
        return RecordCheck(
            problem=Problem(
                code=code,
                message=message,
                params=lambda v, _ctx=None: {"field": label, **params(v[field])},
                params_expr=lambda c, _ctx=None: {"field": lit(label), **params_expr(c[field])},
                names_field=True,
            ),
            field=field,
            fields=(field,),
            test=lambda v, _ctx: bool(v.get(field)) and test(v[field]),
            test_expr=lambda c, _ctx: test_expr(c[field]),
            level=lambda: check_level(setting),
        )

    checks = [
        check(
            REGION_UNKNOWN,
            gettext_lazy(
                "%(field)s: the region code %(code)s is not in the national region list "
                "(%(decree)s); check the number."
            ),
            lambda t: {"code": unknown_region(t), "decree": DECREE},
            lambda t: {"code": unknown_region_expr(t), "decree": pl.lit(DECREE)},
            lambda t: unknown_region(t) is not None,
            lambda t: unknown_region_expr(t).is_not_null(),
            "PADU_IDENTIFIER_REGION_CHECK",
        )
    ]
    if field == "kk_number":
        checks.append(
            check(
                KK_DATE,
                gettext_lazy(
                    "%(field)s: digits 7–12 (%(digits)s) are not a date (day, month, year)."
                ),
                lambda t: {"digits": _date_digits(t)},
                lambda t: {"digits": _date_digits_expr(t)},
                _no_kk_date,
                _no_kk_date_expr,
                "PADU_KK_DATE_CHECK",
            )
        )
    return tuple(checks)
