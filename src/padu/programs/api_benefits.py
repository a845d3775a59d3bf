"""Programs endpoints after the targeting: beneficiaries (list, one with his overlap flags and
benefits, his named transitions), decrees (list, approval), disbursements, groups, and each
program's budget against its ceiling. The same services and selectors as the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema

from padu.accounts.capabilities import Cap
from padu.core.audit import access_record
from padu.core.schemas import (
    DETAIL_ERRORS,
    WRITE_ERRORS,
    PageParams,
    RecordId,
    Version,
)
from padu.core.scoping import require
from padu.registry.disclosure import Disclosure

from . import benefit_selectors as selectors
from .benefit_codes import Channel, DecreeState, GroupKind, GroupState
from .budget import budget_lines
from .codes import CandidateState, ExitReason
from .lookup import in_area
from .models import Program
from .overlaps import overlaps
from .services import decrees as decree_services
from .services import lifecycle

router = Router(tags=[gettext_noop("programs")])


class ProgramRef(Schema):
    id: int
    code: str
    name: str


class BeneficiaryFilters(PageParams):
    program: RecordId | None = None
    state: CandidateState | None = None


class OverlapOut(Schema):
    program: ProgramRef
    state: CandidateState
    candidate: int


class BeneficiaryOut(Schema):
    id: int
    program: ProgramRef
    cohort: int
    person: int | None
    family: int | None
    name: str
    identifier: str = Field(description="NIK (or KK), masked unless the caller may see it.")
    kelurahan: str
    rank: int
    state: CandidateState
    exit_reason: str
    version: int


class BeneficiaryDetailOut(BeneficiaryOut):
    overlaps: list[OverlapOut]
    awarded: Decimal | None = Field(description="What his decree granted (Rp).")
    paid: Decimal = Field(description="What has been paid to him (Rp).")
    packages: int


class BeneficiaryPageOut(Schema):
    count: int
    items: list[BeneficiaryOut]


class BeneficiaryTransitionIn(Schema):
    name: str = Field(
        max_length=20, description="`enrol`, `complete`, `graduate`, `exit` or `reject`."
    )
    reason: str = Field("", max_length=500)
    exit_reason: ExitReason | None = None
    version: Version | None = Field(None, description="The beneficiary's version as read.")


def _money(value) -> Decimal:
    """Rupiah with two decimals, as the columns hold them (SQLite's sums lose the scale)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _program(p) -> dict:
    return {"id": p.pk, "code": p.code, "name": p.name}


def _out(c, show: Disclosure) -> dict:
    return {
        "id": c.pk,
        "program": _program(c.cohort.program),
        "cohort": c.cohort_id,
        "person": c.person_id,
        "family": c.family_id,
        "name": c.person.name if c.person_id else str(c.family),
        "identifier": show.number(c.person.nik if c.person_id else c.family.kk_number),
        "kelurahan": c.region.name,
        "rank": c.rank,
        "state": c.state,
        "exit_reason": c.exit_reason,
        "version": c.version,
    }


def _detail(user, c) -> dict:
    benefits = selectors.beneficiary_benefits(user=user, candidate=c)
    award = benefits["award"]
    return {
        **_out(c, Disclosure(user)),
        "overlaps": [
            {
                "program": _program(o.other.cohort.program),
                "state": o.other.state,
                "candidate": o.other.pk,
            }
            for o in overlaps([c]).get(c.pk, [])
        ],
        "awarded": award.amount if award else None,
        "paid": _money(sum(d.amount for d in benefits["disbursements"])),
        "packages": len(benefits["packages"]),
    }


@router.get(
    "/programs/beneficiaries",
    response={200: BeneficiaryPageOut, **DETAIL_ERRORS},
    operation_id="beneficiary_list",
    summary=gettext_noop("List program beneficiaries"),
)
def beneficiary_list(request, filters: Query[BeneficiaryFilters]):
    """The candidates of the caller's area from their field check on (`state` narrows it)."""
    require(request.auth, Cap.PROGRAM_VIEW)
    qs = selectors.beneficiary_list(
        user=request.auth, program=filters.program, state=filters.state or ""
    )
    show = Disclosure(request.auth)
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [_out(c, show) for c in items]}


