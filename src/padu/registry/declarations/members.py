"""Rules between the members of one family: a child or grandchild is younger than the head of
family, a parent older. They are warnings (the data may be right) that a user confirms.

The condition is written once with both renderings (`age_conflict` / `age_conflict_expr`); a form
or the API compares a person with the family's other active members (`person_warnings`), an
import compares each member row with the head row of its KK (importer.crossrow).
"""

from __future__ import annotations

import datetime

import polars as pl
from django.utils.translation import gettext as _

from padu.core.records.kinds import date_text

from .. import codes
from .person import PERSON

YOUNGER = (codes.Relationship.CHILD, codes.Relationship.GRANDCHILD)
HEAD = codes.Relationship.HEAD


def age_conflict(relationship, birth: datetime.date, head_birth: datetime.date) -> bool:
    """A child or grandchild born no later than the head, or a parent born no earlier."""
    if relationship in YOUNGER:
        return birth <= head_birth
    return relationship == codes.Relationship.PARENT and birth >= head_birth


def age_conflict_expr(relationship: pl.Expr, birth: pl.Expr, head_birth: pl.Expr) -> pl.Expr:
    return (relationship.is_in(list(YOUNGER)) & (birth <= head_birth)) | (
        (relationship == codes.Relationship.PARENT) & (birth >= head_birth)
    )


def member_message(relationship, birth, head_name: str, head_birth) -> str:
    """The warning for a member compared with the head (without the field's name)."""
    params = {"date": date_text(birth), "head": head_name, "head_date": date_text(head_birth)}
    if relationship == codes.Relationship.PARENT:
        return (
            _(
                "a parent born on %(date)s is not older than the head of family %(head)s "
                "(born on %(head_date)s)."
            )
            % params
        )
    params["relationship"] = str(codes.Relationship(relationship).label).lower()
    return (
        _(
            "a %(relationship)s born on %(date)s is not younger than the head of family "
            "%(head)s (born on %(head_date)s)."
        )
        % params
    )


def _head_message(other: dict, birth) -> str:
    """The warning for a head compared with one member."""
    params = {
        "date": date_text(birth),
        "name": other.get("name", ""),
        "other_date": date_text(other["birth_date"]),
    }
    if other["relationship"] == codes.Relationship.PARENT:
        return (
            _(
                "the head of family, born on %(date)s, is not younger than his or her parent "
                "%(name)s (born on %(other_date)s)."
            )
            % params
        )
    params["relationship"] = str(codes.Relationship(other["relationship"]).label).lower()
    return (
        _(
            "the head of family, born on %(date)s, is not older than his or her "
            "%(relationship)s %(name)s (born on %(other_date)s)."
        )
        % params
    )


def person_warnings(person: dict, *, members=(), context) -> list[str]:
    """What looks wrong about `person` (cleaned values) on its own and beside the other active
    members of its family (`members`: dicts with name, relationship, birth_date)."""
    warnings = [message for _field, _code, message in PERSON.warnings(person, context)]
    birth, relationship = person.get("birth_date"), person.get("relationship")
    if birth is None:
        return warnings
    label = PERSON["birth_date"]
    for other in members:
        other_birth = other.get("birth_date")
        if other_birth is None:
            continue
        if relationship != HEAD and other.get("relationship") == HEAD:
            if age_conflict(relationship, birth, other_birth):
                text = member_message(relationship, birth, other.get("name", ""), other_birth)
                warnings.append(label.prefixed(text))
        elif relationship == HEAD and age_conflict(other.get("relationship"), other_birth, birth):
            warnings.append(label.prefixed(_head_message(other, birth)))
    return warnings
