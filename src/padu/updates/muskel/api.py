"""Muskel endpoints: the sessions of the caller's area, one session with its attendees, agenda and
decisions, scheduling, attendance, the agenda (an item on, or off), one decision per item,
closing, and the two documents (the Berita Acara as PDF, the by-name-by-address list as
CSV/XLSX). Thin: the same selectors, services and downloads as the pages (muskel/views.py), scoped
and logged alike."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema, Status

from padu.accounts.capabilities import Cap
from padu.core.schemas import (
    DETAIL_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    PageParams,
    RecordId,
    Version,
)
from padu.core.scoping import require
from padu.regions.models import Region
from padu.registry.schemas import KECAMATAN_CODE, KELURAHAN_CODE, RegionOut

from .. import display
from .. import selectors as request_selectors
from ..codes import AttendeeRole, MuskelDecision, SessionState
from ..models import MuskelItem, MuskelSession
from ..verification_api import RequestRef
from . import services
from .downloads import agenda_list_response, berita_acara_response
from .selectors import session_get, session_items, sessions_visible

router = Router(tags=[gettext_noop("muskel")])


def _file_answer(description: str, *media_types: str) -> dict:
    """The documented 200 of an endpoint that answers a file rather than JSON."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "responses": {
            200: {"description": description, "content": dict.fromkeys(media_types, binary)}
        }
    }


class MuskelSessionFilters(PageParams):
    state: SessionState | None = None
    region: str | None = Field(
        None,
        pattern=f"{KECAMATAN_CODE}|{KELURAHAN_CODE}",
        description="A kecamatan's code (its kelurahan's sessions) or a kelurahan's.",
    )


class MuskelSessionItemOut(Schema):
    """A session as the list shows it."""

    id: int
    kelurahan: RegionOut
    date: datetime.date
    place: str
    state: SessionState
    quorum: int
    number: str = Field(description="The Berita Acara's number, once the session is closed.")
    items: int = Field(description="Requests on the agenda.")
    undecided: int = Field(description="Agenda items not decided yet.")
    version: int


class MuskelSessionPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[MuskelSessionItemOut]


class MuskelAttendeeOut(Schema):
    id: int
    name: str
    role: AttendeeRole
    present: bool


class MuskelAgendaItemOut(Schema):
    id: int
    request: RequestRef
    summary: str = Field(description="What the request asks, in one line (numbers masked).")
    decision: MuskelDecision | None = Field(description="Empty while undecided.")
    note: str
    decided_at: datetime.datetime | None
    decided_by: str | None = Field(description="The user who recorded the decision.")


class MuskelSessionOut(MuskelSessionItemOut):
    note: str
    decided_at: datetime.datetime | None = Field(description="When the session was closed.")
    present: int = Field(description="Attendees present (the quorum counts these).")
    attendees: list[MuskelAttendeeOut]
    agenda: list[MuskelAgendaItemOut]


class MuskelScheduleIn(Schema):
    kelurahan: str = Field(pattern=KELURAHAN_CODE, description="The kelurahan/desa's code.")
    date: datetime.date
    place: str = Field(max_length=200)
    quorum: int = Field(1, ge=1, le=100, description="The fewest attendees present to decide.")
    note: str = Field("", max_length=2000)


SESSION_VERSION = (
    "The session's version as read (its `version`); 409 when someone changed the session since. "
    "Every change to the session (attendance, agenda, a decision, closing) bumps it."
)


VERSION_QUERY = Query(None, description=SESSION_VERSION)  # a DELETE's version: no body


class SessionWrite(Schema):
    """A change to a session: with the session's version as the caller read it."""

    version: Version | None = Field(None, description=SESSION_VERSION)


class MuskelAttendeeIn(SessionWrite):
    name: str = Field(max_length=120)
    role: AttendeeRole
    present: bool = True


class MuskelAgendaIn(SessionWrite):
    request_id: RecordId = Field(description="A verified request of the session's kelurahan.")


class MuskelDecisionIn(SessionWrite):
    decision: MuskelDecision
    note: str = Field("", max_length=2000, description="Needed for a rejection.")


class MuskelRemoveIn(SessionWrite):
    reason: str = Field(max_length=2000, description="Why it is taken off the agenda.")


class MuskelCloseIn(SessionWrite):
    number: str = Field(max_length=80, description="The Berita Acara's number.")


def _summary(s: MuskelSession, items: int, undecided: int) -> dict:
    return {
        "id": s.pk,
        "kelurahan": {"code": s.region.code, "name": s.region.name},
        "date": s.date,
        "place": s.place,
        "state": s.state,
        "quorum": s.quorum,
        "number": s.number,
        "items": items,
        "undecided": undecided,
        "version": s.version,
    }


