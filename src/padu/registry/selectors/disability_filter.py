"""The lists' disability filter and the prefetch of the records in force.

The records are personal data (ScopedManager, scoped by the person's kelurahan). Matched here with
people that are scoped already (a filter's subquery, a list's prefetch) they are read
`unscoped()`: the people bound them.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from .. import codes
from ..models import Person, PersonDisability

DISABILITY_ANY = "any"
DISABILITY_MULTIPLE = "ganda"
# A filter value: "any", "ganda", a category of UU 8/2016 (`sensorik`: every sensory sub-type), or
# one sub-type; each stands for these types.
DISABILITY_FILTERS: dict[str, tuple[str, ...]] = {
    **{
        category: tuple(t for t, c in codes.DISABILITY_CATEGORY.items() if c == category)
        for category in codes.DisabilityCategory.values
    },
    **{t: (t,) for t in codes.DisabilityType.values if t not in codes.DisabilityCategory.values},
}


def _in_force() -> QuerySet[PersonDisability]:
    # Bounded by the (scoped) people they are matched with.
    return PersonDisability.objects.unscoped().filter(ended_on__isnull=True)


def disability_q(value: str) -> Exists | Q:
    """People with a disability in force: of any type, of a category or sub-type, or of more than
    one type (ganda). A condition on a queryset of people."""
    rows = _in_force().filter(person_id=OuterRef("pk"))
    if value == DISABILITY_ANY:
        return Exists(rows)
    if value == DISABILITY_MULTIPLE:
        # The few people with several types, found once by grouping (a set the planner hashes),
        # not by a pair of correlated subqueries per person of the list: those took seconds at
        # 1,000,000 people, where ganda is rare and a page reads far to fill itself.
        several = (
            _in_force()
            .values("person_id")
            .annotate(types=Count("type", distinct=True))
            .filter(types__gt=1)
            .values("person_id")
        )
        return Q(pk__in=several)
    if value in DISABILITY_FILTERS:
        return Exists(rows.filter(type__in=DISABILITY_FILTERS[value]))
    raise ValueError(f"unknown disability filter {value!r}")


def with_disabilities(people: QuerySet[Person]) -> QuerySet[Person]:
    """`people` with their records in force prefetched (`Person.active_disabilities`)."""
    return people.prefetch_related(
        Prefetch("disabilities", queryset=_in_force(), to_attr="disability_rows")
    )
