"""Programs endpoints: the catalogue and its rules (a new version), cohorts, the targeting run,
a cohort's candidates and one person's explanation. Thin: the same services and selectors as the
pages, scoped to the token owner's area; numbers masked as in the lists. A write takes the
version of what it changes (the program, the cohort) as read, 409 when it moved."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema, Status

from padu.accounts.capabilities import Cap
from padu.core.audit import access_record
from padu.core.schemas import (
    DETAIL_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    PageParams,
    RecordId,
    Version,
)
from padu.core.scoping import require, scope_codes
from padu.regions.selectors import common_region
from padu.registry.disclosure import Disclosure
from padu.registry.models import Person

from . import selectors, targeting
from .codes import BenefitType, CandidateState, CohortState, FundingSource, TargetUnit
from .lookup import in_area
from .models import Cohort, Program
from .rules.evaluate import Step, explain, facts
from .services.cohorts import cohort_target
from .services.rules import latest_rule_set, rule_set_create

router = Router(tags=[gettext_noop("programs")])

# A rule or cohort refused as a whole answers 422; one read before someone changed it, 409.
RULE_WRITE_ERRORS = {**WRITE_ERRORS, 422: ErrorOut}
AREA_CODE = r"^[0-9]{2}(\.[0-9]{2}){0,2}(\.[0-9]{4})?$"


class RuleSetOut(Schema):
    version: int
    tree: dict[str, Any] = Field(description="The rule tree (see the rules editor's fields).")
    note: str
    created_at: datetime.datetime


class ProgramOut(Schema):
    id: int
    code: str
    name: str
    legal_basis: str
    target_unit: TargetUnit
    benefit_type: BenefitType
    funding_source: FundingSource
    owning_agency: str
    budget_ceiling: Decimal | None
    active_from: datetime.date | None
    active_to: datetime.date | None
    is_active: bool
    version: int


class ProgramDetailOut(ProgramOut):
    rules: RuleSetOut | None = Field(description="The latest version of the rules.")


class RulesIn(Schema):
    tree: dict[str, Any] = Field(
        description="A group {all|any: [...]}, {not: node}, or a condition "
        "{field, op, value[, program]}."
    )
    note: str = Field("", max_length=2000)
    version: Version | None = Field(
        None,
        description="The program's version the client read (`version` of the program, not of "
        "its rules); each new version of the rules moves it.",
    )


class FunnelStepOut(Schema):
    text: str
    remaining: int
    removed: int


class CohortOut(Schema):
    id: int
    program: str = Field(description="The program's code.")
    name: str
    area: str = Field(description="The region code the cohort draws from.")
    state: CohortState
    rule_version: int | None
    reference_date: datetime.date | None
    quota_total: int | None
    quotas: dict[str, int] = Field(description="Places per kecamatan or kelurahan code.")
    priority: dict[str, Any]
    targeted_at: datetime.datetime | None
    funnel: list[FunnelStepOut]
    version: int


class TargetIn(Schema):
    version: Version | None = Field(None, description="The cohort's version the client read.")


class CandidateOut(Schema):
    id: int
    rank: int
    on_waiting_list: bool
    state: CandidateState
    person_id: int | None
    family_id: int | None
    name: str
    nik: str = Field(description="Masked unless the caller may see whole numbers.")
    kelurahan: str
    quota_area: str | None
    reasons: dict[str, Any]
    version: int


class CandidatePageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[CandidateOut]


class CandidateFilters(PageParams):
    list: str | None = Field(None, pattern="^(places|waiting)$")
    state: CandidateState | None = None
    area: str | None = Field(None, pattern=AREA_CODE)


class StepOut(Schema):
    kind: str = Field(description="all, any, not or condition")
    met: bool
    number: int = Field(description="A condition's number, depth first (0 for a group).")
    text: str
    value: str = Field(description="The person's value the condition read.")
    children: list[StepOut]


class ExplanationOut(Schema):
    person_id: int
    rule_version: int
    reference_date: datetime.date
    eligible: bool
    steps: StepOut
    rank: int | None
    on_waiting_list: bool | None


def _program_out(p: Program) -> dict:
    return {f: getattr(p, f) for f in ProgramOut.model_fields}


def _cohort_out(c: Cohort) -> dict:
    return {
        "id": c.pk,
        "program": c.program.code,
        "name": c.name,
        "area": c.region_id,
        "state": c.state,
        "rule_version": c.rule_set.version if c.rule_set else None,
        "reference_date": c.reference_date,
        "quota_total": c.quota_total,
        "quotas": dict(c.quotas.values_list("region_id", "quota")),
        "priority": c.priority,
        "targeted_at": c.targeted_at,
        "funnel": c.funnel,
        "version": c.version,
    }


@router.get(
    "/programs",
    response={200: list[ProgramOut], **READ_ERRORS},
    operation_id="program_list",
    summary=gettext_noop("List the programs"),
)
def program_list(request):
    require(request.auth, Cap.PROGRAM_VIEW)
    return [_program_out(p) for p in selectors.program_list()]


@router.get(
    "/programs/{program_id}",
    response={200: ProgramDetailOut, **DETAIL_ERRORS},
    operation_id="program_detail",
    summary=gettext_noop("A program and its rules"),
)
def program_detail(request, program_id: RecordId):
    require(request.auth, Cap.PROGRAM_VIEW)
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        raise Http404
    return {**_program_out(program), "rules": latest_rule_set(program)}


@router.post(
    "/programs/{program_id}/rules",
    response={201: RuleSetOut, **RULE_WRITE_ERRORS},
    operation_id="program_rules_create",
    summary=gettext_noop("Save a new version of a program's rules"),
)
def program_rules_create(request, program_id: RecordId, payload: RulesIn):
    """The tree is checked (each problem named by its condition's number) and saved as the
    program's next version of its rules; cohorts keep the version that chose them. Sent with the
    program's `version` as read, it answers 409 if the program or its rules changed since."""
    require(request.auth, Cap.PROGRAM_MANAGE)
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        raise Http404
    rule_set = rule_set_create(
        actor=request.auth,
        program=program,
        tree=payload.tree,
        note=payload.note,
        expected_version=payload.version,
    )
    return Status(201, rule_set)


@router.get(
    "/cohorts",
    response={200: list[CohortOut], **READ_ERRORS},
    operation_id="cohort_list",
    summary=gettext_noop("List the cohorts of the caller's area"),
)
def cohort_list(request):
    require(request.auth, Cap.PROGRAM_VIEW)
    cohorts = selectors.cohorts_visible(request.auth).prefetch_related("quotas")[:500]
    return [_cohort_out(c) for c in cohorts]


@router.get(
    "/cohorts/{cohort_id}",
    response={200: CohortOut, **DETAIL_ERRORS},
    operation_id="cohort_detail",
    summary=gettext_noop("A cohort, its quotas and its funnel"),
)
def cohort_detail(request, cohort_id: RecordId):
    require(request.auth, Cap.PROGRAM_VIEW)
    return _cohort_out(in_area(selectors.cohort_get, request.auth, cohort_id))


@router.post(
    "/cohorts/{cohort_id}/targeting",
    response={200: CohortOut, **RULE_WRITE_ERRORS},
    operation_id="cohort_target",
    summary=gettext_noop("Run a cohort's targeting"),
)
def cohort_run(request, cohort_id: RecordId, payload: TargetIn):
    """Replace the cohort's candidates and waiting list by those the program's latest rules
    select and rank now; the funnel is kept with the cohort. Sent with the cohort's `version`
    as read, it answers 409 if the cohort changed since."""
    require(request.auth, Cap.COHORT_TARGET)
    cohort = in_area(selectors.cohort_get, request.auth, cohort_id)
    cohort = cohort_target(actor=request.auth, cohort=cohort, expected_version=payload.version)
    return _cohort_out(in_area(selectors.cohort_get, request.auth, cohort.pk))


@router.get(
    "/cohorts/{cohort_id}/candidates",
    response={200: CandidatePageOut, **DETAIL_ERRORS},
    operation_id="cohort_candidates",
    summary=gettext_noop("A cohort's candidates in rank order"),
)
def cohort_candidates(request, cohort_id: RecordId, filters: Query[CandidateFilters]):
    """Places first, then the waiting list, inside the caller's area; `count` is the total
    before paging."""
    user = request.auth
    require(user, Cap.PROGRAM_VIEW)
    cohort = in_area(selectors.cohort_get, user, cohort_id)
    values = filters.model_dump(exclude={"limit", "offset"}, exclude_none=True)
    queryset = selectors.candidates_visible(user, cohort, filters=values)
    rows = list(queryset[filters.offset : filters.offset + filters.limit])
    disclosure = Disclosure(user)
    access_record(
        user=user,
        object_type="programs.candidate",
        region_code=common_region(scope_codes(user)),
        purpose="api_candidate_list",
        request=request,
        filters={**values, "cohort": cohort.pk},
        rows=len(rows),
    )
    return {
        "count": queryset.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [
            {
                "id": c.pk,
                "rank": c.rank,
                "on_waiting_list": c.on_waiting_list,
                "state": c.state,
                "person_id": c.person_id,
                "family_id": c.family_id,
                "name": c.person.name if c.person else "",
                "nik": disclosure.number(c.person.nik if c.person else ""),
                "kelurahan": c.region_id,
                "quota_area": c.quota_area_id,
                "reasons": c.reasons,
                "version": c.version,
            }
            for c in rows
        ],
    }


def _step_out(step: Step) -> dict:
    return {
        "kind": step.kind,
        "met": step.met,
        "number": step.number,
        "text": step.text,
        "value": step.actual,
        "children": [_step_out(c) for c in step.children],
    }


@router.get(
    "/cohorts/{cohort_id}/people/{person_id}/explanation",
    response={200: ExplanationOut, **DETAIL_ERRORS},
    operation_id="cohort_person_explanation",
    summary=gettext_noop("Why a person meets a cohort's rules, or not"),
)
def cohort_person_explanation(request, cohort_id: RecordId, person_id: RecordId):
    """Each condition of the rules that chose the cohort, met or not, with the person's value."""
    user = request.auth
    require(user, Cap.PROGRAM_VIEW)
    cohort = in_area(selectors.cohort_get, user, cohort_id)
    try:
        person = selectors.person_for_explanation(user, person_id)
    except Person.DoesNotExist:
        raise Http404 from None
    if cohort.rule_set is None:
        raise Http404
    on = targeting.reference_date(cohort)
    step = explain(cohort.rule_set.tree, facts(person, on))
    access_record(user=user, obj=person, purpose="api_program_explanation", request=request)
    candidate = selectors.candidacy(user, cohort, person)
    return {
        "person_id": person.pk,
        "rule_version": cohort.rule_set.version,
        "reference_date": on,
        "eligible": step.met,
        "steps": _step_out(step),
        "rank": candidate.rank if candidate else None,
        "on_waiting_list": candidate.on_waiting_list if candidate else None,
    }
