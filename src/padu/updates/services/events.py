"""Every step of a request is a `RequestEvent` and an audit entry, in the same transaction."""

from padu.core.audit import audit_record

from ..models import ChangeRequest, RequestEvent


def record_event(
    *,
    request: ChangeRequest,
    transition: str,
    from_state: str,
    actor=None,
    by_citizen: bool = False,
    reason: str = "",
    after: dict | None = None,
) -> RequestEvent:
    event = RequestEvent.objects.create(
        request=request,
        transition=transition,
        from_state=from_state,
        to_state=request.state,
        actor=actor,
        by_citizen=by_citizen,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=f"updates.request.{transition}",
        obj=request,
        object_repr=str(request),
        region_code=request.region_id,
        before={"state": from_state} if from_state else None,
        after={"state": request.state, "version": request.version, **(after or {})},
        reason=reason,
        source="citizen" if by_citizen else "",
    )
    return event
