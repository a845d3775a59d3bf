"""Reads of a person's disability records and PPKS assessments (personal data: ScopedManager,
scoped by the person's kelurahan), for the person's page."""

from __future__ import annotations

from ..models import Person, PersonDisability, PPKSAssessment
from .records import people_visible


def person_disabilities(*, user, person: Person) -> list[PersonDisability]:
    """Every disability record of a person inside the user's area, in force first, then by
    the assessment's date, newest first."""
    if not people_visible(user=user).filter(pk=person.pk).exists():
        return []
    rows = (
        PersonDisability.objects.scoped(user)
        .filter(person_id=person.pk)
        .select_related("created_by", "ended_by", "created_import")
        .order_by("-assessed_on", "-id")
    )
    return sorted(rows, key=lambda r: r.ended_on is not None)


def person_ppks_assessments(*, user, person: Person) -> list[PPKSAssessment]:
    """The PPKS assessments of a person inside the user's area, newest first."""
    if not people_visible(user=user).filter(pk=person.pk).exists():
        return []
    return list(
        PPKSAssessment.objects.scoped(user)
        .filter(person_id=person.pk)
        .select_related("category", "created_by")
        .order_by("-assessed_on", "-id")
    )


def disability_get(*, user, pk: int) -> PersonDisability:
    """One disability record inside the user's area; 404 whether missing or not his."""
    from django.http import Http404

    if not people_visible(user=user).query.is_empty():
        row = PersonDisability.objects.scoped(user).select_related("person").filter(pk=pk).first()
    else:
        row = None
    if row is None:
        raise Http404
    return row
