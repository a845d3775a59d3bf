"""Registry endpoints for a person's disability records and PPKS assessments: list them, record
an assessment, end a record. Thin, like registry/api.py (whose module is full): reads through
registry.selectors (scoped; opening the list is access-logged like the person's record), writes
through registry.services.disabilities (validated, locked, audited). The schemas are derived
from the declarations (`PERSON_DISABILITY`, `PPKS_ASSESSMENT`)."""

import datetime

from django.utils.translation import gettext_noop
from ninja import Field, Router, Schema, Status

from padu.accounts.capabilities import Cap
from padu.core.audit import access_record
from padu.core.records.derive import record_values
from padu.core.records.schemas import api_name, record_schema
from padu.core.schemas import DETAIL_ERRORS, RecordId
from padu.core.scoping import require

from . import selectors, services
from .declarations import PERSON_DISABILITY, PPKS_ASSESSMENT
from .declarations.kinds import PPKSCode
from .services.disabilities import END_REASON_MAX

router = Router(tags=[gettext_noop("registry")])


# ------------------------------------------------------------------------------------- schemas


class RecordedOut(Schema):
    """Who recorded it: a user's name, or the import that brought it."""

    recorded_by: str | None = Field(description="The user who recorded it (full name).")
    import_id: int | None = Field(description="The import that recorded it, if any.")
    created_at: datetime.datetime
    version: int


class DisabilityOutBase(RecordedOut):
    """One assessment of one type of a person's disability; `ended_on` set: no longer in force
    (a newer assessment of the type replaced it, or it no longer applies)."""

    id: int
    person_id: int
    in_force: bool
    ended_on: datetime.date | None
    end_reason: str


DisabilityOut = record_schema(
    "DisabilityOut", PERSON_DISABILITY.fields, mode="out", base=DisabilityOutBase
)
DisabilityIn = record_schema(
    "DisabilityIn",
    PERSON_DISABILITY.fields,
    mode="in",
    doc="A new assessment of one type of disability; one of the same type in force ends on its "
    "date.",
)


class DisabilityEndIn(Schema):
    reason: str = Field(
        max_length=END_REASON_MAX, description="Why the disability no longer applies."
    )
    ended_on: datetime.date | None = Field(
        None,
        description="From when it no longer applies (not before its assessment); today "
        "when not sent.",
    )


class AssessmentCategoryOut(Schema):
    code: int
    name: str


class PPKSAssessmentOutBase(RecordedOut):
    """One assessment of a person against a PPKS category."""

    id: int
    person_id: int
    category: AssessmentCategoryOut


PPKSAssessmentOut = record_schema(
    "PPKSAssessmentOut", PPKS_ASSESSMENT.fields, mode="out", base=PPKSAssessmentOutBase
)


class PPKSAssessmentFields(Schema):
    category: PPKSCode = Field(description="The PPKS category's code.")


PPKSAssessmentIn = record_schema(
    "PPKSAssessmentIn",
    PPKS_ASSESSMENT.fields,
    mode="in",
    base=PPKSAssessmentFields,
    doc="An assessment against a PPKS category: meeting the criteria gives the person the "
    "category, not meeting them ends it.",
)

# ------------------------------------------------------------------------------------- mapping


def _declared(record, obj) -> dict:
    return {
        api_name(f): v
        for f, v in zip(record.fields, record_values(record, obj).values(), strict=True)
    }


def _recorded(row) -> dict:
    user = row.created_by
    return {
        "recorded_by": (user.get_full_name() or user.username) if user else None,
        "import_id": getattr(row, "created_import_id", None),
        "created_at": row.created_at,
        "version": row.version,
    }


def _disability(row) -> dict:
    return {
        **_declared(PERSON_DISABILITY, row),
        **_recorded(row),
        "id": row.pk,
        "person_id": row.person_id,
        "in_force": row.ended_on is None,
        "ended_on": row.ended_on,
        "end_reason": row.end_reason,
    }


