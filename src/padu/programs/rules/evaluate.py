"""The rules read for one person in Python: his facts loaded once (`facts`), each condition met or
not with the value that decided (`explain`). The SQL compilation (compiler.py) must give the same
answers: tests/programs/test_rules_property.py compares them on random registries and trees."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Q

from padu.core.scoping import within
from padu.registry.models import Person

from ..codes import ENROLLED_STATES
from . import dates
from .fields import AREA, CODE, CODES, DATE, ENROLMENT, NUMBER, TEXT, rule_fields
from .text import describe, value_text


class Facts:
    """What the rules may ask of one person. His family and dwelling come with him
    (`select_related("family__dwelling")`); what he has several of is read when a condition
    asks, one query each, so an explanation costs only what its rules need."""

    def __init__(self, person: Person, reference_date: datetime.date):
        self.person = person
        self.reference_date = reference_date

    def stored(self, path: str):
        value = self.person
        for part in path.split("__"):
            if value is None:
                return None
            value = getattr(value, part)
        return value

    @cached_property
    def _in_force(self) -> list[tuple[str, str]]:
        rows = self.person.disabilities.filter(ended_on__isnull=True)
        return list(rows.values_list("type", "severity"))

    @property
    def disability_types(self) -> list[str]:
        return sorted({t for t, _s in self._in_force})

    @property
    def disability_severities(self) -> list[str]:
        return sorted({s for _t, s in self._in_force if s})

    @cached_property
    def ppks(self) -> list[int]:
        return sorted(self.person.ppks.values_list("code", flat=True))

    @cached_property
    def enrolments(self) -> list[tuple]:
        """(program code, decree date, state) of the places of him or his family."""
        from ..models import Candidate

        # Bounded by the person (already read in the caller's scope) and his family.
        places = Candidate.objects.unscoped().filter(
            Q(person=self.person) | Q(family_id=self.person.family_id)
        )
        return list(places.values_list("cohort__program__code", "cohort__decree_date", "state"))


def facts(person: Person, reference_date: datetime.date) -> Facts:
    return Facts(person, reference_date)


def _empty(rf, value) -> bool:
    return value is None or (
        value == "" and (rf.type == TEXT or (rf.type == CODE and not rf.numeric_codes))
    )


def _typed(rf, value):
    if rf.type == DATE:
        return datetime.date.fromisoformat(value)
    if rf.type == NUMBER:
        return Decimal(str(value))
    return value


def _compare(op: str, actual, wanted) -> bool:
    if actual is None:
        return False
    if op == "between":
        return wanted[0] <= actual <= wanted[1]
    return {
        "eq": actual == wanted,
        "ne": actual != wanted,
        "lt": actual < wanted,
        "le": actual <= wanted,
        "gt": actual > wanted,
        "ge": actual >= wanted,
    }[op]


def actual_value(cond: dict, f: Facts):
    """The value a condition reads from the person."""
    rf = rule_fields()[cond["field"]]
    if rf.key == "age":
        return dates.age(f.person.birth_date, f.reference_date)
    if rf.type == AREA:
        return f.person.region_id
    if rf.type == ENROLMENT:
        return sorted(
            {
                decree
                for code, decree, state in f.enrolments
                if code == cond["program"] and state in ENROLLED_STATES and decree
            }
        )
    if rf.type == CODES:
        if rf.key == "disability_type":
            return f.disability_types
        if rf.key == "disability_severity":
            return f.disability_severities
        if rf.key == "ppks":
            return f.ppks
        return list(f.stored(rf.path) or [])
    return f.stored(rf.path)


def met(cond: dict, f: Facts, actual) -> bool:
    rf = rule_fields()[cond["field"]]
    op, value = cond["op"], cond.get("value")
    if rf.type == AREA:
        inside = any(within(actual, root) for root in value)
        return inside if op == "in" else not inside
    if rf.type == ENROLMENT:
        since = dates.years_before(f.reference_date, value)
        return any(since <= day <= f.reference_date for day in actual)
    if rf.type == CODES:
        if op in ("is_empty", "not_empty"):
            from .compiler import _all_codes

            has = bool(set(actual) & set(_all_codes(rf)))
            return has if op == "not_empty" else not has
        has = bool(set(actual) & set(value))
        return has if op == "any_of" else not has
    if rf.key == "age":
        if op in ("is_empty", "not_empty"):
            return (actual is None) == (op == "is_empty")
        return _compare(op, actual, value)
    if op in ("is_empty", "not_empty"):
        return _empty(rf, actual) == (op == "is_empty")
    if rf.type == CODE:
        if _empty(rf, actual):
            return False
        return (actual in value) == (op == "in")
    if _empty(rf, actual):
        return False
    wanted = [_typed(rf, v) for v in value] if op == "between" else _typed(rf, value)
    return _compare(op, Decimal(actual) if rf.type == NUMBER else actual, wanted)


@dataclass
class Step:
    """One node of an explanation: a group with its parts, or a condition with the value that
    decided it."""

    kind: str  # all, any, not, condition
    met: bool
    number: int = 0
    text: str = ""
    actual: str = ""
    children: list = field(default_factory=list)


def explain(tree: dict, f: Facts) -> Step:
    counter = iter(range(1, 10_000))

    def walk(node: dict) -> Step:
        if "not" in node:
            inner = walk(node["not"])
            return Step("not", not inner.met, children=[inner])
        for how in ("all", "any"):
            if how in node:
                parts = [walk(child) for child in node[how]]
                ok = all(p.met for p in parts) if how == "all" else any(p.met for p in parts)
                return Step(how, ok, children=parts)
        actual = actual_value(node, f)
        return Step(
            "condition",
            met(node, f, actual),
            number=next(counter),
            text=describe(node),
            actual=value_text(node, actual),
        )

    return walk(tree)


def evaluate(tree: dict, f: Facts) -> bool:
    return explain(tree, f).met