@router.get(
    "/programs/beneficiaries/{beneficiary_id}",
    response={200: BeneficiaryDetailOut, **DETAIL_ERRORS},
    operation_id="beneficiary_detail",
    summary=gettext_noop("One program beneficiary"),
)
def beneficiary_detail(request, beneficiary_id: RecordId):
    """With his overlap flags (programs that must not be combined), what his decree granted and
    what has been paid. The read is written to the access log."""
    require(request.auth, Cap.PROGRAM_VIEW)
    c = in_area(selectors.beneficiary_get, request.auth, beneficiary_id)
    access_record(
        user=request.auth,
        obj=c,
        region_code=c.region_id,
        purpose="api_program_beneficiary",
        request=request,
    )
    return _detail(request.auth, c)


@router.post(
    "/programs/beneficiaries/{beneficiary_id}/transition",
    response={200: BeneficiaryDetailOut, **WRITE_ERRORS},
    operation_id="beneficiary_transition",
    summary=gettext_noop("Move a beneficiary along his program"),
)
def beneficiary_transition(request, beneficiary_id: RecordId, payload: BeneficiaryTransitionIn):
    """A named transition a person may take by itself (programs.lifecycle): `enrol`,
    `complete`, `graduate`, `exit` (with `exit_reason` and `reason`), `reject` (with `reason`).
    Verification, approval and delivery follow a field check, a decree, a benefit."""
    require(request.auth, Cap.PROGRAM_VIEW)
    lifecycle.candidate_transition(
        actor=request.auth,
        candidate=in_area(selectors.beneficiary_get, request.auth, beneficiary_id),
        name=payload.name,
        reason=payload.reason,
        exit_reason=payload.exit_reason or "",
        expected_version=payload.version,
    )
    return _detail(request.auth, in_area(selectors.beneficiary_get, request.auth, beneficiary_id))


class DecreeFilters(PageParams):
    program: RecordId | None = None
    state: DecreeState | None = None


class DecreeOut(Schema):
    id: int
    number: str
    decided_on: datetime.date
    program: ProgramRef
    cohort: int
    period: str = Field(description="The finalised data period (YYYY-MM).")
    state: DecreeState
    amount: Decimal
    beneficiaries: int
    total: Decimal
    version: int


class DecreePageOut(Schema):
    count: int
    items: list[DecreeOut]


class ApproveIn(Schema):
    version: Version | None = Field(None, description="The decree's version as read.")


def _decree_out(d) -> dict:
    return {
        "id": d.pk,
        "number": d.number,
        "decided_on": d.decided_on,
        "program": _program(d.cohort.program),
        "cohort": d.cohort_id,
        "period": d.period.text,
        "state": d.state,
        "amount": d.amount,
        "beneficiaries": d.beneficiaries,
        "total": _money(d.total),
        "version": d.version,
    }


@router.get(
    "/programs/decrees",
    response={200: DecreePageOut, **DETAIL_ERRORS},
    operation_id="decree_list",
    summary=gettext_noop("List beneficiary decrees"),
)
def decree_list(request, filters: Query[DecreeFilters]):
    require(request.auth, Cap.PROGRAM_VIEW)
    qs = selectors.decree_list(user=request.auth, program=filters.program, state=filters.state)
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [_decree_out(d) for d in items]}


@router.post(
    "/programs/decrees/{decree_id}/approve",
    response={200: DecreeOut, **WRITE_ERRORS},
    operation_id="decree_approve",
    summary=gettext_noop("Approve a beneficiary decree"),
)
def decree_approve(request, decree_id: RecordId, payload: ApproveIn):
    """A leader approves a draft decree: its beneficiaries become approved and its total is
    committed against the program's ceiling; refused as a whole (400, code `budget_ceiling`)
    if it would pass it."""
    require(request.auth, Cap.DECREE_APPROVE)
    decree_services.decree_approve(
        actor=request.auth,
        decree=in_area(selectors.decree_get, request.auth, decree_id),
        expected_version=payload.version,
    )
    return _decree_out(selectors.decree_list(user=request.auth).get(pk=decree_id))