def _assessment(row) -> dict:
    return {
        **_declared(PPKS_ASSESSMENT, row),
        **_recorded(row),
        "id": row.pk,
        "person_id": row.person_id,
        "category": {"code": row.category.code, "name": row.category.name},
    }


def _data(record, sent: dict) -> dict:
    return {f.name: sent[api_name(f)] for f in record.fields if api_name(f) in sent}


def _person_read(request, person_id: int, purpose: str):
    """The person inside the caller's area (404 otherwise); reading his records is logged."""
    user = request.auth
    require(user, Cap.REGISTRY_VIEW)
    person = selectors.person_get(user=user, pk=person_id)
    access_record(
        user=user, obj=person, region_code=person.region_id, purpose=purpose, request=request
    )
    return person


# ----------------------------------------------------------------------------------- endpoints


@router.get(
    "/people/{int:person_id}/disabilities",
    response={200: list[DisabilityOut], **DETAIL_ERRORS},
    operation_id="person_disability_list",
    summary=gettext_noop("A person's disability records"),
)
def person_disability_list(request, person_id: RecordId):
    """Every assessment of the person's disabilities: those in force first, then by date, newest
    first. Several in force: `ganda`."""
    person = _person_read(request, person_id, "api_person_disabilities")
    return [_disability(r) for r in selectors.person_disabilities(user=request.auth, person=person)]


@router.post(
    "/people/{int:person_id}/disabilities",
    response={201: DisabilityOut, **DETAIL_ERRORS},
    operation_id="person_disability_record",
    summary=gettext_noop("Record an assessment of a disability"),
)
def person_disability_record(request, person_id: RecordId, payload: DisabilityIn):
    user = request.auth
    require(user, Cap.REGISTRY_EDIT)
    person = selectors.person_get(user=user, pk=person_id)
    row = services.person_disability_record(
        actor=user, person=person, data=_data(PERSON_DISABILITY, payload.model_dump(mode="json"))
    )
    return Status(201, _disability(row))


@router.post(
    "/disabilities/{int:disability_id}/end",
    response={200: DisabilityOut, **DETAIL_ERRORS},
    operation_id="person_disability_end",
    summary=gettext_noop("End a disability record"),
)
def person_disability_end(request, disability_id: RecordId, payload: DisabilityEndIn):
    """The type of disability no longer applies; the record stays in the history."""
    user = request.auth
    require(user, Cap.REGISTRY_EDIT)
    row = selectors.disability_get(user=user, pk=disability_id)
    row = services.person_disability_end(
        actor=user, disability=row, reason=payload.reason, ended_on=payload.ended_on
    )
    return _disability(row)


@router.get(
    "/people/{int:person_id}/ppks-assessments",
    response={200: list[PPKSAssessmentOut], **DETAIL_ERRORS},
    operation_id="person_ppks_assessment_list",
    summary=gettext_noop("A person's PPKS assessments"),
)
def person_ppks_assessment_list(request, person_id: RecordId):
    """The person's PPKS assessments over time, newest first."""
    person = _person_read(request, person_id, "api_person_ppks_assessments")
    rows = selectors.person_ppks_assessments(user=request.auth, person=person)
    return [_assessment(r) for r in rows]


@router.post(
    "/people/{int:person_id}/ppks-assessments",
    response={201: PPKSAssessmentOut, **DETAIL_ERRORS},
    operation_id="person_ppks_assess",
    summary=gettext_noop("Record a PPKS assessment"),
)
def person_ppks_assess(request, person_id: RecordId, payload: PPKSAssessmentIn):
    user = request.auth
    require(user, Cap.REGISTRY_EDIT)
    person = selectors.person_get(user=user, pk=person_id)
    sent = payload.model_dump(mode="json")
    row = services.person_ppks_assess(
        actor=user,
        person=person,
        category_code=sent["category"],
        data=_data(PPKS_ASSESSMENT, sent),
    )
    return Status(201, _assessment(row))
