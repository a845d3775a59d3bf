"""Scoped reads of the registry. Every query of families or people starts here."""

import datetime
import re
import weakref
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from padu.accounts.capabilities import Cap
from padu.core.scoping import has_capability, region_q, within

from .codes import DisabilityType, FamilyStatus, LifeStatus, Relationship
from .models import Family, Person
from .names import search_terms


def families_visible(*, user) -> QuerySet[Family]:
    """All families inside the user's area; nothing for a user without registry access."""
    if not has_capability(user, Cap.REGISTRY_VIEW):
        return Family.objects.none()
    return Family.objects.scoped(user)


def people_visible(*, user) -> QuerySet[Person]:
    if not has_capability(user, Cap.REGISTRY_VIEW):
        return Person.objects.none()
    return Person.objects.scoped(user)


def region_population_counts(*, user, codes: list[str]) -> dict[str, tuple[int, int]]:
    """Active families and people under each region code, counted only inside the user's area."""
    out = dict.fromkeys(codes, (0, 0))
    if not codes:
        return out
    fams = families_visible(user=user).filter(status=FamilyStatus.ACTIVE)
    people = people_visible(user=user).filter(life_status=LifeStatus.ACTIVE)
    fam_by_village = dict(fams.values_list("region_id").annotate(n=Count("id")).order_by())
    people_by_village = dict(people.values_list("region_id").annotate(n=Count("id")).order_by())
    for code in codes:
        inside = [v for v in fam_by_village.keys() | people_by_village.keys() if within(v, code)]
        out[code] = (
            sum(fam_by_village.get(v, 0) for v in inside),
            sum(people_by_village.get(v, 0) for v in inside),
        )
    return out


def home_summary(*, user) -> dict:
    """The figures on the home page, inside the user's area."""
    if not has_capability(user, Cap.REGISTRY_VIEW):
        return {}
    fams = families_visible(user=user).filter(status=FamilyStatus.ACTIVE)
    people = people_visible(user=user).filter(life_status=LifeStatus.ACTIVE)
    fam_stats = fams.aggregate(
        total=Count("id"),
        desil_1_4=Count("id", filter=Q(desil__lte=4)),
        no_desil=Count("id", filter=Q(desil__isnull=True)),
    )
    person_stats = people.aggregate(
        total=Count("id"),
        disability=Count(
            "id",
            filter=Q(disability_physical=True)
            | Q(disability_intellectual=True)
            | Q(disability_mental=True)
            | Q(disability_sensory=True),
        ),
    )
    return {"families": fam_stats, "people": person_stats}


def family_get(*, user, pk: int) -> Family:
    """One family inside the user's area; 404 whether it is missing or not his."""
    from django.http import Http404

    family = (
        families_visible(user=user).select_related("region", "region__parent").filter(pk=pk).first()
    )
    if family is None:
        raise Http404
    return family


def person_get(*, user, pk: int) -> Person:
    from django.http import Http404

    person = people_visible(user=user).select_related("family", "region").filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


# --- Lists and search -----------------------------------------------------------------------------
# `family_list` and `person_list` take the cleaned filters of registry.filters (or the API's) as a
# dict; every key is optional:
#   q           16 digits: the exact NIK (people) or KK (families; a member's NIK finds his family);
#               anything else: a name, searched on the normalised `name_key` (registry.names)
#   kecamatan   a kecamatan code; kelurahan: a kelurahan code (outside the user's area: nothing)
#   desil       3, "3", "1-4", (1, 4) or "none" (no desil yet)
#   disability  "any", a DisabilityType value, or "ganda" (more than one type)
#   ppks        a PPKSCategory id
#   status      a FamilyStatus (families) or LifeStatus (people) value
#   sex, age_band ("0-5", "6-17", "18-59", "60+", age today in Asia/Jakarta): of the person, or of
#               the head of a family
#   sort        a key of FAMILY_SORTS / PERSON_SORTS, "-" in front for descending
# For families, disability and PPKS mean "has a member with it".

NUMBER_LENGTH = 16
_NUMBER_PUNCTUATION = re.compile(r"[\s.\-]")
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-5": (0, 5),
    "6-17": (6, 17),
    "18-59": (18, 59),
    "60+": (60, None),
}
DISABILITY_FIELDS = {
    DisabilityType.PHYSICAL: "disability_physical",
    DisabilityType.INTELLECTUAL: "disability_intellectual",
    DisabilityType.MENTAL: "disability_mental",
    DisabilityType.SENSORY: "disability_sensory",
}
DISABILITY_ANY = "any"
DISABILITY_MULTIPLE = "ganda"
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
JAKARTA = ZoneInfo("Asia/Jakarta")


