"""The score's variables, derived from the registry's declarations (never a list of field names):

- the dwelling's housing attributes (`declarations.dwelling.HOUSING_GROUPS`): a coded answer
  (`Choice`) has one weight per code, a set of codes (`MultiChoice`, the assets) one weight per
  code present, a number (`Integer`, the floor area) one weight per unit;
- the family's own groups in `FAMILY_GROUPS` (livestock, `Counts`): one weight per animal of each
  kind;
- the members' groups in `PERSON_GROUPS`: a coded answer is the head of family's (education,
  employment), a set of codes counts the members with each code, a number is the family's total
  divided by its members (income per member, in units of `MONEY_UNIT`);
- the members' disability records in force (`declarations.disability.PERSON_DISABILITY`, a table
  of their own): the number of members with a disability, and the members by the most severe of
  their records (the severity's code list runs from the mildest to the most severe);
- two that are not fields: the base (intercept) and the number of members.

Each variable is a `Variable` with its `terms` (one per code, or one for a per-unit weight);
`key` names a weight in the weights table: "<record>.<field>" and the code ("" per unit).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

from padu.core.records.coded import Choice, Counts, MultiChoice
from padu.core.records.derive import storage
from padu.core.records.kinds import Integer
from padu.registry.declarations import DWELLING, FAMILY, PERSON, PERSON_DISABILITY
from padu.registry.declarations.dwelling import HOUSING_GROUPS

FAMILY_GROUPS = ("livestock",)
PERSON_GROUPS = ("work", "health")
# A money field counts per this many rupiah (a weight per Rp 100.000 per member).
MONEY_UNIT = 100_000

BASE = "base"
MEMBERS = "members"
DISABLED = "disability.members"

# How a variable reads its value.
CODE = "code"  # one code: the weight of that code
CODES = "codes"  # several codes: the sum of the weights of the codes present
COUNTS = "counts"  # a count per code: count × the code's weight
UNIT = "unit"  # a number: value × the weight per unit
MEMBER_CODES = "member_codes"  # members having each code: number × the code's weight
WORST = "worst"  # members by the most severe code of their records: number × the code's weight


@dataclass(frozen=True)
class Term:
    code: str  # "" for a per-unit weight
    label: str


@dataclass(frozen=True)
class Variable:
    key: str
    label: object
    record: str  # "dwelling", "family", "person", "disability" or "" (base, members)
    field: str  # the declared field's name ("" for base and members)
    how: str
    terms: tuple[Term, ...]
    unit: int = 1  # UNIT: the value is divided by this (money: MONEY_UNIT), whole units only
    kind: object = None

    def codes(self) -> list[str]:
        return [t.code for t in self.terms]


def _code_terms(choices) -> tuple[Term, ...]:
    return tuple(Term(str(value), label) for value, label in choices.choices)


def _unit_label(field) -> str:
    if getattr(field.kind, "money", False):
        return _("per Rp 100,000 per member")
    return _("per unit")


def _variable(record: str, field, *, members: bool = False) -> Variable | None:
    kind = field.kind
    key = f"{record}.{field.name}"
    if isinstance(kind, Choice):
        how = CODE
    elif isinstance(kind, MultiChoice):
        how = MEMBER_CODES if members else CODES
    elif isinstance(kind, Counts):
        how = COUNTS
    elif isinstance(kind, Integer):
        unit = MONEY_UNIT if kind.money else 1
        return Variable(
            key, field.label, record, field.name, UNIT, (Term("", _unit_label(field)),), unit, kind
        )
    else:  # free text, dates: nothing to weigh
        return None
    return Variable(key, field.label, record, field.name, how, _code_terms(kind.codes), 1, kind)


@cache
def variables() -> tuple[Variable, ...]:
    found = [
        Variable(BASE, _("Base (every family)"), "", "", UNIT, (Term("", _("constant")),)),
        Variable(
            MEMBERS, _("Number of members"), "", "", UNIT, (Term("", _("per active member")),)
        ),
    ]
    sources = (
        ("dwelling", DWELLING, HOUSING_GROUPS, False),
        ("family", FAMILY, FAMILY_GROUPS, False),
        ("person", PERSON, PERSON_GROUPS, True),
    )
    for record, declaration, groups, members in sources:
        for field in declaration.fields:
            # A field kept in a table of its own (the person's `disabilitas`, kept in his
            # disability records) is read from that table: below.
            if field.group in groups and not field.readonly and storage(field.kind, field):
                variable = _variable(record, field, members=members)
                if variable is not None:
                    found.append(variable)
    return (*found, *_disability_variables())


def _disability_variables() -> tuple[Variable, ...]:
    severity = PERSON_DISABILITY["severity"]
    return (
        Variable(
            DISABLED,
            _("Members with a disability"),
            "disability",
            "",
            UNIT,
            (Term("", _("per active member with a disability record in force")),),
        ),
        Variable(
            f"disability.{severity.name}",
            _("Members with a disability, by the most severe"),
            "disability",
            severity.name,
            WORST,
            _code_terms(severity.kind.codes),
            1,
            severity.kind,
        ),
    )


def weight_keys() -> list[tuple[str, str]]:
    """Every (variable, code) pair a weight set must give."""
    return [(v.key, t.code) for v in variables() for t in v.terms]
