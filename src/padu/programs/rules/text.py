"""A condition and a value in words, for the editor, the funnel and a person's explanation."""

from __future__ import annotations

import datetime

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from .fields import AREA, CODE, CODES, ENROLMENT, NO_VALUE, OP_LABELS, field_choices, rule_fields


def _one(rf, value) -> str:
    if rf.type in (CODE, CODES):
        labels = dict(field_choices(rf))
        return str(labels.get(value, value))
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number_format(value, force_grouping=True)
    return str(value)


def wanted_text(cond: dict) -> str:
    rf = rule_fields()[cond["field"]]
    op, value = cond["op"], cond.get("value")
    if op in NO_VALUE:
        return ""
    if rf.type == ENROLMENT:
        return _("%(program)s, within %(years)d years") % {
            "program": cond["program"],
            "years": value,
        }
    if op == "between":
        return _("%(low)s and %(high)s") % {"low": value[0], "high": value[1]}
    if isinstance(value, list):
        return ", ".join(_one(rf, v) for v in value)
    return _one(rf, value) if rf.type != AREA else str(value)


def describe(cond: dict) -> str:
    """ "Age on the reference date (years) between (inclusive) 18 and 59"."""
    rf = rule_fields()[cond["field"]]
    parts = [str(rf.label), str(OP_LABELS[cond["op"]]), wanted_text(cond)]
    return " ".join(p for p in parts if p)


def value_text(cond: dict, actual) -> str:
    rf = rule_fields()[cond["field"]]
    if actual is None or actual == "" or actual == []:
        return _("(empty)")
    if isinstance(actual, list):
        return ", ".join(_one(rf, v) for v in actual)
    return _one(rf, actual)
