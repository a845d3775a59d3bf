"""Where a declared field is kept: its model field(s), its model columns, how a record's values
are read from and written to a model instance, and what a bulk import stages for it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import singledispatch
from typing import Any

import polars as pl
from django.db import models

from ..coded import Choice, Counts, MultiChoice
from ..kinds import Date, Decimal, Digits, Integer, Kind, Text
from ..record import UNSET, Field, Record

# ----------------------------------------------------------------------------------- storage


@dataclass(frozen=True)
class Stored:
    """One model column a field is stored in: the model field's name, its column name (attname),
    and the staging type of an import."""

    name: str
    attname: str
    stage_type: str


@singledispatch
def storage(kind: Kind, field: Field) -> list[Stored]:
    """The model columns that hold `field` (none for a many-to-many link)."""
    return [Stored(field.name, field.name, kind.stage_type)]


@storage.register
def _storage_multichoice(kind: MultiChoice, field: Field) -> list[Stored]:
    if kind.flags:
        return [Stored(name, name, "bool") for name in kind.flags.values()]
    return [Stored(field.name, field.name, "json")]


@singledispatch
def stage_exprs(kind: Kind, field: Field, value: pl.Expr) -> dict[str, pl.Expr]:
    """The staged columns of a bulk import from the field's parsed value (`bulk.FileRules`), as
    `storage` names them."""
    return {field.name: value}


@stage_exprs.register
def _stage_exprs_decimal(kind: Decimal, field: Field, value: pl.Expr):
    return {field.name: value.cast(pl.String)}


@stage_exprs.register
def _stage_exprs_multichoice(kind: MultiChoice, field: Field, value: pl.Expr):
    if kind.flags:
        return {
            name: value.list.contains(code).fill_null(False) for code, name in kind.flags.items()
        }
    quoted = value.list.eval(pl.format('"{}"', pl.element())).list.join(",")
    return {field.name: pl.concat_str([pl.lit("["), quoted, pl.lit("]")])}


@singledispatch
def read(kind: Kind, obj, field: Field):
    """The field's value on a model instance, as `Record.clean` gives it."""
    return getattr(obj, field.name)


@read.register
def _read_multichoice(kind: MultiChoice, obj, field: Field):
    if kind.flags:
        return [code for code, name in kind.flags.items() if getattr(obj, name)]
    return list(getattr(obj, field.name) or [])


@read.register
def _read_counts(kind: Counts, obj, field: Field):
    return dict(getattr(obj, field.name) or {})


@singledispatch
def write(kind: Kind, obj, field: Field, value) -> list[str]:
    """Set `value` on a model instance; the names of the model fields that changed."""
    if getattr(obj, field.name) == value:
        return []
    setattr(obj, field.name, value)
    return [field.name]


@write.register
def _write_multichoice(kind: MultiChoice, obj, field: Field, value) -> list[str]:
    if not kind.flags:
        return write.dispatch(Kind)(kind, obj, field, list(value))
    changed = []
    for code, name in kind.flags.items():
        if getattr(obj, name) != (code in value):
            setattr(obj, name, code in value)
            changed.append(name)
    return changed


def record_values(record: Record, obj, names=None) -> dict:
    """`obj`'s values of the record's fields (all of them, or `names`)."""
    fields = record.fields if names is None else record.select(names)
    return {f.name: read(f.kind, obj, f) for f in fields}


def record_write(record: Record, obj, values: dict) -> list[str]:
    """Set the record's fields given in `values` on `obj`; the model fields that changed."""
    changed = []
    for f in record.select(values):
        changed += write(f.kind, obj, f, values[f.name])
    return changed


# ------------------------------------------------------------------------------ model fields


@singledispatch
def model_fields(kind: Kind, field: Field) -> dict[str, models.Field]:
    raise NotImplementedError(type(kind))


def model_options(field: Field, **options) -> dict:
    out = {"verbose_name": field.label, **options}
    if field.default is not UNSET and field.default is not None:
        out["default"] = field.default
    return {**out, **field.model_options}


@model_fields.register
def _model_fields_text(kind: Text, field: Field):
    if kind.long:
        return {field.name: models.TextField(**model_options(field, blank=True))}
    return {
        field.name: models.CharField(
            **model_options(field, max_length=kind.max_length, blank=not field.required)
        )
    }


@model_fields.register
def _model_fields_digits(kind: Digits, field: Field):
    return {field.name: models.CharField(**model_options(field, max_length=kind.width, blank=True))}


def _nullable(field: Field) -> dict:
    return {} if field.required else {"null": True, "blank": True}


@model_fields.register
def _model_fields_integer(kind: Integer, field: Field):
    cls = {
        "small": models.PositiveSmallIntegerField,
        "int": models.PositiveIntegerField,
        "big": models.PositiveBigIntegerField,
    }[kind.size]
    return {field.name: cls(**model_options(field, **_nullable(field)))}


@model_fields.register
def _model_fields_decimal(kind: Decimal, field: Field):
    return {
        field.name: models.DecimalField(
            **model_options(
                field, max_digits=kind.digits, decimal_places=kind.places, **_nullable(field)
            )
        )
    }


@model_fields.register
def _model_fields_date(kind: Date, field: Field):
    return {field.name: models.DateField(**model_options(field, **_nullable(field)))}


@model_fields.register
def _model_fields_choice(kind: Choice, field: Field):
    if kind.numeric:
        return {
            field.name: models.PositiveSmallIntegerField(
                **model_options(field, choices=kind.codes.choices, **_nullable(field))
            )
        }
    length = kind.length or max(len(v) for v in kind.codes.values)
    blank = {} if field.required or field.default is not UNSET else {"blank": True}
    return {
        field.name: models.CharField(
            **model_options(field, max_length=length, choices=kind.codes.choices, **blank)
        )
    }


@model_fields.register
def _model_fields_multichoice(kind: MultiChoice, field: Field):
    if kind.flags:
        return {
            name: models.BooleanField(kind.flag_labels[code], default=False)
            for code, name in kind.flags.items()
        }
    return {field.name: models.JSONField(**model_options(field, default=list, blank=True))}


@model_fields.register
def _model_fields_counts(kind: Counts, field: Field):
    return {field.name: models.JSONField(**model_options(field, default=dict, blank=True))}


def abstract_model(record: Record, name: str, module: str) -> type[models.Model]:
    """An abstract model holding the record's declared fields; the concrete model inherits it
    and adds what is not the record's data (keys to other records, bookkeeping, indexes)."""
    attrs: dict[str, Any] = {"__module__": module}
    for f in record.fields:
        attrs.update(model_fields(f.kind, f))
    attrs["Meta"] = type("Meta", (), {"abstract": True})
    return type(name, (models.Model,), attrs)
