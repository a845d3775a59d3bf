"""The region browser (Wilayah): the region tree from `regions`, families and people counted by
the registry inside the user's area; and the people on codes a newer decree ended."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.scoping import has_capability, in_scope
from padu.regions import selectors
from padu.regions.models import Decree, Level, Region
from padu.registry.codes import FamilyStatus, LifeStatus
from padu.registry.selectors import region_population_counts
from padu.registry.selectors.recoding import ended_regions_in_use, people_on_ended_regions

PER_PAGE = 50


@login_required
@capability_required(Cap.REGIONS_VIEW)
@require_GET
def region_browse(request, code: str | None = None):
    """The tree from the user's own regions down; the regions above them only as breadcrumbs.
    Family and people counts are counted inside the user's area only."""
    user = request.user
    if code is None:
        roots = list(selectors.region_roots(user=user))
        if len(roots) == 1:
            return redirect("regions:detail", code=roots[0].code)
        region, children = None, roots
    else:
        region = selectors.region_get(user=user, code=code)
        children = list(selectors.region_children(user=user, region=region))
    codes = [c.code for c in children] + ([region.code] if region else [])
    counts = region_population_counts(user=user, codes=codes)
    villages = selectors.village_counts(codes=[c.code for c in children if not c.is_village])
    rows = [
        {
            "region": child,
            "villages": villages.get(child.code, 0),
            "families": counts.get(child.code, (0, 0))[0],
            "people": counts.get(child.code, (0, 0))[1],
            "lists": _lists_of(user, child),
        }
        for child in children
    ]
    return render(
        request,
        "web/region_browse.html",
        {
            "region": region,
            "in_scope": region is None or in_scope(user, region.code),
            "ancestors": selectors.region_ancestors(region) if region else [],
            "rows": rows,
            "show_villages": any(not row["region"].is_village for row in rows),
            "mixed_levels": len({row["region"].level for row in rows}) > 1,
            "village_total": sum(row["villages"] for row in rows),
            "totals": counts.get(region.code, (0, 0)) if region else None,
            "lists": _lists_of(user, region) if region else None,
        },
    )


def _lists_of(user, region: Region) -> dict | None:
    """The family and person lists showing what the region's counts count: the active families
    and people in it (the user's area only, as the counts). The lists filter by kecamatan and
    kelurahan, and only by those inside the user's area: a larger region's counts, and those of
    a kecamatan the user holds only part of, stay plain numbers."""
    if not has_capability(user, Cap.REGISTRY_VIEW) or not in_scope(user, region.code):
        return None
    if region.is_village:
        where = {"kelurahan": region.code}
    elif region.level == Level.KECAMATAN:
        where = {"kecamatan": region.code}
    else:
        return None
    return {
        "families": reverse("registry:family_list")
        + "?"
        + urlencode({**where, "status": FamilyStatus.ACTIVE}),
        "people": reverse("registry:person_list")
        + "?"
        + urlencode({**where, "status": LifeStatus.ACTIVE}),
    }


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_GET
def ended_codes(request):
    """The region codes a newer decree ended that people of the user's area still carry, and
    those people, to be re-coded by whoever edits the registry (inside his area only)."""
    user = request.user
    page = Paginator(people_on_ended_regions(user=user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/region_ended.html",
        {
            "regions": ended_regions_in_use(user=user),
            "page": page,
            "decrees": Decree.objects.order_by("-valid_from")[:5],
        },
    )
