"""Scoped reads of user accounts: an admin manages the users working inside his own area."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from padu.core.scoping import in_scope, region_q, require

from .capabilities import Cap
from .models import RegionScope, User


def user_list(*, user, filters: dict | None = None) -> QuerySet[User]:
    """Users an admin sees: those with a scope inside his own area, and those with none yet
    (new accounts, partner agencies). Without a scope of his own he sees only the latter.
    Django superusers and staff are left to a superuser: an admin who could reset their password
    could take over the whole deployment."""
    require(user, Cap.USERS_MANAGE)
    filters = filters or {}
    inside = RegionScope.objects.filter(region_q(user, "region__code")).values("user_id")
    unscoped = ~Q(pk__in=RegionScope.objects.values("user_id"))
    qs = User.objects.filter(unscoped | Q(pk__in=inside))
    if not user.is_superuser:
        qs = qs.filter(is_superuser=False, is_staff=False)
    if term := (filters.get("q") or "").strip():
        qs = qs.filter(
            Q(username__icontains=term)
            | Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(organisation__icontains=term)
        )
    if filters.get("role"):
        qs = qs.filter(role=filters["role"])
    if filters.get("active") in ("1", "0"):
        qs = qs.filter(is_active=filters["active"] == "1")
    return qs.prefetch_related(
        Prefetch(
            "scopes",
            queryset=RegionScope.objects.select_related("region").order_by("region_id"),
        )
    ).order_by("username", "pk")


def user_counts(*, user) -> dict[str, int]:
    """How many users the admin manages, active and deactivated (one query)."""
    return user_list(user=user).aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
    )


def user_can_change(*, actor, user: User) -> bool:
    """Whether the actor may change this user (profile, role, regions, status, password): only
    when every region the user works in lies inside the actor's area. Someone who also works
    elsewhere is changed by an administrator covering all of it; otherwise a kecamatan admin
    could reset the password of a city-wide operator and act in his name."""
    if not user_list(user=actor).filter(pk=user.pk).exists():
        return False
    return all(in_scope(actor, code) for code in user.scopes.values_list("region_id", flat=True))


def user_get(*, user, pk: int) -> User:
    """One user the admin manages; 404 whether he is missing or outside the admin's area."""
    found = user_list(user=user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
