"""The form field(s) of a declared field, and the values between a form and a data dict."""

from __future__ import annotations

from functools import singledispatch

from django import forms
from django.utils.translation import gettext_lazy as _

from padu.core.forms import DATE_INPUT

from ..coded import Choice, Counts, MultiChoice
from ..kinds import Date, Decimal, Digits, Integer, Kind, Text
from ..record import UNSET, Field

NUMERIC = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
NOT_RECORDED = _("— not recorded —")
CHOOSE = _("— choose —")


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
        field.name: forms.DateField(**form_options(field, widget=forms.DateInput(**DATE_INPUT)))
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
