"""Area scoping: the one gate every query of personal data passes through.

A user sees the subtree of each region he is scoped to. Region codes are hierarchical
(`13.71` ⊃ `13.71.01` ⊃ `13.71.01.1001`), so a subtree is a code prefix: one indexed
range scan per scope, no joins. No scope means nothing, never everything (fail closed).
"""

from django.db.models import Q, QuerySet

from .errors import PermissionDeniedError

NOTHING = Q(pk__in=[])


def scope_codes(user) -> list[str]:
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    return user.scope_codes()


def region_q(user, field: str) -> Q:
    """A filter that keeps rows whose region code `field` lies inside the user's scopes."""
    codes = scope_codes(user)
    if not codes:
        return NOTHING
    q = Q()
    for code in codes:
        q |= Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})
    return q


def scoped(queryset: QuerySet, user, field: str) -> QuerySet:
    return queryset.filter(region_q(user, field))


def in_scope(user, region_code: str | None) -> bool:
    if not region_code:
        return False
    return any(region_code == c or region_code.startswith(f"{c}.") for c in scope_codes(user))


def has_capability(user, capability: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.has_capability(capability)


def require(user, capability: str) -> None:
    """Raise unless `user` holds `capability`. Services call this before they write."""
    if not has_capability(user, capability):
        raise PermissionDeniedError()


def require_in_scope(user, region_code: str | None) -> None:
    if not in_scope(user, region_code):
        raise PermissionDeniedError()
