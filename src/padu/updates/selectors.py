"""Reads of change requests, always scoped; and the one read a citizen makes by his receipt."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from padu.accounts.capabilities import Cap

from .models import ChangeRequest, RequestEvent
from .models.requests import RECEIPT_ALPHABET, RECEIPT_LENGTH


def requests_visible(user) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.scoped(user)


def request_list(*, user, filters: dict | None = None) -> QuerySet[ChangeRequest]:
    """The user's area's requests, newest first, filtered by state, kind, source, kelurahan or
    receipt number."""
    filters = filters or {}
    qs = requests_visible(user).select_related("region", "family", "person")
    for name in ("state", "kind", "source"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("region"):
        qs = qs.filter(region_id=filters["region"])
    if filters.get("receipt"):
        qs = qs.filter(receipt=normalise_receipt(filters["receipt"]))
    return qs.order_by("-created_at", "-pk")


def waiting_for(user) -> list[dict]:
    """The requests in the user's area that wait for a step he may take, by state: a PSM's to
    verify, a kelurahan's to put on the Muskel agenda, an operator's to check and approve."""
    from django.db.models import Count, Q

    from .codes import RequestState
    from .workflow import TRANSITIONS

    if not user.has_capability(Cap.REQUEST_VIEW):
        return []
    states = {
        state
        for t in TRANSITIONS.values()
        if t.capability is not None and user.has_capability(t.capability)
        for state in t.sources
    }
    # A proposer's own drafts and returned requests wait for him, not every proposer's.
    own = {RequestState.DRAFT, RequestState.RETURNED}
    counts = (
        requests_visible(user)
        .filter(Q(state__in=states - own) | Q(state__in=states & own, created_by=user))
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_state = {row["state"]: row["n"] for row in counts}
    return [
        {"state": state, "label": RequestState(state).label, "count": by_state[state]}
        for state in RequestState.values
        if by_state.get(state)
    ]


def request_get(*, user, pk: int) -> ChangeRequest | None:
    """The request, if the user may see it (None for "missing" and "not yours" alike)."""
    return (
        requests_visible(user)
        .select_related("region", "family", "person", "target_family", "created_by")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class CitizenStep:
    state: str
    state_label: str
    at: datetime.datetime


@dataclass(frozen=True)
class CitizenView:
    """All a receipt tells: what kind of request, where it stands, and its steps' dates; never
    a name, an identifier, a note or who acted."""

    receipt: str
    kind_label: str
    state: str
    state_label: str
    submitted_at: datetime.datetime | None
    steps: tuple[CitizenStep, ...]


def normalise_receipt(receipt: str) -> str:
    return "".join((receipt or "").split()).upper().replace("-", "")


def request_by_receipt(receipt: str) -> CitizenView | None:
    receipt = normalise_receipt(receipt)
    if len(receipt) != RECEIPT_LENGTH or set(receipt) - set(RECEIPT_ALPHABET):
        return None
    # Unscoped: the receipt is the citizen's key to his own request, and the view keeps only
    # what he may see.
    request = ChangeRequest.objects.unscoped().filter(receipt=receipt).first()
    if request is None:
        return None
    events = RequestEvent.objects.unscoped().filter(request=request).order_by("at", "pk")
    return CitizenView(
        receipt=request.receipt,
        kind_label=str(request.get_kind_display()),
        state=request.state,
        state_label=str(request.get_state_display()),
        submitted_at=request.submitted_at,
        steps=tuple(CitizenStep(e.to_state, str(e.get_to_state_display()), e.at) for e in events),
    )
