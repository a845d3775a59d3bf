"""Reads of Muskel sessions, scoped to the user's area like the requests they decide."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from padu.core.scoping import subtree_q

from ..codes import RequestState
from ..models import ChangeRequest, MuskelItem, MuskelSession


def sessions_visible(user, *, state: str = "", region: str = "") -> QuerySet[MuskelSession]:
    """The sessions in the user's area, with their counts of items and of undecided ones;
    `region`: a kecamatan or kelurahan code (its subtree)."""
    qs = MuskelSession.objects.scoped(user).select_related("region")
    if state:
        qs = qs.filter(state=state)
    if region:
        qs = qs.filter(subtree_q("region__code", [region]))
    # Ordered again: a grouped query drops the model's default ordering.
    return qs.annotate(
        item_count=Count("items", distinct=True),
        undecided=Count("items", filter=Q(items__decision=""), distinct=True),
    ).order_by("-date", "-pk")


def session_get(*, user, pk: int) -> MuskelSession | None:
    """The session, if the user may see it (None for "missing" and "not yours" alike)."""
    return MuskelSession.objects.scoped(user).select_related("region").filter(pk=pk).first()


def session_items(session: MuskelSession) -> QuerySet[MuskelItem]:
    """The agenda of a session the caller has read through session_get (scoped)."""
    return (
        MuskelItem.objects.unscoped()
        .filter(session=session)
        .select_related("request", "request__family", "request__person", "decided_by")
        .order_by("pk")
    )


def agenda_candidates(*, user, session: MuskelSession) -> QuerySet[ChangeRequest]:
    """The verified requests of the session's kelurahan, ready for an agenda."""
    return (
        ChangeRequest.objects.scoped(user)
        .filter(region_id=session.region_id, state=RequestState.VERIFIED)
        .select_related("family", "person")
        .order_by("submitted_at", "pk")
    )
