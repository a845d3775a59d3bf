"""The family and person lists: filters, number search, sorting and the count of a page."""

import datetime

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from padu.core.scoping import region_q

from ..codes import LifeStatus, Relationship
from ..disclosure import Disclosure, sees_numbers
from ..models import Family, Person
from ..names import search_terms
from ..search_box import SearchError
from .disability_filter import disability_q, with_disabilities
from .records import families_visible, people_visible
from .search import (
    clean_number,
    name_condition,
    name_search,
    narrowed_keys,
    read_search,
    search_q,
)

# --- Lists and search -----------------------------------------------------------------------------
# `family_list` and `person_list` take the cleaned filters of registry.filters (or the API's) as a
# dict; every key is optional:
#   q           16 digits: the exact NIK (people) or KK (families; a member's NIK finds his family);
#               anything else: a name, searched on the normalised `name_key` (registry.names)
#   kecamatan   a kecamatan code; kelurahan: a kelurahan code (outside the user's area: nothing)
#   desil       3, "3", "1-4", (1, 4) or "none" (no desil yet)
#   disability  "any", a category or sub-type (disabilities.DISABILITY_FILTERS), or "ganda" (more
#               than one type in force)
#   ppks        a PPKSCategory id
#   status      a FamilyStatus (families) or LifeStatus (people) value
#   sex, age_band ("0-5", "6-17", "18-59", "60+", age today in the office's time zone): of the
#               person, or of the head of a family
#   sort        a key of FAMILY_SORTS / PERSON_SORTS, "-" in front for descending
# For families, disability and PPKS mean "has a member with it".

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-5": (0, 5),
    "6-17": (6, 17),
    "18-59": (18, 59),
    "60+": (60, None),
}
DESIL_NONE = "none"
FAMILY_SORTS: dict[str, tuple[str, ...]] = {
    "kk": ("kk_number",),
    "kelurahan": ("region_id", "kk_number"),
    "desil": ("desil", "kk_number"),
    "status": ("status", "kk_number"),
}
PERSON_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "nik": ("nik",),
    "birth_date": ("birth_date", "id"),
    "kelurahan": ("region_id", "name", "id"),
    "desil": ("family__desil", "name", "id"),
}
NULLABLE_SORT_FIELDS = {"desil", "family__desil"}
FAMILY_DEFAULT_SORT = "kelurahan"
PERSON_DEFAULT_SORT = "name"


def family_list(*, user, filters: dict) -> QuerySet[Family]:
    """Families inside the user's area matching `filters`, sorted, with what a list row shows:
    region and kecamatan (joined), `heads` (prefetched) and `member_count` (active members)."""
    qs = _filter_region(families_visible(user=user), filters)
    qs = _filter_desil(qs, filters.get("desil"), "desil")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    # A member's kelurahan is his family's (Person.region is denormalised from it): saying so
    # lets the database find the area's members with a disability from the region index alone,
    # instead of visiting every person with one (at 1,000,000 people, 50 ms against 250 ms).
    members = _filter_region(Person.objects.filter(family_id=OuterRef("pk")), filters)
    if filters.get("disability"):
        qs = qs.filter(Exists(members.filter(disability_q(filters["disability"]))))
    if filters.get("ppks"):
        qs = qs.filter(Exists(members.filter(ppks=filters["ppks"])))
    head = _person_q(filters)
    if head:
        qs = qs.filter(Exists(members.filter(head, relationship=Relationship.HEAD)))

    relevance = False
    query = (filters.get("q") or "").strip()
    if number := clean_number(query):
        if not sees_numbers(user):
            return qs.none()  # a masked role may not test numbers (disclosure.py)
        # The member's family id first: "kk = x OR id IN (subquery)" defeats both indexes.
        nik_families = list(
            people_visible(user=user).filter(nik=number).values_list("family_id", flat=True)
        )
        qs = qs.filter(Q(kk_number=number) | Q(pk__in=nik_families))
    elif query:
        # The matching members joined and grouped, their best relevance the family's: one pass
        # over the matches (a subquery per family cost 0.8 s for "Fitri" at 1,000,000 people).
        # What the box holds beside the name narrows the same member (one join).
        try:
            search = read_search(user, query)
        except SearchError:
            return qs.none()
        if not search_terms(search.name):
            return qs.none()
        narrowed = people_visible(user=user).filter(search_q(search, person="", family="family__"))
        among = narrowed_keys(narrowed, search)
        condition, score, keys = name_condition(search.name, qs.db, "members__", among=among)
        extra = search_q(search, person="members__", family="")
        # The families of the people found, as well as the join: PostgreSQL then reaches the
        # families by key from those few thousand people, where the join alone had it read all
        # 262,000 families (0.2–0.5 s at 1,000,000 people; bench/search.py).
        found = Person.objects.unscoped().filter(name_key__in=keys).values("family_id")
        qs = (
            qs.filter(pk__in=found)
            .filter(condition & extra & region_q(user, "members__region__code"))
            .annotate(relevance=Max(score))
        )
        relevance = True

    qs = _sorted(qs, _sort(user, filters), FAMILY_SORTS, FAMILY_DEFAULT_SORT, relevance)
    return _family_row(qs)


