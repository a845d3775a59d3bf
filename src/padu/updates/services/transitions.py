"""The named transitions of workflow.py, each one service: check the capability and the scope,
lock the request, check its state (and version), move it, record the event and the audit entry.
The steps of field verification and of the Muskel are taken only by their own services, which
say so (`via`); asked for them without it, `request_transition` refuses and says where."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.core.errors import ConflictError, DomainError, PermissionDeniedError, ValidationFailed
from padu.core.scoping import require

from ..codes import RequestKind, RequestState
from ..deadlines import lapse_date
from ..models import ChangeRequest
from ..workflow import MUSKEL, TRANSITIONS, VERIFICATION, Transition
from . import notices
from .events import record_event


def _refused(request: ChangeRequest, t: Transition) -> DomainError:
    return DomainError(
        _("This request is %(state)s; “%(action)s” is not possible now.")
        % {"state": request.get_state_display().lower(), "action": t.label},
        code="invalid_state",
    )


def taken_elsewhere(t: Transition) -> DomainError:
    """The refusal of a step of field verification or of the Muskel asked of the generic
    transition (a page's form or the API's `transitions/{name}`): where it is taken."""
    if t.via == VERIFICATION:
        message = _(
            "“%(action)s” is taken only through field verification: a TKSK or operator assigns "
            "the request to a PSM (Assign a PSM, or the API's verification task endpoints), and "
            "the request is verified, or not, when the PSM completes the task (My tasks)."
        )
    else:
        assert t.via == MUSKEL, t
        message = _(
            "“%(action)s” is taken only in a Muskel session: a verified request is put on a "
            "session's agenda, and agreed or rejected by the session's decision (Muskel, or the "
            "API's Muskel endpoints)."
        )
    return DomainError(message % {"action": t.label}, code="taken_elsewhere")


def locked_request(actor, request: ChangeRequest) -> ChangeRequest:
    """The request, locked, re-read inside the actor's area ("missing" and "not yours" alike)."""
    qs = ChangeRequest.objects.select_for_update()
    locked = (
        (qs.scoped(actor) if actor is not None else qs.unscoped()).filter(pk=request.pk).first()
    )
    if locked is None:
        raise PermissionDeniedError()
    return locked


def move(
    *,
    actor,
    locked: ChangeRequest,
    t: Transition,
    reason: str = "",
    fields: tuple[str, ...] = (),
    after: dict | None = None,
) -> ChangeRequest:
    """Move a locked request along `t` (its state checked by the caller) and record it; `fields`:
    other fields the caller changed on it."""
    before = locked.state
    now = timezone.now()
    locked.state = t.target
    locked.state_changed_at = now
    changed = ["state", "state_changed_at", *fields]
    if t.target == RequestState.SUBMITTED:
        locked.submitted_at = now
        changed.append("submitted_at")
        if locked.kind == RequestKind.OBJECTION:
            locked.lapses_on = lapse_date(now)
            changed.append("lapses_on")
    locked.version += 1
    locked.updated_by = actor
    locked.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
    record_event(
        request=locked,
        transition=t.name,
        from_state=before,
        actor=actor,
        reason=reason,
        after=after,
    )
    return locked


def request_transition(
    *,
    actor,
    request: ChangeRequest,
    name: str,
    reason: str = "",
    expected_version: int | None = None,
    via: str = "",
) -> ChangeRequest:
    """Take the transition `name` of workflow.TRANSITIONS. Approval applies the change to the
    registry (services.apply) in the same transaction. `via`: the workflow of the calling
    service (workflow.VERIFICATION, MUSKEL), which alone takes that workflow's steps."""
    t = TRANSITIONS.get(name)
    if t is None or t.capability is None:
        raise PermissionDeniedError()
    require(actor, t.capability)
    if t.via and t.via != via:
        raise taken_elsewhere(t)
    reason = (reason or "").strip()
    if t.needs_reason and not reason:
        raise ValidationFailed({"reason": [_("Reason: say why.")]})
    with transaction.atomic():
        locked = locked_request(actor, request)
        if expected_version is not None and locked.version != expected_version:
            raise ConflictError(current_version=locked.version)
        if locked.state not in t.sources:
            raise _refused(locked, t)
        fields, after = (), None
        if t.name == "approve":
            from .apply import request_apply

            fields, after = request_apply(actor=actor, request=locked)
        moved = move(actor=actor, locked=locked, t=t, reason=reason, fields=fields, after=after)
        if t.name == "return":
            notices.request_returned(moved, reason)  # the proposer is told (issue 12 #7)
        return moved
