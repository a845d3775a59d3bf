"""Change request endpoints: list, one request, a new request, a transition. Thin: reads through
updates.selectors (scoped), writes through updates.services; errors are DomainErrors that
padu.api.errors turns into JSON."""

from django.http import Http404
from django.utils.translation import gettext_noop
from ninja import Query, Router, Status

from padu.accounts.capabilities import Cap
from padu.core.audit import access_record
from padu.core.schemas import (
    DETAIL_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    RecordId,
)
from padu.core.scoping import require
from padu.registry.models import Family, Person

from . import display, selectors
from .models import ChangeRequest
from .schemas import RequestFilters, RequestIn, RequestOut, RequestPageOut, TransitionIn
from .services.requests import request_create
from .services.transitions import request_transition
from .workflow import generic_for

router = Router(tags=[gettext_noop("change requests")])


def _item(user, r: ChangeRequest, regions: display.RegionNames | None = None) -> dict:
    return {
        "id": r.pk,
        "receipt": r.receipt,
        "kind": r.kind,
        "state": r.state,
        "source": r.source,
        "kelurahan": r.region_id,
        "kelurahan_name": r.region.name,
        "family_id": r.family_id,
        "person_id": r.person_id,
        "summary": display.summary(user, r, regions=regions),
        "created_at": r.created_at,
        "state_changed_at": r.state_changed_at,
        "version": r.version,
    }


def _detail(user, r: ChangeRequest) -> dict:
    return {
        **_item(user, r),
        "target_family_id": r.target_family_id,
        "removal_reason": r.removal_reason or None,
        "notes": r.notes,
        "latitude": None if r.latitude is None else str(r.latitude),
        "longitude": None if r.longitude is None else str(r.longitude),
        "lapses_on": r.lapses_on,
        "applied_family_id": r.applied_family_id,
        "applied_person_id": r.applied_person_id,
        "sections": [
            {"title": str(s["title"]), "rows": s["rows"]} for s in display.sections(user, r)
        ],
        "evidence": [
            {
                "id": e.pk,
                "kind": e.kind,
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
            }
            for e in r.evidence.all()
        ],
        "events": [
            {
                "transition": e.transition,
                "from_state": e.from_state or None,
                "to_state": e.to_state,
                "actor": e.actor.username if e.actor else None,
                "by_citizen": e.by_citizen,
                "at": e.at,
                "reason": e.reason,
            }
            for e in r.events.select_related("actor")
        ],
        "transitions": [t.name for t in generic_for(user, r.state)],
    }


def _get(user, pk: int) -> ChangeRequest:
    found = selectors.request_get(user=user, pk=pk)
    if found is None:
        raise Http404
    return found


def _visible(model, user, pk):
    if pk is None:
        return None
    found = model.objects.scoped(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.get(
    "/change-requests",
    response={200: RequestPageOut, **READ_ERRORS},
    operation_id="change_request_list",
    summary=gettext_noop("List change requests"),
)
def change_request_list(request, filters: Query[RequestFilters]):
    """Requests inside the caller's area, newest first; `count` is the total before paging."""
    user = request.auth
    require(user, Cap.REQUEST_VIEW)
    values = filters.model_dump(exclude={"limit", "offset"})
    values["region"] = values.pop("kelurahan")
    queryset = selectors.request_list(user=user, filters=values)
    page = list(queryset[filters.offset : filters.offset + filters.limit])
    regions = display.RegionNames()
    return {
        "count": queryset.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_item(user, r, regions) for r in page],
    }


@router.get(
    "/change-requests/{int:request_id}",
    response={200: RequestOut, **DETAIL_ERRORS},
    operation_id="change_request_get",
    summary=gettext_noop("One change request with its change, evidence and steps"),
)
def change_request_get(request, request_id: RecordId):
    user = request.auth
    require(user, Cap.REQUEST_VIEW)
    found = _get(user, request_id)
    access_record(
        user=user,
        obj=found,
        region_code=found.region_id,
        purpose="api_request_detail",
        request=request,
    )
    return _detail(user, found)


@router.post(
    "/change-requests",
    response={201: RequestOut, **WRITE_ERRORS},
    operation_id="change_request_create",
    summary=gettext_noop("Make a change request"),
)
def change_request_create(request, payload: RequestIn):
    user = request.auth
    require(user, Cap.REQUEST_PROPOSE)
    created = request_create(
        actor=user,
        kind=payload.kind,
        family=_visible(Family, user, payload.family_id),
        person=_visible(Person, user, payload.person_id),
        target_family=_visible(Family, user, payload.target_family_id),
        data=payload.data,
        removal_reason=payload.removal_reason or "",
        notes=payload.notes,
        latitude=payload.latitude,
        longitude=payload.longitude,
        submit=payload.submit,
    )
    return Status(201, _detail(user, _get(user, created.pk)))


@router.post(
    "/change-requests/{int:request_id}/transitions/{name}",
    response={200: RequestOut, **WRITE_ERRORS},
    operation_id="change_request_transition",
    summary=gettext_noop("Take a transition (submit, check, approve, return, reject, ...)"),
)
def change_request_transition(request, request_id: RecordId, name: str, payload: TransitionIn):
    """`name` is one of the request's `transitions`; approval applies the change to the
    registry. The steps of field verification (send to it, verified, not verifiable) and of the
    Muskel (agenda, agreed or rejected in Muskel) are refused here (400, `taken_elsewhere`): they
    are taken by the verification task endpoints and the Muskel session endpoints."""
    user = request.auth
    require(user, Cap.REQUEST_VIEW)
    found = _get(user, request_id)
    request_transition(
        actor=user,
        request=found,
        name=name,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _detail(user, _get(user, request_id))