def _detail(user, s: MuskelSession) -> dict:
    agenda = list(session_items(s))
    regions = display.RegionNames()
    attendees = list(s.attendees.all())
    return {
        **_summary(s, len(agenda), sum(not i.decision for i in agenda)),
        "note": s.note,
        "decided_at": s.decided_at,
        "present": sum(a.present for a in attendees),
        "attendees": [
            {"id": a.pk, "name": a.name, "role": a.role, "present": a.present} for a in attendees
        ],
        "agenda": [
            {
                "id": i.pk,
                "request": {
                    "id": i.request_id,
                    "receipt": i.request.receipt,
                    "kind": i.request.kind,
                    "state": i.request.state,
                },
                "summary": display.summary(user, i.request, regions=regions),
                "decision": i.decision or None,
                "note": i.note,
                "decided_at": i.decided_at,
                "decided_by": i.decided_by.username if i.decided_by else None,
            }
            for i in agenda
        ],
    }


def _session(user, pk: int) -> MuskelSession:
    found = session_get(user=user, pk=pk)
    if found is None:
        raise Http404
    return found


def _agenda_item(user, session_id: int, item_id: int) -> MuskelItem:
    session = _session(user, session_id)
    # Unscoped: an item of the session just read through the caller's scope.
    item = (
        MuskelItem.objects.unscoped()
        .select_related("session", "request")
        .filter(session=session, pk=item_id)
        .first()
    )
    if item is None:
        raise Http404
    return item


def _answer(user, pk: int) -> dict:
    return _detail(user, _session(user, pk))


@router.get(
    "/muskel/sessions",
    response={200: MuskelSessionPageOut, **READ_ERRORS},
    operation_id="muskel_session_list",
    summary=gettext_noop("List Muskel sessions"),
)
def muskel_session_list(request, filters: Query[MuskelSessionFilters]):
    """The sessions inside the caller's area, latest date first."""
    user = request.auth
    require(user, Cap.REQUEST_VIEW)
    qs = sessions_visible(user, state=filters.state or "", region=filters.region or "")
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "count": qs.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [_summary(s, s.item_count, s.undecided) for s in page],
    }


@router.get(
    "/muskel/sessions/{session_id}",
    response={200: MuskelSessionOut, **DETAIL_ERRORS},
    operation_id="muskel_session_get",
    summary=gettext_noop("One Muskel session with its attendees, agenda and decisions"),
)
def muskel_session_get(request, session_id: RecordId):
    require(request.auth, Cap.REQUEST_VIEW)
    return _answer(request.auth, session_id)


@router.post(
    "/muskel/sessions",
    response={201: MuskelSessionOut, **WRITE_ERRORS},
    operation_id="muskel_session_schedule",
    summary=gettext_noop("Schedule a Muskel session"),
)
def muskel_session_schedule(request, payload: MuskelScheduleIn):
    """A session of a kelurahan inside the caller's area; its PSMs, TKSK and kelurahan operators
    are notified."""
    user = request.auth
    session = services.muskel_schedule(
        actor=user,
        region=Region.objects.filter(code=payload.kelurahan).first(),
        date=payload.date,
        place=payload.place,
        quorum=payload.quorum,
        note=payload.note,
    )
    return Status(201, _answer(user, session.pk))


@router.post(
    "/muskel/sessions/{session_id}/attendees",
    response={201: MuskelSessionOut, **WRITE_ERRORS},
    operation_id="muskel_attendee_add",
    summary=gettext_noop("Add an attendee to a Muskel session"),
)
def muskel_attendee_add(request, session_id: RecordId, payload: MuskelAttendeeIn):
    user = request.auth
    require(user, Cap.MUSKEL_MANAGE)
    services.muskel_attendee_add(
        actor=user,
        session=_session(user, session_id),
        name=payload.name,
        role=payload.role,
        present=payload.present,
        expected_version=payload.version,
    )
    return Status(201, _answer(user, session_id))


@router.delete(
    "/muskel/sessions/{session_id}/attendees/{attendee_id}",
    response={200: MuskelSessionOut, **WRITE_ERRORS},
    operation_id="muskel_attendee_remove",
    summary=gettext_noop("Remove an attendee from a Muskel session"),
)
def muskel_attendee_remove(
    request,
    session_id: RecordId,
    attendee_id: RecordId,
    version: Version | None = VERSION_QUERY,
):
    user = request.auth
    require(user, Cap.MUSKEL_MANAGE)
    session = _session(user, session_id)
    if not session.attendees.filter(pk=attendee_id).exists():
        raise Http404
    services.muskel_attendee_remove(
        actor=user, session=session, attendee_id=attendee_id, expected_version=version
    )
    return _answer(user, session_id)


