"""Area scoping: the one gate every query of personal data passes through.

A user sees the subtree of each region he is scoped to. Region codes are hierarchical
(`13.71` ⊃ `13.71.01` ⊃ `13.71.01.1001`), so a subtree is a code prefix: one indexed
range scan per scope, no joins. No scope means nothing, never everything (fail closed).
"""

from __future__ import annotations

from django.db import models
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


# --- Querysets of people's data that fail closed.


class UnscopedQueryError(RuntimeError):
    """A query of people's data was about to run without a scope."""


class ScopedQuerySet(QuerySet):
    """A queryset that refuses to read rows until someone said whose they are: `scoped(user)`
    keeps the rows inside the user's area, `unscoped()` says in the code, where a reviewer sees
    it, that a system job or a query bounded otherwise (the members of scoped families) may read
    all it matches. Chained querysets keep the decision; an empty one (`none()`) needs none. A
    related manager (`family.members`) is bounded by its scoped parent."""

    scope_field = "region__code"
    _scope: str | None = None

    def _clone(self):
        clone = super()._clone()
        clone._scope = self._scope
        clone.scope_field = self.scope_field
        return clone

    def scoped(self, user, field: str | None = None) -> ScopedQuerySet:
        qs = self.filter(region_q(user, field or self.scope_field))
        qs._scope = "user"
        return qs

    def unscoped(self) -> ScopedQuerySet:
        qs = self._chain()
        qs._scope = "unscoped"
        return qs

    def _require_scope(self) -> None:
        if self._scope is None and not self.query.is_empty():
            raise UnscopedQueryError(
                f"{self.model._meta.label}: a query of people's data needs .scoped(user) "
                "(or .unscoped() for a system job); see padu.core.scoping"
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._require_scope()
        return super().iterator(*args, **kwargs)

    def count(self):
        self._require_scope()
        return super().count()

    def exists(self):
        self._require_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._require_scope()
        return super().update(**kwargs)

    def delete(self):
        self._require_scope()
        return super().delete()

    def explain(self, **options):
        self._require_scope()
        return super().explain(**options)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """The default manager of a model holding people's data (see ScopedQuerySet)."""

    def __init__(self, scope_field: str = "region__code"):
        super().__init__()
        self.scope_field = scope_field

    def get_queryset(self):
        qs = super().get_queryset()
        qs.scope_field = self.scope_field
        if hasattr(self, "instance"):  # a related manager: bounded by its (scoped) parent
            qs._scope = "related"
        return qs
