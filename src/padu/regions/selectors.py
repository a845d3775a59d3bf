"""Scoped reads of the region tree: a user sees his own subtrees and the path above them."""

from django.db.models import Q, QuerySet
from django.http import Http404

from padu.core.scoping import in_scope, region_q, scope_codes, subtree_q, within

from .models import VILLAGE_LEVELS, Region


def common_region(codes) -> str:
    """The smallest region containing every code (`13.71.01.1001` + `13.71.04` → `13.71`); ""
    for no codes or codes in different provinces. Audit entries carry it, so that an admin of one
    kecamatan does not read the trail of another."""
    parts = [code.split(".") for code in codes if code]
    if not parts:
        return ""
    common = []
    for segment in zip(*parts, strict=False):
        if any(s != segment[0] for s in segment):
            break
        common.append(segment[0])
    return ".".join(common)


def region_visible(*, user, code: str) -> bool:
    """Inside a scope, or an ancestor on the way down to one (shown as a breadcrumb)."""
    return in_scope(user, code) or code in _ancestor_codes(user)


def _ancestor_codes(user) -> set[str]:
    out = set()
    for code in scope_codes(user):
        parts = code.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return out


def region_get(*, user, code: str) -> Region:
    """A region the user may open: inside his scopes or on the way down to them. 404 otherwise,
    whether the code is unknown or outside his area."""
    if not region_visible(user=user, code=code):
        raise Http404
    region = Region.objects.filter(code=code).select_related("decree", "ended_by").first()
    if region is None:
        raise Http404
    return region


def region_roots(*, user) -> QuerySet[Region]:
    """The top of what the user may browse: his scope regions themselves."""
    return Region.objects.filter(code__in=scope_codes(user))


def region_children(*, user, region: Region) -> QuerySet[Region]:
    children = Region.objects.filter(parent=region)
    if not in_scope(user, region.code):
        # An ancestor: show only the branch that leads to the user's scopes.
        children = children.filter(Q(code__in=_ancestor_codes(user)) | region_q(user, "code"))
    return children.order_by("code")


def village_counts(*, codes: list[str]) -> dict[str, int]:
    """Kelurahan/desa under each of `codes` (region names are public; no scoping needed)."""
    counts = dict.fromkeys(codes, 0)
    villages = Region.objects.filter(level__in=VILLAGE_LEVELS).values_list("code", flat=True)
    for code in villages.filter(subtree_q("code", codes)):
        for prefix in codes:
            if within(code, prefix) and code != prefix:
                counts[prefix] += 1
    return counts


def region_ancestors(region: Region) -> list[Region]:
    parts = region.code.split(".")
    codes = [".".join(parts[: i + 1]) for i in range(len(parts) - 1)]
    found = Region.objects.in_bulk(codes)
    return [found[c] for c in codes if c in found]


def kecamatan_choices(*, user) -> QuerySet[Region]:
    """The kecamatan of the user's area valid today (what filters and forms offer)."""
    return (
        Region.objects.valid_on().filter(region_q(user, "code"), level="kecamatan").order_by("code")
    )


def village_choices(*, user, kecamatan: str | None = None) -> QuerySet[Region]:
    """The kelurahan/desa of the user's area valid today (a family's address offers these)."""
    qs = Region.objects.valid_on().filter(region_q(user, "code"), level__in=VILLAGE_LEVELS)
    if kecamatan:
        qs = qs.filter(parent_id=kecamatan)
    return qs.order_by("code")


def scopable_regions(*, user) -> QuerySet[Region]:
    """Regions an admin may grant: his own scopes and everything below them."""
    return Region.objects.filter(region_q(user, "code")).order_by("code")