def family_list(*, user, filters: dict) -> QuerySet[Family]:
    """Families inside the user's area matching `filters`, sorted, with what a list row shows:
    region and kecamatan (joined), `heads` (prefetched) and `member_count` (active members)."""
    qs = _filter_region(families_visible(user=user), filters)
    qs = _filter_desil(qs, filters.get("desil"), "desil")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    members = Person.objects.filter(family_id=OuterRef("pk"))
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
        # The member's family id first: "kk = x OR id IN (subquery)" defeats both indexes.
        nik_families = list(
            people_visible(user=user).filter(nik=number).values_list("family_id", flat=True)
        )
        qs = qs.filter(Q(kk_number=number) | Q(pk__in=nik_families))
    elif query and _trigram(qs):
        # The matching members joined and grouped, their best relevance the family's: one pass
        # over the matches (a subquery per family cost 0.8 s for "Fitri" at 1,000,000 people).
        terms = search_terms(query)
        if not terms:
            return qs.none()
        condition, score = _name_condition(terms, qs.db, "members__")
        qs = qs.filter(condition & region_q(user, "members__region__code")).annotate(
            relevance=Max(score)
        )
        relevance = True
    elif query:
        matched = _name_search(people_visible(user=user), query)
        qs = qs.filter(pk__in=matched.values("family_id"))

    qs = _sorted(qs, filters.get("sort"), FAMILY_SORTS, FAMILY_DEFAULT_SORT, relevance)
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
        qs = qs.filter(nik=number)
    elif query:
        qs = _name_search(qs, query)
        relevance = "relevance" in qs.query.annotations
    qs = _sorted(qs, filters.get("sort"), PERSON_SORTS, PERSON_DEFAULT_SORT, relevance)
    return qs.select_related("family", "region", "region__parent")


def clean_number(query: str | None) -> str | None:
    """The query as a NIK/KK number if it is one (16 digits; spaces, dots, dashes ignored)."""
    digits = _NUMBER_PUNCTUATION.sub("", query or "")
    if len(digits) == NUMBER_LENGTH and digits.isascii() and digits.isdigit():
        return digits
    return None


def disability_q(value: str) -> Q:
    """People with a disability: of any type, of one type, or of more than one (ganda)."""
    flags = list(DISABILITY_FIELDS.values())
    if value == DISABILITY_ANY:
        q = Q()
        for flag in flags:
            q |= Q(**{flag: True})
        return q
    if value == DISABILITY_MULTIPLE:
        q = Q()
        for i, first in enumerate(flags):
            for second in flags[i + 1 :]:
                q |= Q(**{first: True, second: True})
        return q
    if value in DISABILITY_FIELDS:
        return Q(**{DISABILITY_FIELDS[value]: True})
    raise ValueError(f"unknown disability filter {value!r}")


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
    today = today or timezone.localdate(timezone=JAKARTA)
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


# --- Name search ------------------------------------------------------------------------------
# PostgreSQL: pg_trgm, in two steps. First the search keys like the query are found among the
# distinct keys (NameKey, its GIN index name_key_trgm), each scored once; then their people, by key
# (person_name_key_idx), ranked by their key's score. A query of several words is compared with the
# whole name (similarity ≥ PADU_NAME_SEARCH_THRESHOLD, default 0.5): a full name with a typo or two,
# or its words in another order, is found. A one-word query is partial by nature, so it is compared
# with each stretch of the name (word similarity ≥ PADU_NAME_SEARCH_WORD_THRESHOLD, default 0.6):
# "yusup" finds Muhammad Yusuf Hidayat; whole-word matches first, then shorter names. At most
# PADU_NAME_SEARCH_MAX_KEYS distinct names are taken, the most alike first (a query that broad has
# more matches than anyone reads).
# SQLite: every word of the normalised query must begin a word of `name_key` (LIKE 'word%' or
# '% word%'), so "yus" finds Yusuf. Spelling variants that normalisation folds (Muhammad/M.,
# Nurul/Nur, apostrophes, doubled letters, old spelling) are found; a typo that normalisation
# cannot fold (Yusuf/Yusup) is not, and results are in name order, not ranked.