def _family_row(qs: QuerySet[Family]) -> QuerySet[Family]:
    """What a family list's row shows: region and kecamatan (joined), `heads` (prefetched) and
    `member_count` (active members)."""
    active_members = (
        Person.objects.filter(family_id=OuterRef("pk"), life_status=LifeStatus.ACTIVE)
        .order_by()
        .values("family_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Prefetched for the scoped families of the page only.
    heads = Person.objects.unscoped().filter(relationship=Relationship.HEAD).order_by("id")
    return (
        qs.select_related("region", "region__parent")
        .annotate(member_count=Coalesce(Subquery(active_members[:1]), Value(0)))
        .prefetch_related(Prefetch("members", queryset=heads, to_attr="heads"))
    )


def family_rows(*, user, ids: list[int]) -> list[Family]:
    """A page of `family_list` whose ids were found first, in that order, as its rows: read by
    id in the user's area, without the list's filters again (at 1,000,000 people, checking a
    ganda filter again cost a page 200 ms)."""
    return _in_order(_family_row(families_visible(user=user).filter(pk__in=ids)), ids)


def person_rows(*, user, ids: list[int]) -> list[Person]:
    """A page of `person_list` whose ids were found first, in that order (as `family_rows`)."""
    return _in_order(_person_row(people_visible(user=user).filter(pk__in=ids)), ids)


def _person_row(qs: QuerySet[Person]) -> QuerySet[Person]:
    return with_disabilities(qs.select_related("family", "region", "region__parent"))


def _in_order(qs: QuerySet, ids: list[int]) -> list:
    found = {row.pk: row for row in qs.order_by()}
    return [found[pk] for pk in ids if pk in found]


def person_list(*, user, filters: dict) -> QuerySet[Person]:
    """People inside the user's area matching `filters`, sorted, with family and regions joined."""
    qs = _filter_region(people_visible(user=user), filters)
    qs = _filter_desil(qs, filters.get("desil"), "family__desil")
    if filters.get("status"):
        qs = qs.filter(life_status=filters["status"])
    if filters.get("disability"):
        qs = qs.filter(disability_q(filters["disability"]))
    if filters.get("ppks"):
        through = Person.ppks.through.objects.filter(
            person_id=OuterRef("pk"), ppkscategory_id=filters["ppks"]
        )
        qs = qs.filter(Exists(through))
    qs = qs.filter(_person_q(filters))

    relevance = False
    query = (filters.get("q") or "").strip()
    if number := clean_number(query):
        if not sees_numbers(user):
            return qs.none()  # a masked role may not test numbers (disclosure.py)
        qs = qs.filter(nik=number)
    elif query:
        try:
            search = read_search(user, query)
        except SearchError:
            return qs.none()
        qs = qs.filter(search_q(search, person="", family="family__"))
        qs = name_search(qs, search.name, among=narrowed_keys(qs, search))
        relevance = "relevance" in qs.query.annotations
    qs = _sorted(qs, _sort(user, filters), PERSON_SORTS, PERSON_DEFAULT_SORT, relevance)
    return _person_row(qs)


def parse_desil(value) -> str | tuple[int, int] | None:
    """ "none", or an inclusive (low, high) range, from 3, "3", "1-4" or (1, 4)."""
    if value in (None, ""):
        return None
    if value == DESIL_NONE:
        return DESIL_NONE
    if isinstance(value, int):
        low = high = value
    elif isinstance(value, tuple | list):
        low, high = (int(v) for v in value)
    else:
        parts = str(value).split("-")
        if len(parts) not in (1, 2) or not all(p.strip().isdigit() for p in parts):
            raise ValueError(f"invalid desil filter {value!r}")
        low, high = int(parts[0]), int(parts[-1])
    if not 1 <= low <= high <= 10:
        raise ValueError(f"invalid desil filter {value!r}")
    return low, high


def age_band_range(
    band: str, today: datetime.date | None = None
) -> tuple[datetime.date | None, datetime.date]:
    """Birth dates (after, up to and including) of the people whose age today is in `band`."""
    low, high = AGE_BANDS[band]
    today = today or timezone.localdate()
    after = _years_before(today, high + 1) if high is not None else None
    return after, _years_before(today, low)


# Annotations a list row shows and no filter or grouping uses: a count leaves them out (Django
# keeps every annotation of a grouped query, and member_count is a subquery per family).
DISPLAY_ONLY = frozenset({"member_count"})


def list_count(qs: QuerySet) -> int:
    """The number of rows of a list, without the ordering and annotations the page needs."""
    qs = qs.order_by()
    qs.query.set_annotation_mask(set(qs.query.annotation_select) - DISPLAY_ONLY)
    return qs.count()


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _filter_region(qs: QuerySet, filters: dict) -> QuerySet:
    if filters.get("kecamatan"):
        qs = qs.filter(region__code__startswith=f"{filters['kecamatan']}.")
    if filters.get("kelurahan"):
        qs = qs.filter(region_id=filters["kelurahan"])
    return qs


def _filter_desil(qs: QuerySet, value, field: str) -> QuerySet:
    desil = parse_desil(value)
    if desil is None:
        return qs
    if desil == DESIL_NONE:
        return qs.filter(**{f"{field}__isnull": True})
    low, high = desil
    if low == high:
        return qs.filter(**{field: low})
    return qs.filter(**{f"{field}__gte": low, f"{field}__lte": high})


def _person_q(filters: dict) -> Q:
    """Conditions on the person himself: sex and age band."""
    q = Q()
    if filters.get("sex"):
        q &= Q(sex=filters["sex"])
    if filters.get("age_band"):
        after, until = age_band_range(filters["age_band"])
        q &= Q(birth_date__lte=until)
        if after is not None:
            q &= Q(birth_date__gt=after)
    return q


def _sort(user, filters: dict) -> str | None:
    """The chosen sort, unless it would order a masked role's people by a number or a date of
    birth (disclosure.py)."""
    sort = filters.get("sort")
    return sort if Disclosure(user).may_sort(sort) else None


def _sorted(qs: QuerySet, sort: str | None, sorts: dict, default: str, relevance: bool) -> QuerySet:
    key = (sort or "").removeprefix("-")
    if key not in sorts:
        if relevance:
            return qs.order_by("-relevance", *sorts[default])
        key, sort = default, default
    descending = (sort or "").startswith("-")
    return qs.order_by(*(_order(f, descending) for f in sorts[key]))


def _order(field: str, descending: bool):
    """Plain field names where the column has no NULLs (so that an index can serve the order);
    desil has them, and they go last either way, on PostgreSQL and SQLite alike."""
    if field in NULLABLE_SORT_FIELDS:
        return F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    return f"-{field}" if descending else field
