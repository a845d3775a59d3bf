"""The named transitions that change who belongs to which family (KK), each with its history:

- `family_split`: members leave their family to form a new KK (a married child's family, for
  example), which stays in the same dwelling, gets one of its own or moves into another;
- `person_move_family`: a member moves to another family (of the same kelurahan).

Each moved person gets an audit entry (family and relationship before and after); the families
get one each, so that both families' histories show the change after the members are gone.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record, snapshot
from padu.core.errors import DomainError, ValidationFailed
from padu.core.records.derive import record_write
from padu.core.scoping import require

from .. import codes
from ..declarations import FAMILY
from ..masks import mask_number
from ..models import Dwelling, Family, Person
from .base import (
    FAMILY_FIELDS,
    HEAD,
    FamilyStatus,
    LifeStatus,
    active_members,
    audited_save,
    family_snapshot,
    locked_dwelling,
    locked_families,
    locked_person,
    record_context,
    require_reason,
)
from .dwellings import locked_target, new_dwelling, refresh_head
from .identity import kk_taken

MEMBER_AUDIT = ("family", "relationship", "region", "version")
# The family fields a new KK takes from the family it splits from (its address).
INHERITED = ("region", "rw", "rt", "address", "latitude", "longitude")


def _relationship(value) -> int:
    if value in codes.Relationship.values:
        return int(value)
    raise ValidationFailed(
        {"relationship": [_("Relationship: choose how the member is related to the head.")]}
    )


def _move_person(*, actor, person: Person, family: Family, relationship: int, reason: str):
    before = snapshot(person, list(MEMBER_AUDIT))
    person.family, person.region_id, person.relationship = family, family.region_id, relationship
    audited_save(
        actor=actor,
        obj=person,
        fields=["family", "region", "relationship"],
        action="registry.person.family_moved",
        before=before,
        reason=reason,
    )


def _family_entry(*, actor, family: Family, action: str, before: dict, after: dict, reason: str):
    audit_record(
        actor=actor,
        action=action,
        obj=family,
        region_code=family.region_id,
        before=before,
        after=after,
        reason=reason,
    )


def family_split(
    *,
    actor,
    family: Family,
    kk_number: str,
    members: list[tuple[Person, int]],
    own_dwelling: bool = False,
    dwelling: Dwelling | None = None,
    reason: str,
) -> Family:
    """Members of `family` (each with his relationship to the new head) form a new family with
    KK `kk_number`, exactly one of them its head. The new family keeps the address, and lives in
    the same dwelling unless `own_dwelling` (a new one) or `dwelling` (another one of the
    kelurahan) says otherwise. The head of `family` stays in it."""
    if own_dwelling and dwelling is not None:
        raise TypeError("own_dwelling and dwelling exclude each other")
    require(actor, Cap.REGISTRY_EDIT)
    reason = require_reason(reason, _("say why the family splits."))
    checked = FAMILY.clean({"kk_number": kk_number}, record_context(actor), only=["kk_number"])
    if checked.errors:
        raise ValidationFailed(checked.errors)
    kk_number = checked.values["kk_number"]
    if taken := kk_taken(actor, kk_number):
        raise ValidationFailed({"kk_number": [taken]})
    wanted = {person.pk: _relationship(rel) for person, rel in members}
    if not wanted:
        raise ValidationFailed({"members": [_("Members: choose who forms the new family.")]})
    if list(wanted.values()).count(HEAD) != 1:
        raise ValidationFailed(
            {"members": [_("Members: exactly one of them must be the head of the new family.")]}
        )
    with transaction.atomic():
        (old,) = locked_families(actor, [family.pk]).values()
        if old.status != FamilyStatus.ACTIVE:
            raise DomainError(
                _("Family KK %(kk)s is not active: only an active family splits.")
                % {"kk": mask_number(old.kk_number)},
                field="family",
            )
        active = {p.pk: p for p in active_members(old, lock=True)}
        if set(wanted) - set(active):
            raise ValidationFailed(
                {"members": [_("Members: choose active members of this family only.")]}
            )
        if any(active[pk].relationship == HEAD for pk in wanted):
            raise ValidationFailed(
                {
                    "members": [
                        _(
                            "Members: the head of family stays; to move him, make another "
                            "member the head first."
                        )
                    ]
                }
            )
        current = locked_dwelling(actor, Dwelling(pk=old.dwelling_id)) if old.dwelling_id else None
        new = Family(created_by=actor, updated_by=actor, kk_number=kk_number)
        record_write(
            FAMILY,
            new,
            {
                k: getattr(old, k if k != "region" else "region_id")
                for k in INHERITED
                if k in FAMILY_FIELDS
            },
        )
        try:
            with transaction.atomic():
                new.save()
        except IntegrityError as exc:
            raise ValidationFailed(
                {
                    "kk_number": [
                        FAMILY["kk_number"].prefixed(
                            _("this KK number was just registered by someone else.")
                        )
                    ]
                }
            ) from exc
        if dwelling is not None:
            new.dwelling = locked_target(actor, dwelling, family=new)
        elif own_dwelling or current is None:
            new.dwelling = new_dwelling(actor=actor, family=new)
        else:
            new.dwelling = current
        new.save(update_fields=["dwelling"])
        moved = sorted(wanted)
        _family_entry(
            actor=actor,
            family=new,
            action="registry.family.split_from",
            before=None,
            after={**family_snapshot(new), "dwelling": new.dwelling_id, "split_from": old.pk},
            reason=reason,
        )
        for pk in moved:
            _move_person(
                actor=actor, person=active[pk], family=new, relationship=wanted[pk], reason=reason
            )
        _family_entry(
            actor=actor,
            family=old,
            action="registry.family.split",
            before={"members": sorted(active)},
            after={"members": sorted(set(active) - set(moved)), "new_family": new.pk},
            reason=reason,
        )
        refresh_head(actor=actor, dwelling=new.dwelling, reason=reason)
    return new


def person_move_family(
    *, actor, person: Person, family: Family, relationship: int, reason: str
) -> Person:
    """The member moves to `family` (active, in his kelurahan) with `relationship` to its head.
    A head of family moves only once another member is the head; a family's last active member
    does not move (record the family as dissolved or moved instead)."""
    require(actor, Cap.REGISTRY_EDIT)
    reason = require_reason(reason, _("say why the member moves to another family."))
    relationship = _relationship(relationship)
    with transaction.atomic():
        locked = locked_person(actor, person)
        families = locked_families(actor, [locked.family_id, family.pk])
        old, new = families[locked.family_id], families[family.pk]
        if old.pk == new.pk:
            raise DomainError(_("This person is already a member of that family."), field="family")
        if locked.life_status != LifeStatus.ACTIVE:
            raise DomainError(_("Only an active member moves to another family."), field="person")
        if new.status != FamilyStatus.ACTIVE:
            raise DomainError(
                _("Family KK %(kk)s is not active: nobody moves into it.")
                % {"kk": mask_number(new.kk_number)},
                field="family",
            )
        if new.region_id != old.region_id:
            raise DomainError(
                _(
                    "The families are in different kelurahan: record the move as leaving one and "
                    "joining the other."
                ),
                field="family",
            )
        if not active_members(old, exclude_pk=locked.pk):
            raise DomainError(
                _("This is the family's last active member: record the family's status instead."),
                field="person",
            )
        if locked.relationship == HEAD:
            raise DomainError(
                _("The head of family moves only after another member is made the head."),
                field="person",
            )
        if relationship == HEAD and any(
            p.relationship == HEAD for p in active_members(new, lock=True)
        ):
            raise ValidationFailed(
                {"relationship": [_("Relationship: that family already has a head.")]}
            )
        _move_person(
            actor=actor, person=locked, family=new, relationship=relationship, reason=reason
        )
        for each, action in (
            (old, "registry.family.member_left"),
            (new, "registry.family.member_joined"),
        ):
            _family_entry(
                actor=actor,
                family=each,
                action=action,
                before=None,
                after={"person": locked.pk},
                reason=reason,
            )
    return locked
