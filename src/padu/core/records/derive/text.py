"""A declared field's value as text for people: what the layout document says a column holds,
and how a page shows a value."""

from __future__ import annotations

import decimal
from functools import singledispatch

from django.utils.translation import gettext_lazy as _

from ..coded import Choice, Counts, MultiChoice
from ..kinds import Date, Decimal, Digits, Integer, Kind, Text
from ..record import Field

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