_thresholds_applied: "weakref.WeakKeyDictionary[object, tuple]" = weakref.WeakKeyDictionary()


def _trigram(qs: QuerySet) -> bool:
    return connections[qs.db].vendor == "postgresql"


def name_search_thresholds() -> tuple[float, float]:
    """(similarity, word similarity) cut-offs of the PostgreSQL name search."""
    return (
        float(getattr(settings, "PADU_NAME_SEARCH_THRESHOLD", 0.5)),
        float(getattr(settings, "PADU_NAME_SEARCH_WORD_THRESHOLD", 0.6)),
    )


def _name_search(qs: QuerySet, query: str) -> QuerySet:
    terms = search_terms(query)
    if not terms:
        return qs.none()
    if not _trigram(qs):
        q = Q()
        for term in terms:
            q &= Q(name_key__startswith=term) | Q(name_key__contains=f" {term}")
        return qs.filter(q)
    condition, score = _name_condition(terms, qs.db)
    return qs.filter(condition).annotate(relevance=score)


def _name_condition(terms: list[str], alias: str, person: str = ""):
    """PostgreSQL: the condition that finds people by name, and how well each one matches.
    `person` is the way from the queried model to the person ("" for people, "members__")."""
    field = f"{person}name_key"
    groups: dict[float, list[str]] = {}
    for key, score in _matching_keys(terms, alias):
        groups.setdefault(round(score, 6), []).append(key)
    if not groups:
        return Q(pk__in=[]), Value(0.0)
    found = [key for keys in groups.values() for key in keys]
    # One branch per distinct score (a handful for one word, a few dozen for a whole name), the
    # largest first: each row finds its score in a hashed list.
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    score = Case(
        *(When(**{f"{field}__in": keys}, then=Value(value)) for value, keys in ordered),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if len(terms) == 1:
        # Shorter names first among equals: length / 10,000 stays below any step of word
        # similarity for words up to 60 letters.
        score = score - Length(field) / 10000.0
    return Q(**{f"{field}__in": found}), score


def _matching_keys(terms: list[str], alias: str) -> list[tuple[str, float]]:
    """(key, score) of the distinct search keys like the query, the most alike first."""
    from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity

    from .models import NameKey

    query = " ".join(terms)
    similarity, word_similarity = name_search_thresholds()
    _apply_thresholds(connections[alias])
    keys = NameKey.objects.using(alias)
    # The operator lets the GIN index find candidates at the session's pg_trgm threshold; the
    # explicit comparison holds the setting wherever that threshold was lost.
    if len(terms) == 1:
        keys = keys.filter(key__trigram_word_similar=query).annotate(
            score=TrigramWordSimilarity(query, "key")
        )
        keys = keys.filter(score__gte=word_similarity)
    else:
        keys = keys.filter(key__trigram_similar=query).annotate(
            score=TrigramSimilarity("key", query)
        )
        keys = keys.filter(score__gte=similarity)
    limit = int(getattr(settings, "PADU_NAME_SEARCH_MAX_KEYS", 5000))
    return list(keys.order_by("-score", "key").values_list("key", "score")[:limit])


def _apply_thresholds(connection) -> None:
    """Set pg_trgm's cut-offs (the % and %> operators read them). Outside a transaction once
    per database session; inside one, for the transaction only and every time, since a rollback
    would undo a session-wide setting made there."""
    connection.ensure_connection()
    thresholds = name_search_thresholds()
    in_transaction = not connection.get_autocommit()
    raw = None if in_transaction else connection.connection
    try:
        if raw is not None and _thresholds_applied.get(raw) == thresholds:
            return
    except TypeError:  # a connection object that cannot be weakly referenced: set it every time
        raw = None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, %s),"
            " set_config('pg_trgm.word_similarity_threshold', %s, %s)",
            [v for t in thresholds for v in (str(t), in_transaction)],
        )
    if raw is not None:
        _thresholds_applied[raw] = thresholds


# ------------------------------------------ record pages (registry.views.families, .people)


