"""Scoped reads of the periods: the list, a period's summary (its counts summed over the user's
kelurahan), and the registry "as of" a closed period: the family and person versions that held
then (`valid_from <= month < valid_until`), inside the user's area as the registry's lists are.

A version holds the key facts as frozen (kelurahan, status, desil; a person's family and
relationship); names, numbers and addresses come from the record as it is now."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from padu.core.errors import DomainError
from padu.registry.selectors import DESIL_NONE, parse_desil

from .models import FamilyState, Period, PersonState, Tally


def period_list(*, filters: dict) -> QuerySet[Period]:
    """The periods, newest first; `filters`: `year` (a number), `status` (a Period.Status)."""
    qs = Period.objects.select_related("closed_by", "reopened_by")
    if filters.get("year"):
        year = int(filters["year"])
        qs = qs.filter(month__gte=year * 100, month__lte=year * 100 + 12)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("-month")


def registered_counts(*, user, months: list[int]) -> dict[int, dict[str, int]]:
    """{month: {"family": n, "person": n}}: registered at each close, inside the user's area."""
    rows = (
        Tally.objects.scoped(user)
        .filter(period_id__in=months, measure=Tally.Measure.REGISTERED)
        .values("period_id", "record")
        .annotate(n=Sum("count"))
        .order_by()
    )
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["period_id"], {})[row["record"]] = row["n"]
    return found


def period_summary(*, user, period: Period) -> dict:
    """Per record kind ("family", "person"): registered, added, changed and removed (with
    `removed_by`: {status: count}) in the user's area; zeros where nothing was counted."""
    summary = {
        record: {"registered": 0, "added": 0, "changed": 0, "removed": 0, "removed_by": {}}
        for record in Tally.Record.values
    }
    rows = (
        Tally.objects.scoped(user)
        .filter(period=period)
        .values("record", "measure", "reason")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in rows:
        counts = summary[row["record"]]
        counts[row["measure"]] += row["n"]
        if row["measure"] == Tally.Measure.REMOVED:
            counts["removed_by"][row["reason"]] = row["n"]
    return summary


def _as_of(model, *, user, period: Period) -> QuerySet:
    if period.status != Period.Status.CLOSED:
        raise DomainError(
            _("Period %(period)s is not closed: only a closed period can be read as of.")
            % {"period": period.text},
            code="period_not_closed",
        )
    month = period.month
    return (
        model.objects.scoped(user)
        .filter(valid_from__lte=month)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=month))
    )


def _region_filter(qs: QuerySet, filters: dict) -> QuerySet:
    if filters.get("kelurahan"):
        qs = qs.filter(region_id=filters["kelurahan"])
    elif filters.get("kecamatan"):
        qs = qs.filter(region_id__startswith=f"{filters['kecamatan']}.")
    return qs


def families_as_of(*, user, period: Period, filters: dict | None = None) -> QuerySet[FamilyState]:
    """The families as of `period` inside the user's area (a version each), with the family and
    its kelurahan joined, in kelurahan order. `filters`: kecamatan, kelurahan, status, desil
    (as the registry's lists take it)."""
    filters = filters or {}
    qs = _region_filter(_as_of(FamilyState, user=user, period=period), filters)
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    desil = parse_desil(filters.get("desil"))
    if desil == DESIL_NONE:
        qs = qs.filter(desil__isnull=True)
    elif desil is not None:
        qs = qs.filter(desil__gte=desil[0], desil__lte=desil[1])
    return qs.select_related("family", "region").order_by("region_id", "family_id")


def people_as_of(*, user, period: Period, filters: dict | None = None) -> QuerySet[PersonState]:
    """The people as of `period` inside the user's area, with the person, the family of the
    time and the kelurahan joined. `filters`: kecamatan, kelurahan, status."""
    filters = filters or {}
    qs = _region_filter(_as_of(PersonState, user=user, period=period), filters)
    if filters.get("status"):
        qs = qs.filter(life_status=filters["status"])
    return qs.select_related("person", "family", "region").order_by(
        "region_id", "family_id", "person_id"
    )
