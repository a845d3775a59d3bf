"""A validated rule tree compiled to one condition on the registry's people: an ORM `Q` over the
person, his family and its dwelling, with `Exists` subqueries for what a person has several of
(disability records in force, PPKS categories, enrolments). Values are parameters, fields come
from fields.py: no text of a rule reaches SQL.

Every condition is two-valued (a missing value fails a comparison, whatever `not` is around it),
as the Python evaluation (evaluate.py) reads it; tests/programs/test_rules_property.py holds the
two to the same answers on random registries and trees."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import Contains

from padu.core.scoping import subtree_q
from padu.registry.models import Person, PersonDisability

from ..codes import ENROLLED_STATES
from . import dates
from .fields import AREA, CODE, CODES, DATE, ENROLMENT, NUMBER, TEXT, RuleField, rule_fields


@dataclass(frozen=True)
class Context:
    """What a rule is read against: the day ages and "within N years" are reckoned on."""

    reference_date: datetime.date


def compile_tree(tree: dict, context: Context) -> Q:
    if "not" in tree:
        return ~compile_tree(tree["not"], context)
    if "all" in tree:
        return _combine([compile_tree(c, context) for c in tree["all"]], "all")
    if "any" in tree:
        return _combine([compile_tree(c, context) for c in tree["any"]], "any")
    return compile_condition(tree, context)


def _combine(parts: list[Q], how: str) -> Q:
    out = parts[0]
    for part in parts[1:]:
        out = out & part if how == "all" else out | part
    return out


def compile_condition(cond: dict, context: Context) -> Q:
    rf = rule_fields()[cond["field"]]
    op, value = cond["op"], cond.get("value")
    if rf.key == "age":
        return _age(op, value, context.reference_date)
    if rf.type == AREA:
        inside = subtree_q("region__code", value)
        return inside if op == "in" else ~inside
    if rf.type == ENROLMENT:
        return Q(_enrolled(cond["program"], value, context.reference_date))
    if rf.type == CODES:
        return _codes(rf, op, value)
    return _stored(rf, op, value)


def _param(rf: RuleField, value):
    if rf.type == DATE:
        return datetime.date.fromisoformat(value)
    if rf.type == NUMBER and not rf.integer:
        return Decimal(str(value))
    return value


def _empty(rf: RuleField) -> Q:
    blank = Q(**{f"{rf.path}__isnull": True})
    if rf.type == TEXT or (rf.type == CODE and not rf.numeric_codes):
        blank |= Q(**{rf.path: ""})
    return blank


def _stored(rf: RuleField, op: str, value) -> Q:
    path = rf.path
    if op == "is_empty":
        return _empty(rf)
    if op == "not_empty":
        return ~_empty(rf)
    if rf.type == CODE:
        chosen = Q(**{f"{path}__in": value})
        return chosen if op == "in" else ~_empty(rf) & ~chosen
    # An unknown value never meets a comparison. Said outright because Django drops a bound
    # outside an integer column's range (income > -1 on a positive column) as always true,
    # which would let NULL through.
    known = Q(**{f"{path}__isnull": False})
    if op == "between":
        low, high = (_param(rf, v) for v in value)
        return known & Q(**{f"{path}__gte": low, f"{path}__lte": high})
    param = _param(rf, value)
    if op == "ne":
        return ~_empty(rf) & ~Q(**{path: param})
    lookup = {"eq": "exact", "lt": "lt", "le": "lte", "gt": "gt", "ge": "gte"}[op]
    return known & Q(**{f"{path}__{lookup}": param})


def _age(op: str, value, on: datetime.date) -> Q:
    def at_least(n: int) -> Q:
        return Q(birth_date__lte=dates.born_by(n, on))

    def below(n: int) -> Q:
        return Q(birth_date__gt=dates.born_by(n, on))

    if op == "is_empty":
        return Q(birth_date__isnull=True)
    if op == "not_empty":
        return Q(birth_date__isnull=False)
    if op == "between":
        return at_least(value[0]) & below(value[1] + 1)
    if op == "eq":
        return at_least(value) & below(value + 1)
    if op == "ne":
        return Q(birth_date__isnull=False) & ~(at_least(value) & below(value + 1))
    return {
        "ge": lambda n: at_least(n),
        "gt": lambda n: at_least(n + 1),
        "lt": lambda n: below(n),
        "le": lambda n: below(n + 1),
    }[op](value)


def _has_any(rf: RuleField, codes: list) -> Q:
    """The person has one of `codes` of a multi-valued field."""
    if rf.key in ("disability_type", "disability_severity"):
        column = "type" if rf.key == "disability_type" else "severity"
        # Bounded by the outer (scoped) person: a subquery, never read on its own.
        rows = PersonDisability.objects.unscoped().filter(
            person=OuterRef("pk"), ended_on__isnull=True, **{f"{column}__in": codes}
        )
        return Q(Exists(rows))
    if rf.key == "ppks":
        rows = Person.ppks.through.objects.filter(
            person=OuterRef("pk"), ppkscategory__code__in=codes
        )
        return Q(Exists(rows))
    # A JSON list of text codes: its JSON text holds `"code"` (quoted, so no code matches
    # inside another), on SQLite and PostgreSQL alike.
    text = Cast(F(rf.path), output_field=TextField())
    return _combine([Q(Contains(text, f'"{code}"')) for code in codes], "any") & Q(
        **{f"{rf.path}__isnull": False}
    )


def _codes(rf: RuleField, op: str, value) -> Q:
    if op in ("is_empty", "not_empty"):
        value = _all_codes(rf)
        has = _has_any(rf, value) if value else Q(pk__in=[])
        return has if op == "not_empty" else ~has
    has = _has_any(rf, value)
    return has if op == "any_of" else ~has


def _all_codes(rf: RuleField) -> list:
    if rf.key == "ppks":
        from padu.registry.models import PPKSCategory

        return list(PPKSCategory.objects.values_list("code", flat=True))
    return [code for code, _label in rf.choices]


def _enrolled(program: str, years: int, on: datetime.date) -> Exists:
    """A place taken (approved onwards) in a cohort of `program` decreed within `years` before
    `on`: the person's own, or his family's (a family program's candidates name their family;
    a person program's do not)."""
    from ..models import Candidate

    # Bounded by the outer (scoped) person: a subquery, never read on its own.
    rows = Candidate.objects.unscoped().filter(
        Q(person=OuterRef("pk")) | Q(family=OuterRef("family_id")),
        cohort__program__code=program,
        state__in=ENROLLED_STATES,
        cohort__decree_date__gte=dates.years_before(on, years),
        cohort__decree_date__lte=on,
    )
    return Exists(rows)
