"""Scoped reads of one family or person, and the counts of the home and region pages: every
query of families or people starts with `families_visible`/`people_visible`."""

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
)

from padu.accounts.capabilities import Cap
from padu.core.scoping import has_capability, region_q, within

from ..codes import FamilyStatus, LifeStatus, Relationship
from ..models import Dwelling, Family, Person
from .disability_filter import DISABILITY_ANY, disability_q
from .search import clean_number


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
        disability=Count("id", filter=Q(disability_q(DISABILITY_ANY))),
    )
    return {"families": fam_stats, "people": person_stats}


def family_get(*, user, pk: int) -> Family:
    """One family inside the user's area; 404 whether it is missing or not his."""
    from django.http import Http404

    family = (
        families_visible(user=user)
        .select_related("region", "region__parent", "dwelling")
        .filter(pk=pk)
        .first()
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


def family_members(*, user, family: Family) -> QuerySet[Person]:
    """Every member of the family (all statuses), with their PPKS categories and disability
    records in force, in KK order."""
    from ..models import PersonDisability

    # Bounded by the scoped members.
    in_force = PersonDisability.objects.unscoped().filter(ended_on__isnull=True)
    return (
        people_visible(user=user)
        .filter(family=family)
        .prefetch_related(
            "ppks", Prefetch("disabilities", queryset=in_force, to_attr="disability_rows")
        )
        .order_by("relationship", "birth_date", "pk")
    )


def ppks_categories_with_counts(*, user):
    """All PPKS categories, each with `people`: the active people inside the user's area who
    have it."""
    from ..models import PPKSCategory

    if has_capability(user, Cap.REGISTRY_VIEW):
        inside = region_q(user, "people__region__code") & Q(people__life_status=LifeStatus.ACTIVE)
    else:
        inside = Q(pk__in=[])
    return PPKSCategory.objects.annotate(people_count=Count("people", filter=inside)).order_by(
        "code"
    )


def dwellings_visible(*, user) -> QuerySet[Dwelling]:
    if not has_capability(user, Cap.REGISTRY_VIEW):
        return Dwelling.objects.none()
    return Dwelling.objects.scoped(user)


def dwelling_get(*, user, pk: int) -> Dwelling:
    """The dwelling inside the user's area (404 otherwise, missing or not)."""
    from django.http import Http404

    dwelling = (
        dwellings_visible(user=user).select_related("region__parent", "head").filter(pk=pk).first()
    )
    if dwelling is None:
        raise Http404
    return dwelling


def dwelling_families(*, user, dwelling: Dwelling, exclude=None) -> list[Family]:
    """The families of the dwelling inside the user's area (all of them: a dwelling lies in one
    kelurahan), each with `head` (its active head of family, or None) and `members` counted."""
    # Prefetched for the scoped families of the dwelling only.
    heads = (
        Person.objects.unscoped()
        .filter(relationship=Relationship.HEAD, life_status=LifeStatus.ACTIVE)
        .order_by("id")
    )
    others = list(
        families_visible(user=user)
        .filter(dwelling=dwelling)
        .exclude(pk=exclude)
        .annotate(member_count=Count("members", filter=Q(members__life_status=LifeStatus.ACTIVE)))
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


def dwelling_by_reference(*, user, reference: str) -> Dwelling | None:
    """The dwelling inside the user's area with this dwelling ID, or the one of the family with
    this KK number or a member of this NIK (what staff have at hand on a visit)."""
    reference = (reference or "").strip()
    if not reference:
        return None
    by_code = dwellings_visible(user=user).filter(code__iexact=reference).first()
    if by_code is not None:
        return by_code
    family = family_by_number(user=user, number=reference)
    if family is None or family.dwelling_id is None:
        return None
    return dwellings_visible(user=user).filter(pk=family.dwelling_id).first()
