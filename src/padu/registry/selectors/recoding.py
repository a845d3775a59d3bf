"""The people and families whose region code a newer decree ended (`regions.decrees`): they are
re-coded by hand (the decree says where a village went, Padu does not guess), inside the user's
area only."""

from django.db.models import Count, QuerySet

from padu.regions.models import Region

from ..models import Person
from .records import families_visible, people_visible


def people_on_ended_regions(*, user) -> QuerySet[Person]:
    """People in the user's area whose kelurahan/desa code has ended, by code and name."""
    return (
        people_visible(user=user)
        .filter(region__ended_by__isnull=False)
        .select_related("region", "region__ended_by", "family")
        .order_by("region_id", "name", "id")
    )


def ended_regions_in_use(*, user) -> list[dict]:
    """Each ended code that families or people of the user's area still carry, with how many."""
    families = dict(
        families_visible(user=user)
        .filter(region__ended_by__isnull=False)
        .values_list("region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    people = dict(
        people_on_ended_regions(user=user)
        .values_list("region_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    regions = Region.objects.filter(code__in=families.keys() | people.keys()).select_related(
        "ended_by"
    )
    return [
        {"region": r, "families": families.get(r.code, 0), "people": people.get(r.code, 0)}
        for r in regions.order_by("code")
    ]
