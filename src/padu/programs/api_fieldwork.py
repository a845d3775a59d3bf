"""Programs endpoints for the work done in the field, on phones and by partner systems: a
candidate's field check (with its photos), money paid to a beneficiary (with its proofs, or a
transfer's reference), equipment packages and their handover. Thin: the services of the pages,
the token owner as their actor; forms with files are multipart, the rest JSON. Each write takes
the version of what it changes (the candidate, the package) as read, 409 when it moved."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile

from padu.accounts.capabilities import Cap
from padu.core.errors import ValidationFailed
from padu.core.schemas import DETAIL_ERRORS, WRITE_ERRORS, RecordId, Version
from padu.core.scoping import require

from . import benefit_selectors as selectors
from .api_benefits import DisbursementOut, disbursement_out
from .benefit_codes import Channel
from .codes import CandidateState
from .lookup import in_area
from .models import EquipmentPackage, FieldCheck
from .services import benefits, field_checks
from .services.decrees import MAX_AMOUNT

router = Router(tags=[gettext_noop("programs")])

# Whole rupiah, as the services take them (the columns hold 12 digits of rupiah).
MAX_RUPIAH = int(MAX_AMOUNT)


class CandidateRef(Schema):
    id: int
    state: CandidateState
    on_waiting_list: bool
    version: int = Field(description="The candidate's version after the change.")


class FieldCheckIn(Schema):
    checked_on: datetime.date = Field(description="The day of the visit (not in the future).")
    found: bool = Field(description="Found at the address.")
    conditions_met: bool = Field(description="Still meets the program's conditions.")
    willing: bool = Field(description="Willing to take part.")
    note: str = Field("", max_length=2000, description="Required when any answer is no.")
    version: Version | None = Field(None, description="The candidate's version as read.")


class FieldCheckOut(Schema):
    id: int
    candidate: CandidateRef
    checked_on: datetime.date
    found: bool
    conditions_met: bool
    willing: bool
    passed: bool = Field(description="All three yes: the candidate is verified; else rejected.")
    note: str
    photos: int


class PaymentIn(Schema):
    amount: int = Field(ge=1, le=MAX_RUPIAH, description="Whole rupiah.")
    paid_on: datetime.date = Field(description="Not in the future.")
    channel: Channel
    reference: str = Field(
        "",
        max_length=80,
        description="The transfer's reference; a transfer with it needs no proof file.",
    )
    note: str = Field("", max_length=2000)
    version: Version | None = Field(
        None, description="The beneficiary's (or the group's) version as read."
    )


class ItemIn(Schema):
    name: str = Field(max_length=120)
    quantity: int = Field(ge=1, le=1000)
    unit_value: int = Field(ge=0, le=MAX_RUPIAH, description="Whole rupiah per unit.")
    serial_numbers: str = Field(
        "", max_length=4000, description="One a line, at most one per unit."
    )


class PackageIn(Schema):
    items: list[ItemIn] = Field(max_length=50)
    course: RecordId | None = Field(
        None, description="The training course whose graduate receives it."
    )
    note: str = Field("", max_length=2000)
    version: Version | None = Field(None, description="The beneficiary's version as read.")


class ItemOut(Schema):
    name: str
    quantity: int
    unit_value: int
    serial_numbers: list[str]


class PackageOut(Schema):
    id: int
    beneficiary: int
    course: int | None
    items: list[ItemOut]
    handed_over_on: datetime.date | None
    photos: int
    note: str
    version: int


class HandoverIn(Schema):
    handed_over_on: datetime.date = Field(description="Not in the future.")
    version: Version | None = Field(None, description="The package's version as read.")


def _candidate_ref(c) -> dict:
    return {
        "id": c.pk,
        "state": c.state,
        "on_waiting_list": c.on_waiting_list,
        "version": c.version,
    }


def _check_out(check: FieldCheck) -> dict:
    check.candidate.refresh_from_db()
    return {
        "id": check.pk,
        "candidate": _candidate_ref(check.candidate),
        "checked_on": check.checked_on,
        "found": check.found,
        "conditions_met": check.conditions_met,
        "willing": check.willing,
        "passed": check.passed,
        "note": check.note,
        "photos": check.photos.count(),
    }


def _package_out(p: EquipmentPackage) -> dict:
    return {
        "id": p.pk,
        "beneficiary": p.candidate_id,
        "course": p.course_id,
        "items": [
            {
                "name": i.name,
                "quantity": i.quantity,
                "unit_value": int(i.unit_value),
                "serial_numbers": i.serials,
            }
            for i in p.items.all()
        ],
        "handed_over_on": p.handed_over_on,
        "photos": p.proofs.count(),
        "note": p.note,
        "version": p.version,
    }


@router.post(
    "/programs/candidates/{candidate_id}/field-check",
    response={201: FieldCheckOut, **WRITE_ERRORS},
    operation_id="candidate_field_check",
    summary=gettext_noop("Record a candidate's field check"),
)
def candidate_field_check(
    request,
    candidate_id: RecordId,
    payload: Form[FieldCheckIn],
    photos: File[list[UploadedFile]] = None,
):
    """Multipart. The PSM, TKSK or operator of the candidate's area records his visit: all
    three answers yes verifies him (at least one photo, `photos`), any no rejects him (with a
    `note`). The candidate's id is the one the cohort's candidate list gives."""
    require(request.auth, Cap.PROGRAM_VERIFY)
    check = field_checks.field_check_record(
        actor=request.auth,
        candidate=in_area(selectors.beneficiary_get, request.auth, candidate_id),
        photos=photos or [],
        expected_version=payload.version,
        **payload.model_dump(exclude={"version"}),
    )
    return Status(201, _check_out(check))


@router.post(
    "/programs/beneficiaries/{beneficiary_id}/disbursements",
    response={201: DisbursementOut, **WRITE_ERRORS},
    operation_id="beneficiary_disburse",
    summary=gettext_noop("Record money paid to a beneficiary"),
)
def beneficiary_disburse(
    request,
    beneficiary_id: RecordId,
    payload: Form[PaymentIn],
    proofs: File[list[UploadedFile]] = None,
):
    """Multipart. Money paid to an enrolled beneficiary, never more than his decree granted in
    all (400, code `over_grant`); the first payment delivers his benefit. Proofs (`proofs`: the
    transfer slip, a receipt, a photo) are needed unless a transfer gives its `reference`."""
    require(request.auth, Cap.BENEFIT_MANAGE)
    payment = benefits.disbursement_record(
        actor=request.auth,
        candidate=in_area(selectors.beneficiary_get, request.auth, beneficiary_id),
        proofs=proofs or [],
        expected_version=payload.version,
        **payload.model_dump(exclude={"version"}),
    )
    return Status(201, disbursement_out(payment))


@router.get(
    "/programs/beneficiaries/{beneficiary_id}/packages",
    response={200: list[PackageOut], **DETAIL_ERRORS},
    operation_id="beneficiary_packages",
    summary=gettext_noop("A beneficiary's equipment packages"),
)
def beneficiary_packages(request, beneficiary_id: RecordId):
    require(request.auth, Cap.PROGRAM_VIEW)
    c = in_area(selectors.beneficiary_get, request.auth, beneficiary_id)
    return [_package_out(p) for p in c.packages.prefetch_related("items", "proofs")]


@router.post(
    "/programs/beneficiaries/{beneficiary_id}/packages",
    response={201: PackageOut, **WRITE_ERRORS},
    operation_id="beneficiary_package_record",
    summary=gettext_noop("Record an equipment package for a beneficiary"),
)
def beneficiary_package_record(request, beneficiary_id: RecordId, payload: PackageIn):
    """Its items (name, quantity, unit value, serial numbers); for an enrolled beneficiary, or
    for the graduate of `course`. Handed over later, with a photo (`/handover`)."""
    require(request.auth, Cap.BENEFIT_MANAGE)
    candidate = in_area(selectors.beneficiary_get, request.auth, beneficiary_id)
    course = None
    if payload.course is not None:
        course = selectors.course_get(user=request.auth, pk=payload.course)
        if course is None:
            raise ValidationFailed({"course": [_("Course: choose a course of your area.")]})
    package = benefits.package_record(
        actor=request.auth,
        candidate=candidate,
        items=[i.model_dump() for i in payload.items],
        course=course,
        note=payload.note,
        expected_version=payload.version,
    )
    return Status(201, _package_out(package))


@router.post(
    "/programs/packages/{package_id}/handover",
    response={200: PackageOut, **WRITE_ERRORS},
    operation_id="package_hand_over",
    summary=gettext_noop("Hand over an equipment package"),
)
def package_hand_over(
    request,
    package_id: RecordId,
    payload: Form[HandoverIn],
    photos: File[list[UploadedFile]] = None,
):
    """Multipart, with at least one photo of the handover (`photos`); it delivers the
    beneficiary's benefit. A package is handed over once (400, code `invalid_state`)."""
    require(request.auth, Cap.BENEFIT_MANAGE)
    benefits.package_hand_over(
        actor=request.auth,
        package=in_area(selectors.package_get, request.auth, package_id),
        handed_over_on=payload.handed_over_on,
        photos=photos or [],
        expected_version=payload.version,
    )
    return _package_out(selectors.package_get(user=request.auth, pk=package_id))
