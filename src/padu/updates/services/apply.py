"""An approved request's change, applied to the registry through the registry's own services, in
the approval's transaction (services.transitions): the approval and its change stand or fall
together, and a request is applied exactly once (its row is locked and its state checked first).
The registry's audit entries carry the request's reference as their source (where the service
takes one) and its receipt in their reason, so a record's history leads back to the request."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from padu.core.errors import DomainError
from padu.core.records.derive.storage import record_values
from padu.registry.codes import FamilyStatus, LifeStatus
from padu.registry.declarations import FAMILY, PERSON
from padu.registry.models import Family, Person
from padu.registry.services import families, people, splits, transitions
from padu.registry.services.base import json_value

from ..codes import RemovalReason, RequestKind
from ..models import ChangeRequest

K = RequestKind
R = RemovalReason
# The registry status a removal (or an accepted objection) gives a family, and a member.
FAMILY_STATUS = {
    R.DECEASED: FamilyStatus.DISSOLVED,
    R.MOVED: FamilyStatus.MOVED,
    R.WELL_OFF: FamilyStatus.WELL_OFF,
    R.DUPLICATE: FamilyStatus.DUPLICATE,
    R.NOT_FOUND: FamilyStatus.NOT_FOUND,
}
PERSON_STATUS = {
    R.DECEASED: LifeStatus.DECEASED,
    R.MOVED: LifeStatus.MOVED,
    R.DUPLICATE: LifeStatus.DUPLICATE,
    R.NOT_FOUND: LifeStatus.NOT_FOUND,
}
# The registry has no status for a family that refuses (menolak) yet: such a removal is refused at
# approval, with the reason, rather than recorded as something it is not.
# A beneficiary's own withdrawal (Cek Bansos's "mengundurkan diri") leaves the active list as
# graduated: he says he no longer needs the help.
WITHDRAWAL_STATUS = FamilyStatus.WELL_OFF
# An objection says the family should not be in the registry's active list: unless the
# verification named another reason, because it is well-off (DOMAIN.md §2.4).
OBJECTION_REASON = R.WELL_OFF


def _reason(request: ChangeRequest) -> str:
    text = _("Change request %(receipt)s (%(kind)s)") % {
        "receipt": request.receipt,
        "kind": request.get_kind_display(),
    }
    return f"{text}: {request.notes}" if request.notes else text


def _family(request: ChangeRequest) -> Family:
    # Unscoped: the request was made inside the approver's area, which `locked_request` checked;
    # the registry's services lock and re-check the family in the actor's area themselves.
    return Family.objects.unscoped().get(pk=request.family_id)


def _person(pk) -> Person:
    return Person.objects.unscoped().get(pk=pk)  # as _family


def _unchanged(request: ChangeRequest, record, obj) -> None:
    """A change applies to the values it was asked against; if someone changed them meanwhile,
    the request goes back for correction instead of overwriting their change."""
    now = json_value(record_values(record, obj, list(request.before)))
    if now != request.before:
        raise DomainError(
            _(
                "The record has changed since this request was made. Return the request so "
                "that it is corrected against the current data."
            ),
            code="conflict",
        )


def request_apply(*, actor, request: ChangeRequest) -> tuple[tuple[str, ...], dict]:
    """Apply the locked `request`'s change; return the request's fields it set and what the
    approval's event records."""
    kind, payload, source, reason = (
        request.kind,
        request.payload,
        request.reference,
        _reason(request),
    )
    fields: list[str] = []
    if kind == K.NEW_FAMILY:
        family = families.family_register(
            actor=actor,
            data=payload["family"],
            members=payload["members"],
            housing=payload.get("housing") or None,
            confirm_warnings=True,
            source=source,
        )
        request.applied_family = family
        fields.append("applied_family")
    elif kind == K.NEW_MEMBER:
        person = people.person_add(
            actor=actor,
            family=_family(request),
            data=payload["person"],
            confirm_warnings=True,
            source=source,
        )
        request.applied_person = person
        fields.append("applied_person")
    elif kind == K.CHANGE:
        _apply_change(actor, request, reason, source)
    elif kind == K.MOVE:
        fields += _apply_move(actor, request, reason)
    elif kind in (K.REMOVAL, K.OBJECTION):
        _apply_removal(actor, request, reason, source)
    elif kind == K.WITHDRAWAL:
        transitions.family_change_status(
            actor=actor,
            family=_family(request),
            status=WITHDRAWAL_STATUS,
            reason=reason,
            source=source,
        )
    request.applied_at = timezone.now()
    request.applied_by = actor
    fields += ["applied_at", "applied_by"]
    after = {
        "applied_family": request.applied_family_id,
        "applied_person": request.applied_person_id,
    }
    return tuple(fields), {k: v for k, v in after.items() if v is not None}


def _apply_change(actor, request: ChangeRequest, reason: str, source: str) -> None:
    changes = request.payload["changes"]
    if request.person_id:
        person = _person(request.person_id)
        _unchanged(request, PERSON, person)
        people.person_update(
            actor=actor,
            person=person,
            expected_version=person.version,
            data=changes,
            reason=reason,
            source=source,
            confirm_warnings=True,
        )
    else:
        family = _family(request)
        _unchanged(request, FAMILY, family)
        families.family_update(
            actor=actor,
            family=family,
            expected_version=family.version,
            data=changes,
            reason=reason,
            source=source,
            confirm_warnings=True,
        )


def _apply_move(actor, request: ChangeRequest, reason: str) -> list[str]:
    payload = request.payload
    if "kk_number" in payload:
        members = [(_person(pk), rel) for pk, rel in payload["members"]]
        new = splits.family_split(
            actor=actor,
            family=_family(request),
            kk_number=payload["kk_number"],
            members=members,
            reason=reason,
        )
        request.applied_family = new
        return ["applied_family"]
    splits.person_move_family(
        actor=actor,
        person=_person(request.person_id),
        family=Family.objects.unscoped().get(pk=request.target_family_id),
        relationship=payload["relationship"],
        reason=reason,
    )
    return []


def _apply_removal(actor, request: ChangeRequest, reason: str, source: str) -> None:
    why = request.removal_reason or OBJECTION_REASON
    statuses = PERSON_STATUS if request.person_id else FAMILY_STATUS
    if why not in statuses:
        raise DomainError(
            _("The registry has no status for the reason “%(reason)s”; reject or return it.")
            % {"reason": RemovalReason(why).label}
        )
    if request.person_id:
        transitions.person_change_status(
            actor=actor,
            person=_person(request.person_id),
            status=PERSON_STATUS[why],
            reason=reason,
            source=source,
        )
        return
    transitions.family_change_status(
        actor=actor,
        family=_family(request),
        status=FAMILY_STATUS[why],
        reason=reason,
        source=source,
    )
