"""A Muskel's writes: schedule a session, keep its attendance, put verified requests of its
kelurahan on the agenda (or take one off), record one decision per item (the request moves along
the workflow: agreed or rejected in Muskel), and close the session once every item is decided and
the quorum is present. Each write is one transaction that checks the capability and the area,
locks the session, compares its version with the one the user read (`expected_version`: two
staff working on one session never overwrite each other), bumps it and is audited."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import ConflictError, DomainError, PermissionDeniedError, ValidationFailed
from padu.core.scoping import require, require_in_scope
from padu.regions.models import Region

from ..codes import AttendeeRole, MuskelDecision, SessionState
from ..models import ChangeRequest, MuskelAttendee, MuskelItem, MuskelSession
from ..services import notices
from ..services.transitions import request_transition
from ..workflow import MUSKEL

# The workflow transition each decision takes (workflow.TRANSITIONS).
DECISION_TRANSITIONS = {MuskelDecision.AGREED: "agree", MuskelDecision.REJECTED: "reject_in_muskel"}


def _locked(actor, session: MuskelSession, expected_version: int | None) -> MuskelSession:
    """The session, locked, re-read inside the actor's area, as the user read it
    (`expected_version`; None: a caller that read none, as the API allows)."""
    locked = MuskelSession.objects.select_for_update().scoped(actor).filter(pk=session.pk).first()
    if locked is None:
        raise PermissionDeniedError()
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _(
                "Someone else changed this Muskel session after you opened it. Reload it, check "
                "their changes, and try again."
            ),
            current_version=locked.version,
        )
    return locked


def _editable(session: MuskelSession) -> None:
    if session.state == SessionState.DECIDED:
        raise DomainError(
            _("This Muskel session is closed; its decisions can no longer change."),
            code="session_closed",
        )


def _saved(actor, session: MuskelSession, action: str, fields: list[str], after: dict) -> None:
    session.version += 1
    session.updated_by = actor
    session.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action=f"updates.muskel.{action}",
        obj=session,
        region_code=session.region_id,
        after={**after, "version": session.version},
    )


def _details(*, region: Region | None, date, place: str, quorum) -> dict:
    errors = {}
    if region is None or not region.is_village:
        errors["region"] = [_("Kelurahan: choose a kelurahan or desa.")]
    if not isinstance(date, datetime.date):
        errors["date"] = [_("Date: give the session's date.")]
    if not (place or "").strip():
        errors["place"] = [_("Place: say where the session is held.")]
    if not isinstance(quorum, int) or not 1 <= quorum <= 100:
        errors["quorum"] = [_("Quorum: a number of attendees from 1 to 100.")]
    if errors:
        raise ValidationFailed(errors)
    return {"date": date, "place": place.strip(), "quorum": quorum}


def muskel_schedule(
    *, actor, region: Region | None, date, place: str, quorum: int = 1, note: str = ""
) -> MuskelSession:
    require(actor, Cap.MUSKEL_MANAGE)
    values = _details(region=region, date=date, place=place, quorum=quorum)
    require_in_scope(actor, region.code)
    with transaction.atomic():
        session = MuskelSession.objects.create(
            region=region, note=note.strip(), created_by=actor, updated_by=actor, **values
        )
        audit_record(
            actor=actor,
            action="updates.muskel.scheduled",
            obj=session,
            region_code=session.region_id,
            after={"date": session.date, "place": session.place, "quorum": session.quorum},
        )
        notices.muskel_scheduled(session, actor=actor)
    return session


def muskel_attendee_add(
    *,
    actor,
    session: MuskelSession,
    name: str,
    role: str,
    present: bool = True,
    expected_version: int | None = None,
) -> MuskelAttendee:
    require(actor, Cap.MUSKEL_MANAGE)
    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("Name: give the attendee's name.")]
    if role not in AttendeeRole.values:
        errors["role"] = [_("Role: choose RT, RW, Lurah, PSM, TKSK or other.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _locked(actor, session, expected_version)
        _editable(locked)
        attendee = MuskelAttendee.objects.create(
            session=locked, name=name.strip(), role=role, present=present
        )
        _saved(actor, locked, "attendee_added", [], {"attendee": attendee.name, "role": role})
    return attendee


def muskel_attendee_remove(
    *, actor, session: MuskelSession, attendee_id: int, expected_version: int | None = None
) -> None:
    require(actor, Cap.MUSKEL_MANAGE)
    with transaction.atomic():
        locked = _locked(actor, session, expected_version)
        _editable(locked)
        attendee = MuskelAttendee.objects.unscoped().filter(session=locked, pk=attendee_id).first()
        if attendee is None:
            raise PermissionDeniedError()
        attendee.delete()
        _saved(actor, locked, "attendee_removed", [], {"attendee": attendee.name})


def muskel_agenda_add(
    *, actor, session: MuskelSession, request: ChangeRequest, expected_version: int | None = None
) -> MuskelItem:
    """Put a verified request of the session's kelurahan on its agenda (the request moves to
    "on the Muskel agenda")."""
    require(actor, Cap.MUSKEL_MANAGE)
    with transaction.atomic():
        locked = _locked(actor, session, expected_version)
        _editable(locked)
        if request.region_id != locked.region_id:
            raise DomainError(
                _("Only the requests of this session's kelurahan can be on its agenda."),
                code="other_region",
            )
        moved = request_transition(actor=actor, request=request, name="put_on_agenda", via=MUSKEL)
        item = MuskelItem.objects.create(session=locked, request=moved)
        _saved(actor, locked, "agenda_added", [], {"request": moved.receipt})
    return item


def muskel_agenda_remove(
    *, actor, item: MuskelItem, reason: str, expected_version: int | None = None
) -> None:
    """Take an undecided item off its session's agenda, with the reason (the request goes back
    to "verified", for another session)."""
    require(actor, Cap.MUSKEL_MANAGE)
    with transaction.atomic():
        locked = _locked(actor, item.session, expected_version)
        _editable(locked)
        item = MuskelItem.objects.unscoped().select_for_update().filter(pk=item.pk).first()
        if item is None or item.session_id != locked.pk:
            raise PermissionDeniedError()
        if item.decision:
            raise DomainError(
                _("This item is decided already: %(decision)s.")
                % {"decision": item.get_decision_display().lower()},
                code="decided",
            )
        moved = request_transition(
            actor=actor, request=item.request, name="remove_from_agenda", reason=reason, via=MUSKEL
        )
        item.delete()
        _saved(
            actor,
            locked,
            "agenda_removed",
            [],
            {"request": moved.receipt, "reason": (reason or "").strip()},
        )


def muskel_decide(
    *, actor, item: MuskelItem, decision: str, note: str = "", expected_version: int | None = None
) -> MuskelItem:
    """The session's decision on one item; the request is agreed or rejected in Muskel."""
    require(actor, Cap.MUSKEL_MANAGE)
    if decision not in DECISION_TRANSITIONS:
        raise ValidationFailed({"decision": [_("Decision: choose agreed or rejected.")]})
    note = (note or "").strip()
    if decision == MuskelDecision.REJECTED and not note:
        raise ValidationFailed({"note": [_("Note: say why the Muskel rejected it.")]})
    with transaction.atomic():
        locked = _locked(actor, item.session, expected_version)
        _editable(locked)
        item = MuskelItem.objects.unscoped().select_for_update().get(pk=item.pk)
        if item.decision:
            raise DomainError(
                _("This item is decided already: %(decision)s.")
                % {"decision": item.get_decision_display().lower()},
                code="decided",
            )
        request_transition(
            actor=actor,
            request=item.request,
            name=DECISION_TRANSITIONS[decision],
            reason=note,
            via=MUSKEL,
        )
        item.decision, item.note = decision, note
        item.decided_at, item.decided_by = timezone.now(), actor
        item.save(update_fields=["decision", "note", "decided_at", "decided_by"])
        if locked.state == SessionState.PLANNED:
            locked.state = SessionState.HELD
        _saved(
            actor,
            locked,
            "decided",
            ["state"],
            {"request": item.request.receipt, "decision": decision, "note": note},
        )
    return item


