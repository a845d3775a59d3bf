"""Field kinds: how a declared field's values are read, checked and stored.

A kind turns a value as it arrives (text from a file or a form, or a typed value from the API)
into the value Padu keeps, with two renderings of every rule: `parse`/`checks` in Python for one
record, `parse_expr` in Polars for a whole file. Python reads a typed value through its text form
wherever the two could otherwise differ (a number, a date), so both renderings see the same text.

What a kind derives for the other layers (model fields, form fields, API types, export text and
the layout document) lives in `padu.core.records.derive`, beside the kinds it serves.
"""

from __future__ import annotations

import datetime
import decimal
import re
from dataclasses import dataclass

import polars as pl
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from .problems import WHITESPACE, WHITESPACE_RUN, Check, Problem, value_range
from .problems import max_length as max_length_check


class Invalid(Exception):
    """Raised by `Kind.parse`: the value cannot be read; `problem` says why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.code)
        self.problem = problem


def strip(value) -> str:
    return str(value).strip(WHITESPACE)


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return strip(value) == ""
    if isinstance(value, list | tuple | set | dict):
        return not value
    return False


def strip_expr(column: pl.Expr) -> pl.Expr:
    return column.str.strip_chars(WHITESPACE)


def date_text(day: datetime.date) -> str:
    """`17 Mei 1980` (the DATE_FORMAT "j F Y" of both languages)."""
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def date_text_expr(day: pl.Expr) -> pl.Expr:
    months = {number: str(name) for number, name in MONTHS.items()}
    return pl.concat_str(
        [
            day.dt.day().cast(pl.String),
            day.dt.month().replace_strict(months, return_dtype=pl.String),
            day.dt.year().cast(pl.String),
        ],
        separator=" ",
    )


class Kind:
    """The base: a kind reads a non-blank value (`parse`, raising `Invalid`), lists the checks of
    the parsed value (`checks`), and gives the Polars rendering (`parse_expr`: the value and the
    (problem, failed) pairs, evaluated only where the text is not blank)."""

    empty = None  # the value of a blank field
    stage_type = "text"  # the staging column's type (importer.staging.Dialect.type)

    def parse(self, value, context):
        raise NotImplementedError

    def parse_expr(self, text: pl.Expr, context) -> tuple[pl.Expr, list[tuple[Problem, pl.Expr]]]:
        raise NotImplementedError

    def problems(self, context) -> list[Problem]:
        """Every problem `parse` may raise (the messages of a file's report come from these)."""
        return []

    def checks(self, context) -> list[Check]:
        return []

    def to_text(self, value) -> str:
        """The value as an import file holds it: `parse(to_text(v)) == v`."""
        return "" if value is None else str(value)

    def text_expr(self, column: str) -> pl.Expr:
        """A file column as this kind reads it: trimmed (null or "" when blank)."""
        return strip_expr(pl.col(column))

    def literal(self, value) -> pl.Expr:
        """`value` as a literal of the type `parse_expr` gives (a blank field's value)."""
        return pl.lit(value)


# ------------------------------------------------------------------------------------ text


@dataclass(frozen=True)
class Text(Kind):
    """Free text, spaces collapsed (`"  Jl.  Sawahan "` → `"Jl. Sawahan"`)."""

    max_length: int = 200
    long: bool = False  # stored in a TextField (no length limit in the database)
    empty = ""

    def parse(self, value, context) -> str:
        return " ".join(str(value).split())

    def text_expr(self, column: str) -> pl.Expr:
        return pl.col(column).str.replace_all(WHITESPACE_RUN, " ").str.strip_chars(" ")

    def parse_expr(self, text, context):
        return text, []

    def literal(self, value) -> pl.Expr:
        return pl.lit(value, pl.String)

    def checks(self, context) -> list[Check]:
        return [max_length_check(self.max_length)]


NOT_DIGITS = Problem(code="digits", message=_("enter a number of one to three digits."))


@dataclass(frozen=True)
class Digits(Kind):
    """A number of one to `width` digits kept as text padded with zeros (RT/RW: "1" → "001")."""

    width: int = 3
    empty = ""

    @property
    def _pattern(self) -> str:
        return rf"^[0-9]{{1,{self.width}}}$"

    def parse(self, value, context) -> str:
        text = integer_text(value) if isinstance(value, int | float) else strip(value)
        if not re.fullmatch(self._pattern, text, re.ASCII):
            raise Invalid(NOT_DIGITS)
        return text.zfill(self.width)

    def parse_expr(self, text, context):
        good = text.str.contains(self._pattern)
        return pl.when(good).then(text.str.zfill(self.width)), [(NOT_DIGITS, ~good)]

    def problems(self, context):
        return [NOT_DIGITS]

    def literal(self, value) -> pl.Expr:
        return pl.lit(value, pl.String)


# --------------------------------------------------------------------------------- numbers

INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)
INTEGER_PATTERN = r"^[+-]?[0-9]{1,18}$"
NOT_INTEGER = Problem(code="integer", message=_("enter a whole number."))


