"""Registry endpoints of who lives where: a dwelling with its families and its housing, and the
named transitions of `services.dwellings` and `services.splits` (a family moves to another
dwelling, members split off into a new KK, a member moves to another family). Registered in
`padu/api/api.py` beside `registry.api`, whose mapping of records and errors they share."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, Router, Schema, Status

from padu.accounts.capabilities import Cap
from padu.core.audit import access_record
from padu.core.errors import ValidationFailed
from padu.core.records.schemas import record_schema
from padu.core.schemas import RecordId
from padu.core.scoping import require

from . import selectors, services
from .api import (
    DETAIL_ERRORS,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    declared,
    family_record,
    in_api_terms,
    person_record,
    record_data,
    region_out,
)
from .codes import FamilyStatus
from .declarations import DWELLING, FAMILY, PERSON
from .declarations.dwelling import HOUSING_FIELDS
from .disclosure import Disclosure
from .masks import mask_number
from .models import Person
from .schemas import ChangeFields, FamilyOut, PersonOut, RegionOut

router = Router(tags=[gettext_noop("registry")])


def reason_field():
    """Why: required (the service says so in words when it is blank), kept in the history."""
    return Field(max_length=500, description="Why (kept in the history); required.")


# ------------------------------------------------------------------------------------- schemas


class DwellingFamilyOut(Schema):
    """A family living in the dwelling; open `/families/{id}` for its record."""

    id: int
    kk_number: str = Field(description="Always masked here, as in every list.")
    head_name: str | None = Field(description="Name of its head of family, if there is one.")
    member_count: int = Field(description="Members living in the family.")
    status: FamilyStatus


class DwellingDetailBase(Schema):
    """A dwelling (rumah tangga): its housing, its head and the families living in it."""

    id: int
    kelurahan: RegionOut
    head_id: int | None = Field(description="The person who heads the household.")
    families: list[DwellingFamilyOut]
    version: int = Field(description="Send it back with a PATCH (optimistic locking).")


DwellingDetailOut = record_schema(
    "DwellingDetailOut",
    [f for f in DWELLING.fields if f.name != "region"],
    mode="out",
    base=DwellingDetailBase,
)

DwellingPatch = record_schema(
    "DwellingPatch",
    [DWELLING[name] for name in HOUSING_FIELDS],
    mode="patch",
    base=ChangeFields,
    doc="Only the housing attributes sent are changed.",
)


class FamilyDwellingIn(Schema):
    dwelling_id: RecordId | None = Field(
        description="A dwelling of the family's kelurahan; null: a new dwelling of its own."
    )
    reason: str = reason_field()


SplitMemberBase = record_schema("SplitMemberBase", [PERSON["relationship"]], mode="in")


class SplitMemberIn(SplitMemberBase):
    """A member who leaves, with his relationship to the new head (one of them is the head)."""

    person_id: RecordId


SplitBase = record_schema("SplitBase", [FAMILY["kk_number"]], mode="in")


class FamilySplitIn(SplitBase):
    """Members leave the family to form a new one with its own KK."""

    members: list[SplitMemberIn] = Field(min_length=1, max_length=30)
    own_dwelling: bool = Field(False, description="The new family gets a new dwelling of its own.")
    dwelling_id: RecordId | None = Field(
        None,
        description="The new family lives in this dwelling of the kelurahan. Neither this nor "
        "`own_dwelling`: it stays in the dwelling of the family it leaves.",
    )
    reason: str = reason_field()


MemberMoveBase = record_schema("MemberMoveBase", [PERSON["relationship"]], mode="in")


class MemberMoveIn(MemberMoveBase):
    """The member moves to another family of his kelurahan; `relationship` is to its head."""

    family_id: RecordId
    reason: str = reason_field()


# ----------------------------------------------------------------------------------- endpoints


def _dwelling_record(user, dwelling) -> dict:
    families = selectors.dwelling_families(user=user, dwelling=dwelling)
    return {
        **{
            k: v for k, v in declared(DWELLING, dwelling, Disclosure(user)).items() if k != "region"
        },
        "id": dwelling.pk,
        "kelurahan": region_out(dwelling.region),
        "head_id": dwelling.head_id,
        "families": [
            {
                "id": f.pk,
                "kk_number": mask_number(f.kk_number),
                "head_name": f.head.name if f.head else None,
                "member_count": f.member_count,
                "status": f.status,
            }
            for f in families
        ],
        "version": dwelling.version,
    }


@router.get(
    "/dwellings/{int:dwelling_id}",
    response={200: DwellingDetailOut, **DETAIL_ERRORS},
    operation_id="dwelling_get",
    summary=gettext_noop("One dwelling with its housing and families"),
)
def dwelling_get(request, dwelling_id: RecordId):
    """The dwelling's housing and its families (KK numbers masked, as in a list); opening it is
    logged."""
    user = request.auth
    require(user, Cap.REGISTRY_VIEW)
    dwelling = selectors.dwelling_get(user=user, pk=dwelling_id)
    access_record(
        user=user,
        obj=dwelling,
        region_code=dwelling.region_id,
        purpose="api_dwelling_detail",
        request=request,
    )
    return _dwelling_record(user, dwelling)


@router.patch(
    "/dwellings/{int:dwelling_id}",
    response={200: DwellingDetailOut, **UPDATE_ERRORS},
    operation_id="dwelling_update",
    summary=gettext_noop("Change a dwelling's housing"),
)
def dwelling_update(request, dwelling_id: RecordId, payload: DwellingPatch):
    """Changes only the housing attributes sent. `version` must be the one the client read."""
    user = request.auth
    require(user, Cap.REGISTRY_EDIT)
    dwelling = selectors.dwelling_get(user=user, pk=dwelling_id)
    sent = payload.model_dump(mode="json", exclude_unset=True, exclude={"version", "reason"})
    with in_api_terms():
        services.dwelling_update(
            actor=user,
            dwelling=dwelling,
            expected_version=payload.version,
            data=record_data(DWELLING, sent),
            reason=payload.reason,
        )
    return _dwelling_record(user, selectors.dwelling_get(user=user, pk=dwelling_id))


@router.post(
    "/families/{int:family_id}/dwelling",
    response={200: FamilyOut, **WRITE_ERRORS},
    operation_id="family_move_dwelling",
    summary=gettext_noop("Move a family to another dwelling"),
)
def family_move_dwelling(request, family_id: RecordId, payload: FamilyDwellingIn):
    """The family moves into another dwelling of its kelurahan, or into a new one of its own."""
    user = request.auth
    require(user, Cap.REGISTRY_EDIT)
    family = selectors.family_get(user=user, pk=family_id)
    dwelling = (
        selectors.dwelling_get(user=user, pk=payload.dwelling_id) if payload.dwelling_id else None
    )
    with in_api_terms():
        services.family_move_dwelling(
            actor=user, family=family, dwelling=dwelling, reason=payload.reason
        )
    return family_record(user, family.pk)


@router.post(
    "/families/{int:family_id}/split",
    response={201: FamilyOut, **WRITE_ERRORS},
    operation_id="family_split",
    summary=gettext_noop("Split members off into a new family"),
)
def family_split(request, family_id: RecordId, payload: FamilySplitIn):
    """Members of the family form a new one with KK `kk_number`; the answer is the new family."""
    user = request.auth
    require(user, Cap.REGISTRY_EDIT)
    family = selectors.family_get(user=user, pk=family_id)
    if payload.own_dwelling and payload.dwelling_id:
        raise ValidationFailed(
            {"dwelling_id": [_("Give either a dwelling or a new one of its own, not both.")]}
        )
    dwelling = (
        selectors.dwelling_get(user=user, pk=payload.dwelling_id) if payload.dwelling_id else None
    )
    with in_api_terms():
        new = services.family_split(
            actor=user,
            family=family,
            kk_number=payload.kk_number,
            # By id: the service takes them among the family's active members, which it locks
            # inside the caller's area, and refuses any other.
            members=[(Person(pk=m.person_id), m.relationship) for m in payload.members],
            own_dwelling=payload.own_dwelling,
            dwelling=dwelling,
            reason=payload.reason,
        )
    return Status(201, family_record(user, new.pk))


@router.post(
    "/people/{int:person_id}/family",
    response={200: PersonOut, **WRITE_ERRORS},
    operation_id="person_move_family",
    summary=gettext_noop("Move a member to another family"),
)
def person_move_family(request, person_id: RecordId, payload: MemberMoveIn):
    user = request.auth
    require(user, Cap.REGISTRY_EDIT)
    person = selectors.person_get(user=user, pk=person_id)
    family = selectors.family_get(user=user, pk=payload.family_id)
    with in_api_terms():
        services.person_move_family(
            actor=user,
            person=person,
            family=family,
            relationship=payload.relationship,
            reason=payload.reason,
        )
    return person_record(user, person.pk)
