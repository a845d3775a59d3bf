"""What the other layers derive from a declared field: its model field(s), how a record's values
are read from and written to a model instance, its form field, its API type, and what the layout
document says of its column.

Each is a `functools.singledispatch` on the field's kind, so that a domain app's own kinds (the
registry's NIK, region and category kinds) register their derivations beside their declaration.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass
from functools import singledispatch
from typing import Any, Literal

import polars as pl
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import Choice, Counts, Date, Decimal, Digits, Integer, Kind, MultiChoice, Text
from .record import UNSET, Field, Record

NUMERIC = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
NOT_RECORDED = _("— not recorded —")
CHOOSE = _("— choose —")


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


# ------------------------------------------------------------------------------ form fields


@singledispatch
def form_fields(kind: Kind, field: Field) -> dict[str, forms.Field]:
    """The form field(s) of `field`, by form field name."""
    raise NotImplementedError(type(kind))


def form_options(field: Field, **options) -> dict:
    return {
        "label": field.label,
        "required": field.required,
        "help_text": field.help_text,
        **options,
    }


@form_fields.register
def _form_fields_text(kind: Text, field: Field):
    widget = forms.Textarea(attrs={"rows": 3}) if kind.long else None
    return {
        field.name: forms.CharField(
            **form_options(field, max_length=kind.max_length, widget=widget)
        )
    }


@form_fields.register
def _form_fields_digits(kind: Digits, field: Field):
    return {
        field.name: forms.CharField(
            **form_options(field, max_length=kind.width, widget=forms.TextInput(attrs=NUMERIC))
        )
    }


@form_fields.register
def _form_fields_integer(kind: Integer, field: Field):
    return {
        field.name: forms.IntegerField(
            **form_options(
                field,
                min_value=kind.low,
                max_value=kind.high,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        )
    }


@form_fields.register
def _form_fields_decimal(kind: Decimal, field: Field):
    return {
        field.name: forms.DecimalField(
            **form_options(
                field,
                max_digits=kind.digits,
                decimal_places=kind.places,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        )
    }


@form_fields.register
def _form_fields_date(kind: Date, field: Field):
    return {
        field.name: forms.DateField(
            **form_options(field, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        )
    }


@form_fields.register
def _form_fields_choice(kind: Choice, field: Field):
    if len(kind.codes.choices) <= 3 and field.required:
        return {
            field.name: forms.ChoiceField(
                **form_options(field, choices=kind.codes.choices, widget=forms.RadioSelect)
            )
        }
    if field.default is not UNSET:
        return {
            field.name: forms.ChoiceField(
                **form_options(field, choices=kind.codes.choices, initial=field.default)
            )
        }
    empty = CHOOSE if field.required else NOT_RECORDED
    return {
        field.name: forms.TypedChoiceField(
            **form_options(
                field,
                choices=[("", empty), *kind.codes.choices],
                coerce=int if kind.numeric else str,
                empty_value=None if kind.numeric else "",
            )
        )
    }


@form_fields.register
def _form_fields_multichoice(kind: MultiChoice, field: Field):
    return {
        field.name: forms.MultipleChoiceField(
            **form_options(field, choices=kind.codes.choices, widget=forms.CheckboxSelectMultiple)
        )
    }


@form_fields.register
def _form_fields_counts(kind: Counts, field: Field):
    return {
        f"{field.name}_{code.value}": forms.IntegerField(
            label=code.label,
            required=False,
            min_value=0,
            max_value=kind.high,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        )
        for code in kind.codes
    }


@singledispatch
def form_value(kind: Kind, field: Field, cleaned: dict):
    """The field's value from a form's cleaned data (the form fields of `form_fields`)."""
    value = cleaned.get(field.name)
    return field.empty if value in (None, "") else value


@form_value.register
def _form_value_multichoice(kind: MultiChoice, field: Field, cleaned: dict):
    return list(cleaned.get(field.name) or [])


@form_value.register
def _form_value_counts(kind: Counts, field: Field, cleaned: dict):
    return {
        code.value: count
        for code in kind.codes
        if (count := cleaned.get(f"{field.name}_{code.value}"))
    }


@singledispatch
def form_initial(kind: Kind, field: Field, value) -> dict:
    """The form's initial values (by form field name) for the field's value."""
    return {field.name: "" if value is None else value}


@form_initial.register
def _form_initial_multichoice(kind: MultiChoice, field: Field, value) -> dict:
    return {field.name: list(value or [])}


@form_initial.register
def _form_initial_counts(kind: Counts, field: Field, value) -> dict:
    return {f"{field.name}_{code}": count for code, count in (value or {}).items()}


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
    return dict[kind.codes, int], {}


# ----------------------------------------------------------------------------- the document


@singledispatch
def describe(kind: Kind, field: Field) -> str:
    """What the layout document says a column holds."""
    raise NotImplementedError(type(kind))


@describe.register
def _describe_text(kind: Text, field: Field):
    return str(_("text, at most %(limit)d characters")) % {"limit": kind.max_length}


@describe.register
def _describe_digits(kind: Digits, field: Field):
    return str(_("1–%(width)d digits")) % {"width": kind.width}


@describe.register
def _describe_integer(kind: Integer, field: Field):
    if kind.low is not None and kind.high is not None:
        return str(_("whole number, %(low)s–%(high)s")) % {"low": kind.low, "high": kind.high}
    return str(_("whole number"))


@describe.register
def _describe_decimal(kind: Decimal, field: Field):
    return str(_("decimal number, %(low)s … %(high)s")) % {
        "low": _plain(kind.low),
        "high": _plain(kind.high),
    }


@describe.register
def _describe_date(kind: Date, field: Field):
    return str(_("`YYYY-MM-DD` or `DD-MM-YYYY`"))


def code_list(codes) -> str:
    return ", ".join(f"`{c.value}` {c.label}" for c in codes)


@describe.register
def _describe_choice(kind: Choice, field: Field):
    return code_list(kind.codes)


@describe.register
def _describe_multichoice(kind: MultiChoice, field: Field):
    return str(_("codes separated by `;`: %(codes)s")) % {"codes": code_list(kind.codes)}


@describe.register
def _describe_counts(kind: Counts, field: Field):
    return str(_("`code:count` separated by `;`, codes: %(codes)s")) % {
        "codes": code_list(kind.codes)
    }


def _plain(value) -> str:
    return (
        format(value, "f").rstrip("0").rstrip(".")
        if isinstance(value, decimal.Decimal)
        else str(value)
    )


# ------------------------------------------------------------------------------------ display


@singledispatch
def display(kind: Kind, field: Field, value) -> str:
    """The value as a page shows it (a value as stored, or as its audit entry keeps it)."""
    return str(value)


@display.register
def _display_integer(kind: Integer, field: Field, value) -> str:
    from django.contrib.humanize.templatetags.humanize import intcomma

    from padu.core.formats import rupiah

    return rupiah(value) if kind.money else intcomma(value)


@display.register
def _display_date(kind: Date, field: Field, value) -> str:
    from django.utils import formats
    from django.utils.dateparse import parse_date

    day = parse_date(value) if isinstance(value, str) else value
    return formats.date_format(day, "DATE_FORMAT") if day else str(value)


@display.register
def _display_choice(kind: Choice, field: Field, value) -> str:
    return kind.label(value)


@display.register
def _display_multichoice(kind: MultiChoice, field: Field, value) -> str:
    return ", ".join(_label_of(kind.codes, v) for v in value)


@display.register
def _display_counts(kind: Counts, field: Field, value) -> str:
    return "; ".join(f"{_label_of(kind.codes, k)}: {n}" for k, n in dict(value).items())


def _label_of(codes, value) -> str:
    try:
        return str(codes(value).label)
    except ValueError:
        return str(value)
