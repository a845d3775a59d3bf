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
import json
import re
from dataclasses import dataclass, field

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
DMY_DATE = r"^[0-9]{2}-[0-9]{2}-[0-9]{4}$"
# Excel keeps a date as the days since 30 December 1899 and shows that number when the cell is
# formatted as a number, or a CSV is saved from such a column (`29221` is 1 January 1980). Only five
# digits are read so: 10000–99999 are 18 May 1927 – 13 October 2173, while four digits are far more
# often a year typed alone (`1980` would be 2 June 1905) and stay an error.
EXCEL_SERIAL = r"^[1-9][0-9]{4}$"
EXCEL_EPOCH = datetime.date(1899, 12, 30)


@dataclass(frozen=True)
class Date(Kind):
    """A date written `YYYY-MM-DD`, `DD-MM-YYYY` or as Excel's day number (five digits, see
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
            if re.fullmatch(DMY_DATE, text):
                return datetime.datetime.strptime(text, "%d-%m-%Y").date()  # noqa: DTZ007
        except ValueError:
            pass
        raise Invalid(NOT_DATE)

    def parse_expr(self, text, context):
        iso = pl.when(text.str.contains(ISO_DATE)).then(
            text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
        )
        dmy = pl.when(text.str.contains(DMY_DATE)).then(
            text.str.strptime(pl.Date, "%d-%m-%Y", strict=False)
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


# ------------------------------------------------------------------------------------ codes


def not_allowed() -> Problem:
    return Problem(
        code="choice",
        message=_("%(value)s is not one of the allowed answers."),
        params=lambda t, _v: {"value": t},
        params_expr=lambda t, _v: {"value": t},
    )


@dataclass(frozen=True)
class Choice(Kind):
    """One code of `codes` (an IntegerChoices or TextChoices). Text codes are compared after
    `case` ("upper", "lower" or None) is applied."""

    codes: type = None
    case: str | None = None
    length: int | None = None  # the database column's length for text codes (default: longest)

    @property
    def numeric(self) -> bool:
        return issubclass(self.codes, int)

    @property
    def stage_type(self) -> str:
        return "int" if self.numeric else "text"

    @property
    def empty(self):
        return None if self.numeric else ""

    def _cased(self, text: str) -> str:
        return text.upper() if self.case == "upper" else text.lower() if self.case else text

    def parse(self, value, context):
        if self.numeric:
            number = parse_integer(value)
            if number not in self.codes.values:
                raise Invalid(self._not_allowed())
            return number
        text = self._cased(strip(value))
        if text not in self.codes.values:
            raise Invalid(self._not_allowed())
        return text

    def parse_expr(self, text, context):
        allowed = list(self.codes.values)
        if self.numeric:
            number, bad = integer_expr(text)
            unknown = number.is_not_null() & ~number.is_in(allowed)
            value = pl.when(~unknown).then(number)
            return value, [(NOT_INTEGER, bad), (self._not_allowed(), unknown)]
        cased = text.str.to_uppercase() if self.case == "upper" else text
        cased = cased.str.to_lowercase() if self.case == "lower" else cased
        unknown = ~cased.is_in(allowed)
        return pl.when(~unknown).then(cased), [(self._not_allowed(), unknown)]

    def _not_allowed(self) -> Problem:
        return not_allowed()

    def literal(self, value) -> pl.Expr:
        return pl.lit(value, pl.Int64 if self.numeric else pl.String)

    def problems(self, context):
        return [NOT_INTEGER, self._not_allowed()] if self.numeric else [self._not_allowed()]

    def text_expr(self, column: str) -> pl.Expr:
        return strip_expr(pl.col(column))

    def label(self, value) -> str:
        try:
            return str(self.codes(value).label)
        except ValueError:
            return "" if value is None else str(value)


def code_items(text: pl.Expr) -> pl.Expr:
    """`"a; b;;c"` → ["a", "b", "c"] (null → [])."""
    return (
        text.fill_null("")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars(WHITESPACE))
        .list.eval(pl.element().filter(pl.element() != ""))
    )


def items_of(value) -> list[str]:
    """The items of a list value, or of text such as `"a; b;;c"`."""
    if isinstance(value, str):
        parts = value.split(";")
    elif isinstance(value, list | tuple | set | frozenset):
        parts = [getattr(v, "value", v) for v in value]
    else:
        parts = [value]
    return [item for p in parts if (item := strip(p))]


@dataclass(frozen=True)
class MultiChoice(Kind):
    """Any number of codes of `codes` (TextChoices), written `a;b` in a file and kept in the
    codes' own order without repeats. Stored as a JSON list, or (`flags`: code → model field) as
    one boolean column per code."""

    codes: type = None
    flags: dict = field(default_factory=dict)  # code → model field name
    flag_labels: dict = field(default_factory=dict)  # code → the model field's verbose name
    message: object = _("unknown code(s): %(codes)s.")
    empty = ()

    @property
    def stage_type(self) -> str:
        return "json"

    def _unknown(self) -> Problem:
        return Problem(
            code="choice",
            message=self.message,
            params=lambda t, _v: {
                "codes": ", ".join(i for i in items_of(t.lower()) if i not in self.codes.values)
            },
            params_expr=lambda t, _v: {
                "codes": code_items(t.str.to_lowercase())
                .list.eval(pl.element().filter(~pl.element().is_in(list(self.codes.values))))
                .list.join(", ")
            },
        )

    def parse(self, value, context) -> list[str]:
        given = [i.lower() for i in items_of(value)]
        if any(i not in self.codes.values for i in given):
            raise Invalid(self._unknown())
        return [c for c in self.codes.values if c in given]

    def parse_expr(self, text, context):
        items = code_items(text.str.to_lowercase())
        unknown = items.list.eval(
            pl.element().filter(~pl.element().is_in(list(self.codes.values)))
        ).list.len()
        ordered = pl.concat_list(
            [pl.when(items.list.contains(c)).then(pl.lit(c)) for c in self.codes.values]
        ).list.drop_nulls()
        return pl.when(unknown == 0).then(ordered), [(self._unknown(), unknown > 0)]

    def problems(self, context):
        return [self._unknown()]

    def literal(self, value) -> pl.Expr:
        return pl.lit(list(value), dtype=pl.List(pl.String))

    def to_text(self, value) -> str:
        return ";".join(value or ())


COUNT_ITEM = r"^([a-z_]+)\s*:\s*([0-9]{1,9})$"


@dataclass(frozen=True)
class Counts(Kind):
    """How many of each code of `codes` (TextChoices), at most `high` each: `kambing:3;sapi:1`
    in a file, a dict in code order without zeros (a code given twice: the last count). In Polars
    the value is the dict's JSON text, as it is staged."""

    codes: type = None
    high: int = 100_000
    malformed: object = None
    unknown: object = None
    too_many: object = None
    empty = {}
    stage_type = "json"

    def _problems(self) -> dict[str, Problem]:
        known = list(self.codes.values)
        return {
            "format": Problem(code="format", message=self.malformed),
            "choice": Problem(
                code="choice",
                message=self.unknown,
                params=lambda t, _v: {
                    "code": ", ".join(
                        m.group(1)
                        for i in items_of(t.lower())
                        if (m := re.match(COUNT_ITEM, i)) and m.group(1) not in known
                    )
                },
                params_expr=lambda t, _v: {
                    "code": code_items(t.str.to_lowercase())
                    .list.eval(pl.element().str.extract(COUNT_ITEM, 1))
                    .list.eval(pl.element().filter(~pl.element().is_in(known)))
                    .list.drop_nulls()
                    .list.join(", ")
                },
            ),
            "range": Problem(
                code="range",
                message=self.too_many,
                params=lambda *_: {"max": self.high},
                params_expr=lambda *_: {"max": pl.lit(str(self.high))},
            ),
        }

    def problems(self, context):
        return list(self._problems().values())

    def parse(self, value, context) -> dict[str, int]:
        if isinstance(value, dict):
            value = [f"{getattr(k, 'value', k)}:{integer_text(v)}" for k, v in value.items()]
        items = [i.lower() for i in items_of(value)]
        matches = [re.match(COUNT_ITEM, i) for i in items]
        problems = self._problems()
        if not all(matches):
            raise Invalid(problems["format"])
        counts = {m.group(1): int(m.group(2)) for m in matches}
        if any(kind not in self.codes.values for kind in counts):
            raise Invalid(problems["choice"])
        if any(n > self.high for n in counts.values()):
            raise Invalid(problems["range"])
        return {c: counts[c] for c in self.codes.values if counts.get(c)}

    def parse_expr(self, text, context):
        items = code_items(text.str.to_lowercase())
        malformed = items.list.eval(pl.element().filter(~pl.element().str.contains(COUNT_ITEM)))
        kinds = items.list.eval(pl.element().str.extract(COUNT_ITEM, 1)).list.drop_nulls()
        unknown = kinds.list.eval(pl.element().filter(~pl.element().is_in(list(self.codes.values))))
        parts, too_many = [], []
        for code in self.codes.values:
            count = (
                items.list.eval(
                    pl.element().str.extract(rf"^{code}\s*:\s*([0-9]{{1,9}})$", 1).cast(pl.Int64)
                )
                .list.drop_nulls()
                .list.last()
            )
            parts.append(pl.when(count > 0).then(pl.format(f'"{code}": {{}}', count)))
            too_many.append(count > self.high)
        problems = self._problems()
        failures = [
            (problems["format"], malformed.list.len() > 0),
            (problems["choice"], unknown.list.len() > 0),
            (problems["range"], pl.any_horizontal(too_many).fill_null(False)),
        ]
        value = "{" + pl.concat_str(parts, separator=", ", ignore_nulls=True) + "}"
        return value, failures

    def literal(self, value) -> pl.Expr:
        return pl.lit(json.dumps(value))

    def to_text(self, value) -> str:
        return ";".join(f"{k}:{n}" for k, n in (value or {}).items())
