"""The fields a rule may test, derived from the registry's declarations (a person's, his family's
and its dwelling's data fields, with their labels and code lists) and the derived values a
program asks of a person: his age on the reference date, the disability records in force (type,
severity), his PPKS categories, his area, and whether he was enrolled in a program lately.

Each field has a key (`person.employment`, `family.desil`, `dwelling.floor_material`, `age`),
a label, a type that says which comparisons it takes, its code list if coded, and where its value
lies (`path`, from the person). The compiler (compiler.py) and the Python evaluation
(evaluate.py) read the same table, so a field added to a declaration is offered everywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext_lazy as _

from padu.core.records.coded import Choice, MultiChoice
from padu.core.records.kinds import Date, Decimal, Digits, Integer, Text
from padu.core.records.record import Sensitivity
from padu.registry import codes as registry_codes
from padu.registry.declarations import DWELLING, FAMILY, PERSON
from padu.registry.models import Dwelling, Family, Person

NUMBER, CODE, CODES, DATE, TEXT, AREA, ENROLMENT = (
    "number",
    "code",
    "codes",
    "date",
    "text",
    "area",
    "enrolment",
)

# The comparisons of each type. `codes` are multi-valued (a person's disability types, a
# dwelling's assets): "any of" holds when one of his codes is among those chosen.
OPS = {
    NUMBER: ("eq", "ne", "lt", "le", "gt", "ge", "between", "is_empty", "not_empty"),
    DATE: ("lt", "le", "gt", "ge", "between", "is_empty", "not_empty"),
    CODE: ("in", "not_in", "is_empty", "not_empty"),
    CODES: ("any_of", "none_of", "is_empty", "not_empty"),
    TEXT: ("eq", "ne", "is_empty", "not_empty"),
    AREA: ("in", "not_in"),
    ENROLMENT: ("within_years",),
}
OP_LABELS = {
    "eq": _("equals"),
    "ne": _("differs from"),
    "lt": _("less than"),
    "le": _("at most"),
    "gt": _("more than"),
    "ge": _("at least"),
    "between": _("between (inclusive)"),
    "in": _("is one of"),
    "not_in": _("is none of"),
    "any_of": _("has any of"),
    "none_of": _("has none of"),
    "is_empty": _("is empty"),
    "not_empty": _("is filled in"),
    "within_years": _("enrolled within the last N years"),
}
NO_VALUE = frozenset({"is_empty", "not_empty"})


@dataclass(frozen=True)
class RuleField:
    key: str
    label: object
    type: str
    group: object  # the editor's group: person, family, dwelling, derived
    path: str = ""  # the ORM path from a person, for a stored field
    choices: tuple = ()  # (code, label) for coded fields
    numeric_codes: bool = False
    integer: bool = True  # a number field's values are whole
    extra: dict = field(default_factory=dict)

    @property
    def ops(self) -> tuple[str, ...]:
        return OPS[self.type]

    def code_label(self, code) -> str:
        return next((str(label) for value, label in self.choices if value == code), str(code))


def _declared(record, model, prefix: str, path: str, group) -> list[RuleField]:
    """The record's fields stored in a column of their own, except identifiers and areas (a
    rule picks an area by `region`)."""
    columns = {f.name for f in model._meta.concrete_fields}
    out = []
    for f in record.fields:
        if f.name not in columns or f.sensitivity == Sensitivity.IDENTIFIER or f.name == "region":
            continue
        kind = f.kind
        common = {"key": f"{prefix}.{f.name}", "label": f.label, "group": group}
        orm = f"{path}{f.name}"
        if isinstance(kind, Choice):
            rf = RuleField(
                **common,
                type=CODE,
                path=orm,
                choices=tuple(kind.codes.choices),
                numeric_codes=kind.numeric,
            )
        elif isinstance(kind, MultiChoice) and not kind.flags:
            rf = RuleField(**common, type=CODES, path=orm, choices=tuple(kind.codes.choices))
        elif isinstance(kind, Integer):
            rf = RuleField(**common, type=NUMBER, path=orm)
        elif isinstance(kind, Decimal):
            rf = RuleField(**common, type=NUMBER, path=orm, integer=False)
        elif isinstance(kind, Date):
            rf = RuleField(**common, type=DATE, path=orm)
        elif isinstance(kind, Text | Digits):
            rf = RuleField(**common, type=TEXT, path=orm)
        else:  # counts (livestock) and kinds without a column of their own
            continue
        out.append(rf)
    return out


def _derived() -> list[RuleField]:
    group = _("Derived")
    return [
        RuleField("age", _("Age on the reference date (years)"), NUMBER, group),
        RuleField(
            "disability_type",
            _("Disability type (records in force)"),
            CODES,
            group,
            choices=tuple(registry_codes.DisabilityType.choices),
        ),
        RuleField(
            "disability_severity",
            _("Disability severity (records in force)"),
            CODES,
            group,
            choices=tuple(registry_codes.DisabilitySeverity.choices),
        ),
        RuleField("ppks", _("PPKS categories"), CODES, group, numeric_codes=True),
        RuleField("region", _("Area (kelurahan, kecamatan or kota)"), AREA, group),
        RuleField("enrolled", _("Enrolled in a program"), ENROLMENT, group),
    ]


@cache
def rule_fields() -> dict[str, RuleField]:
    fields = [
        *_declared(PERSON, Person, "person", "", _("Person")),
        *_declared(FAMILY, Family, "family", "family__", _("Family")),
        *_declared(DWELLING, Dwelling, "dwelling", "family__dwelling__", _("Dwelling")),
        *_derived(),
    ]
    return {f.key: f for f in fields}


def ppks_choices() -> tuple:
    """The PPKS categories in use (a table, so read when asked, never cached)."""
    from padu.registry.models import PPKSCategory

    return tuple(
        (c.code, str(c)) for c in PPKSCategory.objects.filter(is_active=True).order_by("code")
    )


def field_choices(rf: RuleField) -> tuple:
    return ppks_choices() if rf.key == "ppks" else rf.choices
