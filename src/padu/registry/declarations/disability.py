"""A person's disabilities and PPKS assessments, each a record of its own (one row per type of
disability, one per assessment), and the person's columns that stand for them in files and forms:
`disabilitas` (the active types, Padu's codes or a national code, registry.disabilities),
`tingkat_disabilitas` (their severity) and, in exports, `kode_disabilitas_nasional`.

Those three are kept by the records, not by columns of the person: the kinds below have no storage
of their own (like the PPKS categories) and read the person's active disability records
(`Person.active_disabilities`); the services and the import write the records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext_lazy as _

from padu.core.records import Field, Record, derive
from padu.core.records.coded import Choice, MultiChoice, code_items, items_of
from padu.core.records.kinds import Date, Invalid, Kind, Text
from padu.core.records.problems import Problem

from .. import codes
from ..disabilities import national_codes, ordered

EARLIEST_ASSESSMENT = datetime.date(1900, 1, 1)


# ------------------------------------------------------------- the person's disability columns


def _unknown_items(text: str) -> str:
    known = national_codes().items()
    return ", ".join(i for i in items_of(text.lower()) if i not in known)


@dataclass(frozen=True)
class Disabilities(MultiChoice):
    """The person's types of disability: Padu's codes (`fisik;rungu_wicara`, `rungu-wicara`
    too) or a national code (`05`), read into Padu's types in their order without repeats."""

    def _unknown(self) -> Problem:
        return Problem(
            code="choice",
            message=self.message,
            params=lambda t, _v: {"codes": _unknown_items(t)},
            params_expr=lambda t, _v: {
                "codes": code_items(t.str.to_lowercase())
                .list.eval(pl.element().filter(~pl.element().is_in(list(national_codes().items()))))
                .list.join(", ")
            },
        )

    def parse(self, value, context) -> list[str]:
        known = national_codes().items()
        given = [i.lower() for i in items_of(value)]
        if any(i not in known for i in given):
            raise Invalid(self._unknown())
        return list(ordered(t for i in given for t in known[i]))

    def parse_expr(self, text, context):
        known = {item: ";".join(types) for item, types in national_codes().items().items()}
        items = code_items(text.str.to_lowercase())
        unknown = items.list.eval(pl.element().filter(~pl.element().is_in(list(known)))).list.len()
        types = items.list.eval(pl.element().replace_strict(known, default="")).list.join(";")
        found = types.str.split(";")
        value = pl.concat_list(
            [pl.when(found.list.contains(c)).then(pl.lit(c)) for c in codes.DisabilityType.values]
        ).list.drop_nulls()
        return pl.when(unknown == 0).then(value), [(self._unknown(), unknown > 0)]


@dataclass(frozen=True)
class CommonSeverity(Choice):
    """The severity of the person's disabilities: given, it is each type's; read, it is theirs
    when they share one (else blank: a file or form leaves each type's own as it is)."""


@dataclass(frozen=True)
class NationalCode(Kind):
    """The national code of the person's types (exports only: registry.disabilities)."""

    empty = ""

    def parse(self, value, context) -> str:
        return str(value or "")

    def to_text(self, value) -> str:
        return value or ""


def common_severity(rows) -> str:
    severities = {r.severity for r in rows}
    return severities.pop() if len(severities) == 1 else ""


@derive.storage.register
def _storage_kept_in_records(kind: Disabilities | CommonSeverity | NationalCode, field: Field):
    return []  # kept in the person's disability records (PersonDisability)


@derive.model_fields.register
def _model_fields_kept_in_records(kind: Disabilities | CommonSeverity | NationalCode, field):
    return {}


@derive.write.register
def _write_kept_in_records(kind: Disabilities | CommonSeverity | NationalCode, obj, field, value):
    return []  # the services write the records (services.disabilities.sync_disabilities)


