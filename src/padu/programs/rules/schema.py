"""The rule tree and its checks.

A tree is JSON: a group `{"all": [...]}`, `{"any": [...]}` or `{"not": node}`, or a condition
`{"field": "family.desil", "op": "between", "value": [1, 4]}` (fields.py lists the fields and the
comparisons each takes). "Enrolled in a program" names it: `{"field": "enrolled",
"op": "within_years", "value": 2, "program": "PKH"}`.

`validate` returns the tree normalised (values in their types, codes in their list's order) or
raises ValidationFailed with one message per problem, in the user's language, naming the
condition by its number (conditions are numbered depth first, as the editor lists them). Nothing
in a tree is ever run: the compiler turns known fields and comparisons into ORM conditions, with
the values as parameters."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from padu.core.errors import ValidationFailed
from padu.regions.models import Region

from .fields import (
    AREA,
    CODE,
    CODES,
    DATE,
    ENROLMENT,
    NO_VALUE,
    NUMBER,
    TEXT,
    RuleField,
    field_choices,
    rule_fields,
)

GROUPS = ("all", "any")
MAX_DEPTH = 6
MAX_CONDITIONS = 40
MAX_YEARS = 50
MAX_TEXT = 200
MAX_NUMBER = Decimal(10) ** 12


def conditions(tree: dict) -> list[dict]:
    """The tree's conditions, depth first (their numbers are their places here, from 1)."""
    if "not" in tree:
        return conditions(tree["not"])
    for key in GROUPS:
        if key in tree:
            return [c for child in tree[key] for c in conditions(child)]
    return [tree]


class _Checker:
    def __init__(self):
        self.errors: list[str] = []
        self.count = 0

    def fail(self, message: str) -> None:
        self.errors.append(message)

    def node(self, node, depth: int):
        if not isinstance(node, dict):
            self.fail(_("A rule must be a group or a condition."))
            return None
        if depth > MAX_DEPTH:
            self.fail(_("Rules may be nested at most %(max)d deep.") % {"max": MAX_DEPTH})
            return None
        if "not" in node:
            if len(node) != 1:
                self.fail(_("A “not” group holds exactly one rule."))
                return None
            inner = self.node(node["not"], depth + 1)
            return None if inner is None else {"not": inner}
        for key in GROUPS:
            if key in node:
                children = node[key]
                if len(node) != 1 or not isinstance(children, list):
                    self.fail(_("A group holds a list of rules."))
                    return None
                if not children:
                    self.fail(_("A group needs at least one rule."))
                    return None
                out = [self.node(child, depth + 1) for child in children]
                return None if None in out else {key: out}
        return self.condition(node)

    def condition(self, node: dict):
        self.count += 1
        number = self.count
        if self.count > MAX_CONDITIONS:
            if self.count == MAX_CONDITIONS + 1:
                self.fail(_("At most %(max)d conditions.") % {"max": MAX_CONDITIONS})
            return None
        rf = rule_fields().get(node.get("field"))
        if rf is None:
            self.fail(_("Condition %(n)d: choose a field.") % {"n": number})
            return None
        op = node.get("op")
        if op not in rf.ops:
            self.fail(
                _("Condition %(n)d: “%(field)s” cannot be compared that way.")
                % {"n": number, "field": rf.label}
            )
            return None
        out = {"field": rf.key, "op": op}
        if op in NO_VALUE:
            return out
        try:
            out["value"] = _value(rf, op, node.get("value"))
            if rf.type == ENROLMENT:
                out["program"] = _program(node.get("program"))
        except ValueError as exc:
            self.fail(
                _("Condition %(n)d (%(field)s): %(problem)s")
                % {"n": number, "field": rf.label, "problem": exc}
            )
            return None
        return out


def validate(tree) -> dict:
    checker = _Checker()
    out = checker.node(tree, 1)
    if checker.errors or out is None:
        raise ValidationFailed({"tree": checker.errors or [_("The rules are empty.")]})
    return out


def _number(rf: RuleField, raw):
    try:
        number = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, TypeError):
        raise ValueError(_("enter a number.")) from None
    if not number.is_finite() or abs(number) > MAX_NUMBER:
        raise ValueError(_("enter a number.")) from None
    if rf.integer or rf.key == "age":
        if number != number.to_integral_value():
            raise ValueError(_("enter a whole number."))
        return int(number)
    return str(number)


def _date(raw) -> str:
    try:
        return datetime.date.fromisoformat(str(raw).strip()).isoformat()
    except ValueError:
        raise ValueError(_("enter a date as YYYY-MM-DD.")) from None


def _scalar(rf: RuleField, raw):
    if rf.type == NUMBER:
        return _number(rf, raw)
    if rf.type == DATE:
        return _date(raw)
    text = str(raw or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise ValueError(_("enter a text of 1 to %(max)d characters.") % {"max": MAX_TEXT})
    return text


def _codes(rf: RuleField, raw) -> list:
    given = raw if isinstance(raw, list) else [raw]
    allowed = [code for code, _label in field_choices(rf)]
    chosen = []
    for item in given:
        code = item
        if rf.numeric_codes:
            try:
                code = int(item)
            except (TypeError, ValueError):
                code = None
        if code not in allowed:
            raise ValueError(_("%(code)s is not in the list.") % {"code": item})
        chosen.append(code)
    if not chosen:
        raise ValueError(_("choose at least one."))
    return [code for code in allowed if code in chosen]


def _areas(raw) -> list[str]:
    given = sorted({str(c).strip() for c in (raw if isinstance(raw, list) else [raw]) if c})
    if not given:
        raise ValueError(_("choose at least one area."))
    known = set(Region.objects.filter(code__in=given).values_list("code", flat=True))
    unknown = [c for c in given if c not in known]
    if unknown:
        raise ValueError(_("unknown area code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    return given


def _program(raw) -> str:
    from ..models import Program

    code = str(raw or "").strip()
    if not Program.objects.filter(code=code).exists():
        raise ValueError(_("choose a program."))
    return code


def _value(rf: RuleField, op: str, raw):
    if rf.type in (CODE, CODES):
        return _codes(rf, raw)
    if rf.type == AREA:
        return _areas(raw)
    if rf.type == ENROLMENT:
        years = _number(rf, raw)
        if not 1 <= years <= MAX_YEARS:
            raise ValueError(_("enter a number of years from 1 to %(max)d.") % {"max": MAX_YEARS})
        return years
    if op == "between":
        if not isinstance(raw, list | tuple) or len(raw) != 2:
            raise ValueError(_("give both ends."))
        low, high = _scalar(rf, raw[0]), _scalar(rf, raw[1])
        if _key(rf, low) > _key(rf, high):
            raise ValueError(_("the first end must not be above the second."))
        return [low, high]
    if rf.type == TEXT and op not in ("eq", "ne"):
        raise ValueError(_("compare a text with “equals” or “differs from”."))
    return _scalar(rf, raw)


def _key(rf: RuleField, value):
    return Decimal(str(value)) if rf.type == NUMBER else value
