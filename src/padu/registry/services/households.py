"""Dwellings (rumah tangga) shared by several families (several KK under one roof). A shared
dwelling is recorded by linking families: the first link makes the household, later families join
it, and a household left with a single family is dissolved, since one family alone is not a
shared dwelling. Each family's change is its own audit entry (`household` before and after), so
both families' histories show it."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import snapshot
from padu.core.errors import DomainError
from padu.core.scoping import require

from ..masks import mask_number
from ..models import Family, Household
from .base import FamilyStatus, audited_save, locked_families, locked_family

HOUSEHOLD_AUDIT = ("household", "version")


def family_share_household(*, actor, family: Family, other: Family, reason: str = "") -> Household:
    """Record that `family` lives in the same dwelling as `other`: it joins `other`'s household,
    or both get a new one. A family that shared another dwelling leaves that one."""
    require(actor, Cap.REGISTRY_EDIT)
    if other.pk == family.pk:
        raise DomainError(_("A family cannot share a dwelling with itself."), field="family")
    with transaction.atomic():
        locked = locked_families(actor, [family.pk, other.pk])
        mine, theirs = locked[family.pk], locked[other.pk]
        for each in (mine, theirs):
            if each.status != FamilyStatus.ACTIVE:
                raise DomainError(
                    _("Family KK %(kk)s is not active: only active families share a dwelling.")
                    % {"kk": mask_number(each.kk_number)},
                    field="family",
                )
        if mine.region_id != theirs.region_id:
            # One dwelling has one address; it also keeps a household inside one area.
            raise DomainError(
                _("Families in different kelurahan cannot share a dwelling."), field="family"
            )
        if mine.household_id is not None and mine.household_id == theirs.household_id:
            raise DomainError(
                _("These families are already recorded in the same dwelling."), field="family"
            )
        household = theirs.household
        if household is None:
            household = Household.objects.create(
                region_id=theirs.region_id,
                address=theirs.address,
                created_by=actor,
                updated_by=actor,
            )
            _set_household(actor=actor, family=theirs, household=household, reason=reason)
        former = mine.household_id
        _set_household(actor=actor, family=mine, household=household, reason=reason)
        if former is not None:
            _dissolve_if_alone(actor=actor, household_id=former, reason=reason)
    return household


def family_leave_household(*, actor, family: Family, reason: str = "") -> None:
    """Record that `family` no longer shares a dwelling with the others of its household."""
    require(actor, Cap.REGISTRY_EDIT)
    with transaction.atomic():
        locked = locked_family(actor, family)
        if locked.household_id is None:
            raise DomainError(
                _("This family is not recorded as sharing a dwelling."), field="family"
            )
        former = locked.household_id
        _set_household(actor=actor, family=locked, household=None, reason=reason)
        _dissolve_if_alone(actor=actor, household_id=former, reason=reason)


def _set_household(*, actor, family: Family, household: Household | None, reason: str) -> None:
    before = snapshot(family, list(HOUSEHOLD_AUDIT))
    family.household = household
    audited_save(
        actor=actor,
        obj=family,
        fields=["household"],
        action="registry.family.household_changed",
        before=before,
        reason=reason,
    )


def _dissolve_if_alone(*, actor, household_id: int, reason: str) -> None:
    remaining = list(
        Family.objects.select_for_update()
        .scoped(actor)
        .filter(household_id=household_id)
        .order_by("pk")
    )
    if len(remaining) == 1:
        _set_household(actor=actor, family=remaining[0], household=None, reason=reason)