class DisbursementFilters(PageParams):
    program: RecordId | None = None
    year: int | None = Field(None, ge=2000, le=2999)
    channel: Channel | None = None


class DisbursementOut(Schema):
    id: int
    program: ProgramRef
    beneficiary: int | None
    group: int | None
    paid_on: datetime.date
    amount: Decimal
    channel: Channel
    reference: str
    area: str


class DisbursementPageOut(Schema):
    count: int
    items: list[DisbursementOut]


@router.get(
    "/programs/disbursements",
    response={200: DisbursementPageOut, **DETAIL_ERRORS},
    operation_id="disbursement_list",
    summary=gettext_noop("List disbursements"),
)
def disbursement_list(request, filters: Query[DisbursementFilters]):
    require(request.auth, Cap.PROGRAM_VIEW)
    qs = selectors.disbursement_list(
        user=request.auth,
        program=filters.program,
        year=filters.year,
        channel=filters.channel or "",
    )
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [disbursement_out(d) for d in items]}


def disbursement_out(d) -> dict:
    return {
        "id": d.pk,
        "program": _program(d.program),
        "beneficiary": d.candidate_id,
        "group": d.group_id,
        "paid_on": d.paid_on,
        "amount": _money(d.amount),
        "channel": d.channel,
        "reference": d.reference,
        "area": d.region.name,
    }


class BudgetFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2999, description="Default: this year.")


class BudgetOut(Schema):
    program: ProgramRef
    funding_source: str
    ceiling: Decimal | None
    committed: Decimal = Field(description="Approved decrees and group grants of the year.")
    disbursed: Decimal


@router.get(
    "/programs/budget",
    response={200: list[BudgetOut], **DETAIL_ERRORS},
    operation_id="program_budget",
    summary=gettext_noop("Each program's budget against its ceiling"),
)
def program_budget(request, filters: Query[BudgetFilters]):
    """Per program (and its funding source): the yearly ceiling, what approvals committed and
    what was paid in `year` (default: this year). Office-wide totals, no personal data."""
    require(request.auth, Cap.PROGRAM_VIEW)
    year = filters.year or timezone.localdate().year
    lines = budget_lines(year, Program.objects.order_by("code"))
    return [
        {
            "program": _program(line.program),
            "funding_source": line.program.funding_source,
            "ceiling": line.ceiling,
            "committed": _money(line.committed),
            "disbursed": _money(line.disbursed),
        }
        for line in lines
    ]


class GroupFilters(PageParams):
    kind: GroupKind | None = None


class GroupOut(Schema):
    id: int
    program: ProgramRef
    kind: GroupKind
    name: str
    kecamatan: str
    business_type: str
    state: GroupState
    members: int
    grant_amount: Decimal | None


class GroupPageOut(Schema):
    count: int
    items: list[GroupOut]


@router.get(
    "/programs/groups",
    response={200: GroupPageOut, **DETAIL_ERRORS},
    operation_id="group_list",
    summary=gettext_noop("List KUBE and Loka Bina Karya groups"),
)
def group_list(request, filters: Query[GroupFilters]):
    require(request.auth, Cap.PROGRAM_VIEW)
    qs = selectors.group_list(user=request.auth, kind=filters.kind or "")
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [group_out(g, g.member_count) for g in items]}


def group_out(g, members: int) -> dict:
    return {
        "id": g.pk,
        "program": _program(g.program),
        "kind": g.kind,
        "name": g.name,
        "kecamatan": g.region.name,
        "business_type": g.business_type,
        "state": g.state,
        "members": members,
        "grant_amount": g.grant_amount,
    }
