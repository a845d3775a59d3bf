"""The named transitions of lifecycle.py: check the capability and the scope, lock the candidate,
check its state (and version), move it, audit it. `candidate_transition` is what a page or the
API calls; `move` is for the services that record a transition's grounds (a field check, a
decree, a benefit) inside their own transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from padu.core.audit import audit_record
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.scoping import require

from ..codes import CandidateState, ExitReason
from ..lifecycle import TRANSITIONS, Transition
from ..models import Candidate
from .base import check_version, touch


def locked_candidate(actor, candidate: Candidate | int) -> Candidate:
    """The candidate, locked, re-read inside the actor's area ("missing" and "not yours" alike)."""
    pk = candidate.pk if isinstance(candidate, Candidate) else candidate
    locked = (
        Candidate.objects.select_for_update()
        .scoped(actor)
        .select_related("cohort__program")
        .filter(pk=pk)
        .first()
    )
    if locked is None:
        raise PermissionDeniedError()
    return locked


def refused(candidate: Candidate, t: Transition) -> DomainError:
    return DomainError(
        _("This candidate is %(state)s; “%(action)s” is not possible now.")
        % {"state": candidate.get_state_display().lower(), "action": t.label},
        code="invalid_state",
    )


def move(
    *,
    actor,
    locked: Candidate,
    name: str,
    reason: str = "",
    exit_reason: str = "",
    after: dict | None = None,
) -> Candidate:
    """Move a locked candidate along transition `name`, checking its state and the actor's
    capability; `after`: what the caller recorded with it (the audit entry shows it)."""
    t = TRANSITIONS[name]
    require(actor, t.capability)
    if locked.state not in t.sources:
        raise refused(locked, t)
    before = {"state": locked.state}
    locked.state = t.target
    fields = ["state"]
    if name == "exit":
        locked.exit_reason = exit_reason
        fields.append("exit_reason")
    locked.version += 1
    locked.updated_by = actor
    locked.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action=f"programs.candidate.{name}",
        obj=locked,
        region_code=locked.region_id,
        before=before,
        after={
            "state": locked.state,
            **({"exit_reason": exit_reason} if exit_reason else {}),
            **(after or {}),
        },
        reason=reason,
        only_changes=False,
    )
    return locked


def candidate_transition(
    *,
    actor,
    candidate: Candidate,
    name: str,
    reason: str = "",
    exit_reason: str = "",
    expected_version: int | None = None,
) -> Candidate:
    """Take the transition `name` of lifecycle.TRANSITIONS that a person may take by itself
    (enrol, complete, graduate, exit with a reason, reject with a reason)."""
    t = TRANSITIONS.get(name)
    if t is None or not t.direct:
        raise PermissionDeniedError()
    require(actor, t.capability)
    reason = (reason or "").strip()
    errors = {}
    if t.needs_reason and not reason:
        errors["reason"] = [_("Reason: say why.")]
    if name == "exit" and exit_reason not in ExitReason.values:
        errors["exit_reason"] = [_("Reason for leaving: choose one from the list.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = locked_candidate(actor, candidate)
        check_version(locked, expected_version)
        return move(
            actor=actor,
            locked=locked,
            name=name,
            reason=reason,
            exit_reason=exit_reason if name == "exit" else "",
        )


def deliver_if_enrolled(*, actor, locked: Candidate, grounds: dict) -> None:
    """A benefit given to an enrolled beneficiary delivers it; a second one leaves his state,
    but moves his record's version all the same (a page showing the first is out of date)."""
    if locked.state == CandidateState.ENROLLED:
        move(actor=actor, locked=locked, name="deliver", after=grounds)
    else:
        touch(locked, actor)
