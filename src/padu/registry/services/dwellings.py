"""Writes on dwellings (rumah tangga): a family's own dwelling when it is registered, the housing
attributes, the head of the household, and the named transition that moves a family (KK) into
another dwelling. Splitting a family and moving a member between families are in `splits.py`.

Every family lives in a dwelling; a dwelling left without families stays (its history does) and
loses its head. The head of a dwelling is the head of one of its families: when that family
moves out, the head of the family registered first among those who stay takes over.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record, snapshot
from padu.core.errors import DomainError, ValidationFailed
from padu.core.records.derive import record_values, record_write
from padu.core.scoping import require

from ..declarations import DWELLING
from ..declarations.dwelling import HOUSING_FIELDS
from ..masks import mask_number
from ..models import Dwelling, Family, Person
from .base import (
    HEAD,
    FamilyStatus,
    LifeStatus,
    audited_save,
    conflict,
    dwelling_snapshot,
    locked_dwelling,
    locked_families,
    record_context,
    require_reason,
)

FAMILY_DWELLING_AUDIT = ("dwelling", "version")


def new_code() -> str:
    """A new dwelling ID: random, so that it tells nothing (a KK number would, to a role that
    sees numbers masked)."""
    while True:
        code = f"R-{secrets.token_hex(5).upper()}"
        if not Dwelling.objects.unscoped().filter(code=code).exists():  # unique registry-wide
            return code


def new_dwelling(
    *, actor, family: Family, values: dict | None = None, head: Person | None = None, source=""
) -> Dwelling:
    """A dwelling of the family's own (a new ID), inside the caller's transaction;
    `values`: its housing attributes, already cleaned; `head`: the family's head, if known."""
    dwelling = Dwelling(
        code=new_code(),
        region_id=family.region_id,
        address=family.address,
        head=head,
        created_by=actor,
        updated_by=actor,
    )
    if values:
        record_write(DWELLING, dwelling, {k: values[k] for k in HOUSING_FIELDS if k in values})
    dwelling.save()
    audit_record(
        actor=actor,
        action="registry.dwelling.registered",
        obj=dwelling,
        region_code=dwelling.region_id,
        before=None,
        after=dwelling_snapshot(dwelling),
        source=source,
    )
    return dwelling


def clean_housing(actor, data: dict) -> dict:
    """The housing attributes of `data`, cleaned; `ValidationFailed` on a wrong one."""
    unknown = set(data) - set(HOUSING_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    values, errors = DWELLING.clean(data, record_context(actor), only=tuple(data))
    if errors:
        raise ValidationFailed(errors)
    return {k: values[k] for k in data}


def dwelling_values(dwelling: Dwelling) -> dict:
    return record_values(DWELLING, dwelling, HOUSING_FIELDS)


def dwelling_update(
    *, actor, dwelling: Dwelling, expected_version: int, data: dict, reason: str = ""
) -> Dwelling:
    """Change the dwelling's housing attributes given in `data`."""
    require(actor, Cap.REGISTRY_EDIT)
    values = clean_housing(actor, data)
    with transaction.atomic():
        locked = locked_dwelling(actor, dwelling)
        if locked.version != expected_version:
            current = dwelling_values(locked)
            raise conflict(
                locked,
                expected_version=expected_version,
                current=current,
                submitted={**current, **values},
                sent=set(data),
            )
        before = dwelling_snapshot(locked)
        changed = record_write(DWELLING, locked, values)
        if changed:
            audited_save(
                actor=actor,
                obj=locked,
                fields=changed,
                action="registry.dwelling.updated",
                before=before,
                reason=reason,
            )
    return locked


def set_family_dwelling(*, actor, family: Family, dwelling: Dwelling, reason: str, action: str):
    """Put a locked family into `dwelling` (inside the caller's transaction), audited on the
    family (`dwelling` before and after)."""
    before = snapshot(family, list(FAMILY_DWELLING_AUDIT))
    family.dwelling = dwelling
    audited_save(
        actor=actor, obj=family, fields=["dwelling"], action=action, before=before, reason=reason
    )


def refresh_head(*, actor, dwelling: Dwelling, reason: str) -> None:
    """Keep the dwelling's head a head of one of its active families (the one registered first),
    or none when no family is left (inside the caller's transaction, on a locked dwelling)."""
    families = Family.objects.unscoped().filter(  # the families of a dwelling already locked
        dwelling=dwelling, status=FamilyStatus.ACTIVE
    )
    heads = Person.objects.unscoped().filter(  # their heads, same reason
        family__in=families, relationship=HEAD, life_status=LifeStatus.ACTIVE
    )
    if dwelling.head_id is not None and heads.filter(pk=dwelling.head_id).exists():
        return
    head = heads.order_by("family_id", "pk").first()
    if (head.pk if head else None) == dwelling.head_id:
        return
    before = dwelling_snapshot(dwelling)
    dwelling.head = head
    audited_save(
        actor=actor,
        obj=dwelling,
        fields=["head"],
        action="registry.dwelling.head_changed",
        before=before,
        reason=reason,
    )


def locked_target(actor, dwelling: Dwelling, *, family: Family) -> Dwelling:
    """`dwelling`, locked, as the one `family` moves into: a dwelling lies in one kelurahan, the
    one of all its families (inside the caller's transaction)."""
    target = locked_dwelling(actor, dwelling)
    if target.region_id != family.region_id:
        raise DomainError(
            _(
                "Dwelling %(code)s is in another kelurahan: change the family's address "
                "first, or choose a dwelling in its kelurahan."
            )
            % {"code": target.code},
            field="dwelling",
        )
    return target


def family_move_dwelling(
    *, actor, family: Family, dwelling: Dwelling | None = None, reason: str
) -> Dwelling:
    """The family (KK) moves into `dwelling` (in its own kelurahan), or into a new dwelling of
    its own when `dwelling` is None. Both dwellings keep a head among their families."""
    require(actor, Cap.REGISTRY_EDIT)
    reason = require_reason(reason, _("say why the family moves to another dwelling."))
    with transaction.atomic():
        (locked,) = locked_families(actor, [family.pk]).values()
        if locked.status != FamilyStatus.ACTIVE:
            raise DomainError(
                _("Family KK %(kk)s is not active: only an active family moves to a dwelling.")
                % {"kk": mask_number(locked.kk_number)},
                field="dwelling",
            )
        former = (
            locked_dwelling(actor, Dwelling(pk=locked.dwelling_id)) if locked.dwelling_id else None
        )
        if dwelling is None:
            if former is not None and not former.families.exclude(pk=locked.pk).exists():
                raise DomainError(
                    _("This family already lives alone in its dwelling."), field="dwelling"
                )
            target = new_dwelling(actor=actor, family=locked)
        else:
            target = locked_target(actor, dwelling, family=locked)
            if target.pk == locked.dwelling_id:
                raise DomainError(
                    _("This family already lives in dwelling %(code)s.") % {"code": target.code},
                    field="dwelling",
                )
        set_family_dwelling(
            actor=actor,
            family=locked,
            dwelling=target,
            reason=reason,
            action="registry.family.dwelling_moved",
        )
        refresh_head(actor=actor, dwelling=target, reason=reason)
        if former is not None:
            refresh_head(actor=actor, dwelling=former, reason=reason)
    return target
