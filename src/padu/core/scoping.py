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


# --- The one rule: a region code lies in the subtree of `root` when it is `root` or starts with
# `root` and a dot. Its three renderings, side by side: Python, a queryset filter, plain SQL.


def within(code: str | None, root: str) -> bool:
    return bool(code) and (code == root or code.startswith(f"{root}."))


def subtree_q(field: str, roots) -> Q:
    """Rows whose region code `field` lies in the subtree of one of `roots` (none: nothing)."""
    q = None
    for root in roots:
        subtree = Q(**{field: root}) | Q(**{f"{field}__startswith": f"{root}."})
        q = subtree if q is None else q | subtree
    return NOTHING if q is None else q


def subtree_sql(column: str, roots) -> tuple[str, list]:
    """The same as SQL over `column`, with its parameters (none: false)."""
    parts, params = [], []
    for root in roots:
        parts.append(f"({column} = %s OR {column} LIKE %s)")
        params += [root, f"{root}.%"]
    return (f"({' OR '.join(parts)})" if parts else "1 = 0"), params


def region_q(user, field: str) -> Q:
    """A filter that keeps rows whose region code `field` lies inside the user's scopes."""
    return subtree_q(field, scope_codes(user))


def scoped(queryset: QuerySet, user, field: str) -> QuerySet:
    return queryset.filter(region_q(user, field))


def in_scope(user, region_code: str | None) -> bool:
    return any(within(region_code, c) for c in scope_codes(user))


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
