"""The type of a declared field in an API schema (core.records.schemas)."""

from __future__ import annotations

import datetime
from functools import singledispatch
from typing import Annotated, Any, Literal

from annotated_types import Ge, Le

from ..coded import Choice, Counts, MultiChoice
from ..kinds import Date, Decimal, Digits, Integer, Kind, Text
from ..record import UNSET, Field

# ---------------------------------------------------------------------------------- API types


@singledispatch
def api_type(kind: Kind, field: Field) -> tuple[Any, dict]:
    """(annotation, pydantic Field options) of the field in an API schema."""
    raise NotImplementedError(type(kind))


@api_type.register
def _api_type_text(kind: Text, field: Field):
    if field.required:
        return str, {"min_length": 1, "max_length": kind.max_length}
    return str, {"max_length": kind.max_length}


@api_type.register
def _api_type_digits(kind: Digits, field: Field):
    return str, {"max_length": kind.width}


@api_type.register
def _api_type_integer(kind: Integer, field: Field):
    bounds = {k: v for k, v in (("ge", kind.low), ("le", kind.high)) if v is not None}
    return int, bounds


@api_type.register
def _api_type_decimal(kind: Decimal, field: Field):
    return float, {"ge": float(kind.low), "le": float(kind.high)}


@api_type.register
def _api_type_date(kind: Date, field: Field):
    return datetime.date, {}


@api_type.register
def _api_type_choice(kind: Choice, field: Field):
    if not kind.numeric and not field.required and field.default is UNSET:
        return kind.codes | Literal[""], {}
    return kind.codes, {}


@api_type.register
def _api_type_multichoice(kind: MultiChoice, field: Field):
    return list[kind.codes], {}


@api_type.register
def _api_type_counts(kind: Counts, field: Field):
    return dict[kind.codes, Annotated[int, Ge(0), Le(kind.high)]], {}