def integer_text(value) -> str:
    """The text form of a whole number as it may arrive typed (1, 1.0, Decimal("1"))."""
    if isinstance(value, bool):
        return "?"  # True is not a number of anything
    if isinstance(value, float | decimal.Decimal) and value == value and value == int(value):
        return str(int(value))
    return strip(value)


def parse_integer(value) -> int:
    text = integer_text(value)
    if not INTEGER_TEXT.fullmatch(text):
        raise Invalid(NOT_INTEGER)
    return int(text)


def integer_expr(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(value, not a whole number) of a trimmed text column."""
    good = text.str.contains(INTEGER_PATTERN)
    value = pl.when(good).then(text.str.replace(r"^\+", "").cast(pl.Int64, strict=False))
    return value, ~good


@dataclass(frozen=True)
class Integer(Kind):
    """A whole number in `[low, high]`; `message` says the range in the field's own words."""

    low: int | None = None
    high: int | None = None
    message: object = None
    size: str = "int"  # "small", "int" or "big": the database column
    money: bool = False  # rupiah: shown as `Rp 1.250.000`
    stage_type = "bigint"

    def parse(self, value, context) -> int:
        return parse_integer(value)

    def parse_expr(self, text, context):
        value, bad = integer_expr(text)
        return value, [(NOT_INTEGER, bad)]

    def problems(self, context):
        return [NOT_INTEGER]

    def checks(self, context):
        if self.low is None and self.high is None:
            return []
        return [value_range(self.low, self.high, self.message)]


NOT_NUMBER = Problem(code="number", message=_("enter a number."))


@dataclass(frozen=True)
class Decimal(Kind):
    """A decimal number with `places` decimals (rounded half to even, as the database does),
    at most nine digits before the point, in `[low, high]`."""

    low: decimal.Decimal | None = None
    high: decimal.Decimal | None = None
    message: object = None
    digits: int = 9
    places: int = 6
    stage_type = "decimal"
    PATTERN = r"^[+-]?([0-9]{1,9}(\.[0-9]*)?|\.[0-9]+)$"

    def parse(self, value, context) -> decimal.Decimal:
        if isinstance(value, float):
            value = format(decimal.Decimal(repr(value)), "f")
        text = strip(value)
        if not re.fullmatch(self.PATTERN, text, re.ASCII):
            raise Invalid(NOT_NUMBER)
        return decimal.Decimal(text).quantize(decimal.Decimal(1).scaleb(-self.places))

    def parse_expr(self, text, context):
        good = text.str.contains(self.PATTERN)
        value = pl.when(good).then(text.cast(pl.Decimal(15, self.places), strict=False))
        return value, [(NOT_NUMBER, ~good)]

    def problems(self, context):
        return [NOT_NUMBER]

    def checks(self, context):
        low, high = self.low, self.high

        # Compared as floats in Polars (its decimals do not compare with literals of another
        # scale); the bounds have few digits, so both sides agree on every value.
        def broken_expr(e):
            return ~e.cast(pl.Float64).is_between(float(low), float(high))

        return [
            Check(
                code="range",
                message=self.message,
                test=lambda v: not low <= v <= high,
                test_expr=broken_expr,
                params=lambda t, _v: {"value": t},
                params_expr=lambda t, _v: {"value": t},
            )
        ]

    def to_text(self, value) -> str:
        return "" if value is None else format(value, "f")


# ------------------------------------------------------------------------------------ dates

NOT_DATE = Problem(code="date", message=_("enter a date as YYYY-MM-DD or DD-MM-YYYY."))
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# Day, month and year as offices write them: `17-05-1980`, `07/01/1973`, `7/1/1973`, `17.05.1980`
# (the day first, as in Indonesia; a day or month of one digit is read as if padded).
DMY_DATE = r"^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$"
# Excel keeps a date as the days since 30 December 1899 and shows that number when the cell is
# formatted as a number, or a CSV is saved from such a column (`29221` is 1 January 1980). Only five
# digits are read so: 10000–99999 are 18 May 1927 – 13 October 2173, while four digits are far more
# often a year typed alone (`1980` would be 2 June 1905) and stay an error.
EXCEL_SERIAL = r"^[1-9][0-9]{4}$"
EXCEL_EPOCH = datetime.date(1899, 12, 30)


@dataclass(frozen=True)
class Date(Kind):
    """A date written `YYYY-MM-DD`, `DD-MM-YYYY` (or `DD/MM/YYYY`, `D.M.YYYY`, see `DMY_DATE`) or as
    Excel's day number (five digits, see
    `EXCEL_SERIAL`), not after today (`past=True`) and not before `earliest`."""

    earliest: datetime.date | None = None
    past: bool = False
    stage_type = "date"

    def parse(self, value, context) -> datetime.date:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = strip(value)
        try:
            if re.fullmatch(EXCEL_SERIAL, text):
                return EXCEL_EPOCH + datetime.timedelta(days=int(text))
            if re.fullmatch(ISO_DATE, text):
                return datetime.date.fromisoformat(text)
            if match := re.fullmatch(DMY_DATE, text):
                day, month, year = match.groups()
                padded = f"{day.zfill(2)}-{month.zfill(2)}-{year}"
                return datetime.datetime.strptime(padded, "%d-%m-%Y").date()  # noqa: DTZ007
        except ValueError:
            pass
        raise Invalid(NOT_DATE)

    def parse_expr(self, text, context):
        iso = pl.when(text.str.contains(ISO_DATE)).then(
            text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        )
        parts = text.str.extract_groups(DMY_DATE)
        padded = pl.concat_str(
            [
                parts.struct.field("1").str.zfill(2),
                parts.struct.field("2").str.zfill(2),
                parts.struct.field("3"),
            ],
            separator="-",
        )
        dmy = pl.when(text.str.contains(DMY_DATE)).then(
            padded.str.strptime(pl.Date, "%d-%m-%Y", strict=False)
        )
        serial = pl.when(text.str.contains(EXCEL_SERIAL)).then(
            pl.lit(EXCEL_EPOCH) + pl.duration(days=text.cast(pl.Int64, strict=False))
        )
        value = pl.coalesce(serial, iso, dmy)
        return value, [(NOT_DATE, value.is_null())]

    def problems(self, context):
        return [NOT_DATE]

    def checks(self, context):
        out = []
        date_params = {
            "params": lambda _t, v: {"date": date_text(v)},
            "params_expr": lambda _t, v: {"date": date_text_expr(v)},
        }
        if self.past:
            today = context.today
            out.append(
                Check(
                    code="future",
                    message=_("%(date)s is in the future."),
                    test=lambda v: v > today,
                    test_expr=lambda e: e > pl.lit(today),
                    **date_params,
                )
            )
        if self.earliest is not None:
            earliest = self.earliest
            out.append(
                Check(
                    code="too_early",
                    message=_("%(date)s is before %(year)s."),
                    test=lambda v: v < earliest,
                    test_expr=lambda e: e < pl.lit(earliest),
                    params=lambda _t, v: {"date": date_text(v), "year": earliest.year},
                    params_expr=lambda _t, v: {
                        "date": date_text_expr(v),
                        "year": pl.lit(str(earliest.year)),
                    },
                )
            )
        return out

    def to_text(self, value) -> str:
        return "" if value is None else value.isoformat()