def muskel_close(
    *, actor, session: MuskelSession, number: str, expected_version: int | None = None
) -> MuskelSession:
    """Close the session: every item decided, the quorum present, the Berita Acara numbered."""
    require(actor, Cap.MUSKEL_MANAGE)
    number = (number or "").strip()
    if not number:
        raise ValidationFailed({"number": [_("Number: give the Berita Acara's number.")]})
    with transaction.atomic():
        locked = _locked(actor, session, expected_version)
        _editable(locked)
        items = MuskelItem.objects.unscoped().filter(session=locked)
        if not items.exists():
            raise DomainError(_("The agenda is empty: there is nothing to decide."), code="empty")
        undecided = items.filter(decision="").count()
        if undecided:
            raise DomainError(
                _("%(count)d agenda items are not decided yet.") % {"count": undecided},
                code="undecided",
            )
        present = MuskelAttendee.objects.unscoped().filter(session=locked, present=True).count()
        if present < locked.quorum:
            raise DomainError(
                _("Only %(present)d attendees are present; the quorum is %(quorum)d.")
                % {"present": present, "quorum": locked.quorum},
                code="no_quorum",
            )
        locked.state, locked.number, locked.decided_at = (
            SessionState.DECIDED,
            number,
            timezone.now(),
        )
        _saved(actor, locked, "closed", ["state", "number", "decided_at"], {"number": number})
    return locked