@derive.read.register
def _read_disabilities(kind: Disabilities, obj, field: Field):
    return [r.type for r in obj.active_disabilities] if obj.pk else []


@derive.read.register
def _read_severity(kind: CommonSeverity, obj, field: Field):
    return common_severity(obj.active_disabilities) if obj.pk else ""


@derive.read.register
def _read_national(kind: NationalCode, obj, field: Field):
    return national_codes().national(r.type for r in obj.active_disabilities) if obj.pk else ""


@derive.stage_exprs.register
def _stage_exprs_disabilities(kind: Disabilities, field: Field, value: pl.Expr):
    return {field.name: value.list.join(";").fill_null("")}


@derive.api_type.register
def _api_type_national(kind: NationalCode, field: Field):
    return str, {"description": "The national code of the person's types of disability."}


@derive.describe.register
def _describe_national(kind: NationalCode, field: Field):
    return str(_("the national code of the person's types of disability (export only)"))


@derive.describe.register
def _describe_disabilities(kind: Disabilities, field: Field):
    national = ", ".join(national_codes().to_padu)
    return str(
        _("Padu's codes separated by `;` (%(codes)s) or one national code (%(national)s)")
        % {"codes": ", ".join(f"`{c}`" for c in codes.DisabilityType.values), "national": national}
    )


# ------------------------------------------------------------------- one disability record

DISABILITY_FIELDS = (
    Field(
        "type",
        _("Type of disability"),
        Choice(codes.DisabilityType, case="lower"),
        required=True,
        help_text=_("UU 8/2016: physical, intellectual, mental or sensory (with its sub-type)."),
    ),
    Field(
        "severity",
        _("Severity"),
        Choice(codes.DisabilitySeverity, case="lower", length=10),
    ),
    Field(
        "assessed_on",
        _("Date of the assessment"),
        Date(earliest=EARLIEST_ASSESSMENT, past=True),
        required=True,
    ),
    Field(
        "source",
        _("Source of the assessment"),
        Choice(codes.DisabilitySource, case="lower", length=16),
        required=True,
        help_text=_("A doctor's letter, a PSM visit, a Dinsos assessment, ..."),
    ),
    Field("note", _("Note"), Text(200), help_text=_("E.g. the letter's number, the doctor.")),
)
DISABILITY_SYSTEM = (
    "id",
    "person",
    "ended_on",
    "ended_by",
    "end_reason",
    "created_import",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "version",
)
PERSON_DISABILITY = Record(
    "disability",
    _("disability record"),
    fields=DISABILITY_FIELDS,
    system=DISABILITY_SYSTEM,
)


# ------------------------------------------------------------------- one PPKS assessment

ASSESSMENT_FIELDS = (
    Field(
        "assessed_on",
        _("Date of the assessment"),
        Date(earliest=EARLIEST_ASSESSMENT, past=True),
        required=True,
    ),
    Field(
        "assessor",
        _("Assessor"),
        Text(120),
        required=True,
        help_text=_("Who assessed the person: a PSM, TKSK or social worker, by name."),
    ),
    Field(
        "result",
        _("Result"),
        Choice(codes.PPKSResult, case="lower", length=16),
        required=True,
        help_text=_(
            "Meeting the criteria gives the person the category; not meeting them ends it."
        ),
    ),
    Field(
        "evidence",
        _("Evidence"),
        Text(500),
        required=True,
        help_text=_(
            "What the assessment rests on: a visit report, a letter, photos, and where they are "
            "kept."
        ),
    ),
)
ASSESSMENT_SYSTEM = (
    "id",
    "person",
    "category",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "version",
)
PPKS_ASSESSMENT = Record(
    "ppks_assessment",
    _("PPKS assessment"),
    fields=ASSESSMENT_FIELDS,
    system=ASSESSMENT_SYSTEM,
)

__all__ = ["PERSON_DISABILITY", "PPKS_ASSESSMENT", "CommonSeverity", "Disabilities", "NationalCode"]