@router.post(
    "/muskel/sessions/{session_id}/agenda",
    response={201: MuskelSessionOut, **WRITE_ERRORS},
    operation_id="muskel_agenda_add",
    summary=gettext_noop("Put a verified request on a Muskel agenda"),
)
def muskel_agenda_add(request, session_id: RecordId, payload: MuskelAgendaIn):
    """The request must be verified and of the session's kelurahan; it moves to "on the Muskel
    agenda"."""
    user = request.auth
    require(user, Cap.MUSKEL_MANAGE)
    session = _session(user, session_id)
    change = request_selectors.request_get(user=user, pk=payload.request_id)
    if change is None:
        raise Http404
    services.muskel_agenda_add(
        actor=user, session=session, request=change, expected_version=payload.version
    )
    return Status(201, _answer(user, session_id))


@router.post(
    "/muskel/sessions/{session_id}/agenda/{item_id}/decision",
    response={200: MuskelSessionOut, **WRITE_ERRORS},
    operation_id="muskel_decide",
    summary=gettext_noop("Record the Muskel's decision on an agenda item"),
)
def muskel_decide(request, session_id: RecordId, item_id: RecordId, payload: MuskelDecisionIn):
    """One decision per item: the request is agreed or rejected in Muskel (a rejection needs its
    `note`)."""
    user = request.auth
    require(user, Cap.MUSKEL_MANAGE)
    services.muskel_decide(
        actor=user,
        item=_agenda_item(user, session_id, item_id),
        decision=payload.decision,
        note=payload.note,
        expected_version=payload.version,
    )
    return _answer(user, session_id)


@router.post(
    "/muskel/sessions/{session_id}/agenda/{item_id}/remove",
    response={200: MuskelSessionOut, **WRITE_ERRORS},
    operation_id="muskel_agenda_remove",
    summary=gettext_noop("Take an undecided request off a Muskel agenda"),
)
def muskel_agenda_remove(request, session_id: RecordId, item_id: RecordId, payload: MuskelRemoveIn):
    """The request goes back to "verified", for another session."""
    user = request.auth
    require(user, Cap.MUSKEL_MANAGE)
    services.muskel_agenda_remove(
        actor=user,
        item=_agenda_item(user, session_id, item_id),
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _answer(user, session_id)


@router.post(
    "/muskel/sessions/{session_id}/close",
    response={200: MuskelSessionOut, **WRITE_ERRORS},
    operation_id="muskel_close",
    summary=gettext_noop("Close a Muskel session with its Berita Acara's number"),
)
def muskel_close(request, session_id: RecordId, payload: MuskelCloseIn):
    """Every item decided and the quorum present; the decisions then go to the Dinas Sosial."""
    user = request.auth
    require(user, Cap.MUSKEL_MANAGE)
    services.muskel_close(
        actor=user,
        session=_session(user, session_id),
        number=payload.number,
        expected_version=payload.version,
    )
    return _answer(user, session_id)


@router.get(
    "/muskel/sessions/{session_id}/berita-acara",
    response=DETAIL_ERRORS,
    operation_id="muskel_berita_acara",
    summary=gettext_noop("Download a Muskel session's Berita Acara (PDF)"),
    openapi_extra=_file_answer("The Berita Acara, in the request's language.", "application/pdf"),
)
def muskel_berita_acara(request, session_id: RecordId):
    """Numbers shown as the caller may see them; the download is written to the access log."""
    user = request.auth
    require(user, Cap.REQUEST_VIEW)
    return berita_acara_response(
        user=user,
        session=_session(user, session_id),
        purpose="api_muskel_berita_acara",
        request=request,
    )


@router.get(
    "/muskel/sessions/{session_id}/bnba",
    response=DETAIL_ERRORS,
    operation_id="muskel_bnba",
    summary=gettext_noop("Download a Muskel agenda's by-name-by-address list (CSV or XLSX)"),
    openapi_extra=_file_answer(
        "The list, one row per agenda item.",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
)
def muskel_bnba(
    request,
    session_id: RecordId,
    format: Literal["csv", "xlsx"] = Query("csv", description="`csv` or `xlsx`."),
):
    """Numbers shown as the caller may see them; the download is audited and access-logged."""
    user = request.auth
    require(user, Cap.REQUEST_VIEW)
    return agenda_list_response(
        user=user,
        session=_session(user, session_id),
        file_format=format,
        purpose="api_muskel_bnba",
        request=request,
    )
