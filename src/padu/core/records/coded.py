"""Field kinds whose values are codes: one code of a list (`Choice`), several (`MultiChoice`), and
counts per code (`Counts`). Like the other kinds (`kinds.py`), each rule has its Python and its
Polars rendering side by side.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext_lazy as _

from .kinds import (
    NOT_INTEGER,
    Invalid,
    Kind,
    integer_expr,
    integer_text,
    parse_integer,
    strip,
    strip_expr,
)
from .problems import WHITESPACE, WHITESPACE_RUN, Problem


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
    `case` ("upper", "lower" or None) is applied. `aliases`: the words files use for a code, in
    capitals (`{"LAKI-LAKI": "L", "KEPALA KELUARGA": 1}`), read as the code whatever their case
    and spacing (`Laki-laki`, `kepala  keluarga`)."""

    codes: type = None
    case: str | None = None
    length: int | None = None  # the database column's length for text codes (default: longest)
    aliases: dict = field(default_factory=dict)

    def __post_init__(self):
        if not set(self.aliases.values()) <= set(self.codes.values) or any(
            key != " ".join(key.split()).upper() for key in self.aliases
        ):
            raise ValueError("aliases are capitalised words for codes of the kind's own list")
        plain = {key: getattr(code, "value", code) for key, code in self.aliases.items()}
        object.__setattr__(self, "aliases", plain)

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
        if self.aliases:
            code = self.aliases.get(" ".join(strip(value).split()).upper())
            if code is not None:
                return code
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
        value, failures = self._parse_expr(text)
        if not self.aliases:
            return value, failures
        words = text.str.replace_all(WHITESPACE_RUN, " ").str.to_uppercase()
        dtype = pl.Int64 if self.numeric else pl.String
        alias = words.replace_strict(self.aliases, default=None, return_dtype=dtype)
        return pl.coalesce(alias, value), [(p, bad & alias.is_null()) for p, bad in failures]

    def _parse_expr(self, text):
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