def family_timeline(*, user, family: Family):
    """The audit entries of the family and of every person ever in it, newest first, with the
    actor. `family` comes from `family_get` (so it is inside the user's area); checked again
    here."""
    from padu.core.models import AuditEntry
    from padu.core.scoping import in_scope

    if not has_capability(user, Cap.REGISTRY_VIEW) or not in_scope(user, family.region_id):
        return AuditEntry.objects.none()
    member_ids = [str(pk) for pk in family.members.values_list("pk", flat=True)]
    return (
        AuditEntry.objects.filter(
            Q(object_type="registry.family", object_id=str(family.pk))
            | Q(object_type="registry.person", object_id__in=member_ids)
        )
        .select_related("actor")
        .order_by("-at", "-id")
    )


def person_timeline(*, user, person: Person):
    """The audit entries of one person, newest first, with the actor."""
    from padu.core.models import AuditEntry
    from padu.core.scoping import in_scope

    if not has_capability(user, Cap.REGISTRY_VIEW) or not in_scope(user, person.region_id):
        return AuditEntry.objects.none()
    return (
        AuditEntry.objects.filter(object_type="registry.person", object_id=str(person.pk))
        .select_related("actor")
        .order_by("-at", "-id")
    )


def import_registrations(*, user, family: Family | None = None, person: Person | None = None):
    """The registrations done by imports, as unsaved audit entries for the timeline: the family
    and those of its members (or the one person) that an import created. An import keeps one
    audit entry for all it creates (see `created_import`); this is each record's share of it,
    oldest first. `family` or `person` comes from `family_get`/`person_get`."""
    from padu.core.models import AuditEntry
    from padu.core.scoping import in_scope

    record = family if family is not None else person
    if not has_capability(user, Cap.REGISTRY_VIEW) or not in_scope(user, record.region_id):
        return []
    from .models import ImportBatch

    people = (family.members if family is not None else Person.objects.scoped(user)).filter(
        **({} if family is not None else {"pk": person.pk}), created_import__isnull=False
    )
    records = list(people)
    if family is not None and family.created_import_id is not None:
        records.append(family)
    batches = ImportBatch.objects.select_related("created_by").in_bulk(
        {obj.created_import_id for obj in records}
    )
    entries = []
    for obj in records:
        batch = batches[obj.created_import_id]
        is_family = isinstance(obj, Family)
        entries.append(
            AuditEntry(
                at=obj.created_at,
                actor=batch.created_by,
                action="registry.family.registered" if is_family else "registry.person.added",
                object_type="registry.family" if is_family else "registry.person",
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                region_code=obj.region_id,
                before=None,
                after={},
                reason=batch.audit_reason(),
                source=f"import:{batch.pk}",
            )
        )
    return sorted(entries, key=lambda entry: (entry.at, not entry.object_type.endswith("family")))


def family_members(*, user, family: Family) -> QuerySet[Person]:
    """Every member of the family (all statuses), with their PPKS categories, in KK order."""
    return (
        people_visible(user=user)
        .filter(family=family)
        .prefetch_related("ppks")
        .order_by("relationship", "birth_date", "pk")
    )


def ppks_categories_with_counts(*, user):
    """All PPKS categories, each with `people`: the active people inside the user's area who
    have it."""
    from .models import PPKSCategory

    if has_capability(user, Cap.REGISTRY_VIEW):
        inside = region_q(user, "people__region__code") & Q(people__life_status=LifeStatus.ACTIVE)
    else:
        inside = Q(pk__in=[])
    return PPKSCategory.objects.annotate(people_count=Count("people", filter=inside)).order_by(
        "code"
    )


def household_families(*, user, family: Family) -> list[Family]:
    """The other families recorded in the same dwelling as `family`, inside the user's area,
    each with `head` (its active head of family, or None)."""
    if family.household_id is None:
        return []
    # Prefetched for the scoped families of the dwelling only.
    heads = (
        Person.objects.unscoped()
        .filter(relationship=Relationship.HEAD, life_status=LifeStatus.ACTIVE)
        .order_by("id")
    )
    others = list(
        families_visible(user=user)
        .filter(household_id=family.household_id)
        .exclude(pk=family.pk)
        .prefetch_related(Prefetch("members", queryset=heads, to_attr="heads"))
        .order_by("kk_number")
    )
    for other in others:
        other.head = other.heads[0] if other.heads else None
    return others


def family_by_number(*, user, number: str) -> Family | None:
    """The family inside the user's area with this KK number, or with a member of this NIK."""
    number = clean_number(number)
    if number is None:
        return None
    member_families = Person.objects.filter(nik=number).values("family_id")
    return (
        families_visible(user=user).filter(Q(kk_number=number) | Q(pk__in=member_families)).first()
    )
