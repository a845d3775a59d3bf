"""The named status transitions of families and people (pretix style): each is one function that
checks the permission, locks, checks that the transition is allowed from the current status, and
saves and audits through `base.audited_save`.

- a person: aktif → meninggal, pindah, tidak ditemukan, ganda; pindah → aktif, meninggal;
  tidak ditemukan → aktif, meninggal, pindah, ganda; ganda → aktif; meninggal → aktif (only to
  correct a mistake; a deceased person cannot be made "moved"). Back to aktif only in an active
  family, and not as a second head.
- when the head of family leaves (any status but aktif) while other members remain, one of them
  must be named the new head; the former head keeps relationship 1 in his record (he was the head),
  the others keep theirs. When the last active member leaves, the family follows: meninggal →
  family bubar, pindah → pindah, tidak ditemukan → tidak ditemukan, ganda → ganda.
- a family: aktif → pindah, bubar, ganda, mampu, tidak ditemukan; tidak ditemukan → aktif, pindah,
  bubar, ganda; pindah → aktif, bubar; mampu → aktif, pindah, bubar; ganda → aktif; bubar → aktif.
  Moving away, not being found and being a duplicate apply to the active members too; when the
  family comes back to aktif, the members that changed with it come back as well. A family can be
  dissolved (bubar) only when none of its members is still active. Mampu (graduated) leaves the
  members as they are.

`family_change_status` and `person_change_status` call the transition for a status chosen in a
form or an API request.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.errors import DomainError, ValidationFailed
from padu.core.scoping import require

from ..declarations import FAMILY, PERSON
from ..models import Family, Person
from .base import (
    HEAD,
    FamilyStatus,
    LifeStatus,
    active_members,
    audited_save,
    family_snapshot,
    locked_family,
    locked_person,
    person_snapshot,
    require_reason,
)
from .families import change_relationship

PERSON_TRANSITIONS = {
    LifeStatus.ACTIVE: {
        LifeStatus.DECEASED,
        LifeStatus.MOVED,
        LifeStatus.NOT_FOUND,
        LifeStatus.DUPLICATE,
    },
    LifeStatus.MOVED: {LifeStatus.ACTIVE, LifeStatus.DECEASED},
    LifeStatus.NOT_FOUND: {
        LifeStatus.ACTIVE,
        LifeStatus.DECEASED,
        LifeStatus.MOVED,
        LifeStatus.DUPLICATE,
    },
    LifeStatus.DUPLICATE: {LifeStatus.ACTIVE},
    LifeStatus.DECEASED: {LifeStatus.ACTIVE},
}
FAMILY_TRANSITIONS = {
    FamilyStatus.ACTIVE: {
        FamilyStatus.MOVED,
        FamilyStatus.DISSOLVED,
        FamilyStatus.DUPLICATE,
        FamilyStatus.WELL_OFF,
        FamilyStatus.NOT_FOUND,
    },
    FamilyStatus.NOT_FOUND: {
        FamilyStatus.ACTIVE,
        FamilyStatus.MOVED,
        FamilyStatus.DISSOLVED,
        FamilyStatus.DUPLICATE,
    },
    FamilyStatus.MOVED: {FamilyStatus.ACTIVE, FamilyStatus.DISSOLVED},
    FamilyStatus.WELL_OFF: {FamilyStatus.ACTIVE, FamilyStatus.MOVED, FamilyStatus.DISSOLVED},
    FamilyStatus.DUPLICATE: {FamilyStatus.ACTIVE},
    FamilyStatus.DISSOLVED: {FamilyStatus.ACTIVE},
}
# A family status that its active members share, and the family status that follows when the
# last active member leaves.
FAMILY_TO_MEMBER = {
    FamilyStatus.MOVED: LifeStatus.MOVED,
    FamilyStatus.NOT_FOUND: LifeStatus.NOT_FOUND,
    FamilyStatus.DUPLICATE: LifeStatus.DUPLICATE,
}
MEMBER_TO_FAMILY = {
    LifeStatus.DECEASED: FamilyStatus.DISSOLVED,
    LifeStatus.MOVED: FamilyStatus.MOVED,
    LifeStatus.NOT_FOUND: FamilyStatus.NOT_FOUND,
    LifeStatus.DUPLICATE: FamilyStatus.DUPLICATE,
}


def _status_step(*, actor, obj, status: str, reason: str, source: str, now) -> None:
    """One record's status change: the shared step of every transition."""
    is_family = isinstance(obj, Family)
    before = family_snapshot(obj) if is_family else person_snapshot(obj)
    setattr(obj, "status" if is_family else "life_status", status)
    obj.status_changed_at = now
    audited_save(
        actor=actor,
        obj=obj,
        fields=["status" if is_family else "life_status", "status_changed_at"],
        action=f"registry.{'family' if is_family else 'person'}.status_changed",
        before=before,
        reason=reason,
        source=source,
    )


def _refused(kind: str, old, new) -> DomainError:
    if kind == "family":
        text = _("Status: a family that is %(old)s cannot be made %(new)s.") % {
            "old": FamilyStatus(old).label.lower(),
            "new": FamilyStatus(new).label.lower(),
        }
    else:
        text = _("Status: a person recorded as %(old)s cannot be recorded as %(new)s.") % {
            "old": LifeStatus(old).label.lower(),
            "new": LifeStatus(new).label.lower(),
        }
    return DomainError(text, field="status")


# ------------------------------------------------------------------------------------ families


def _family_transition(*, actor, family: Family, status: str, reason: str, source: str) -> Family:
    require(actor, Cap.REGISTRY_EDIT)
    reason = require_reason(reason, _("say why the status changes."))
    with transaction.atomic():
        locked = locked_family(actor, family)
        old = locked.status
        if status == old:
            raise DomainError(_("Status: the family already has this status."), field="status")
        if status not in FAMILY_TRANSITIONS[old]:
            raise _refused("family", old, status)
        active = active_members(locked, lock=True)
        if status == FamilyStatus.DISSOLVED and active:
            raise DomainError(
                _(
                    "Status: %(count)d member(s) still live in the family. Record first that they "
                    "died or moved away, or choose another status."
                )
                % {"count": len(active)},
                field="status",
            )
        now = timezone.now()
        left_at = locked.status_changed_at
        step = {"actor": actor, "reason": reason, "source": source, "now": now}
        _status_step(obj=locked, status=status, **step)
        if status in FAMILY_TO_MEMBER:
            for person in active:
                _status_step(obj=person, status=FAMILY_TO_MEMBER[status], **step)
        elif status == FamilyStatus.ACTIVE and old in FAMILY_TO_MEMBER:
            # The members that left together with the family come back with it.
            returning = locked.members.select_for_update().filter(
                life_status=FAMILY_TO_MEMBER[old], status_changed_at=left_at
            )
            for person in returning:
                _status_step(obj=person, status=LifeStatus.ACTIVE, **step)
    return locked


def family_mark_moved(*, actor, family: Family, reason: str, source: str = "") -> Family:
    """The family moved away (pindah), with its active members."""
    return _family_transition(
        actor=actor, family=family, status=FamilyStatus.MOVED, reason=reason, source=source
    )


def family_mark_dissolved(*, actor, family: Family, reason: str, source: str = "") -> Family:
    """The family no longer exists (bubar): none of its members lives in it."""
    return _family_transition(
        actor=actor, family=family, status=FamilyStatus.DISSOLVED, reason=reason, source=source
    )


def family_mark_duplicate(*, actor, family: Family, reason: str, source: str = "") -> Family:
    """The family is registered twice (ganda), with its active members."""
    return _family_transition(
        actor=actor, family=family, status=FamilyStatus.DUPLICATE, reason=reason, source=source
    )


def family_mark_well_off(*, actor, family: Family, reason: str, source: str = "") -> Family:
    """The family is well-off (mampu, graduated); its members stay as they are."""
    return _family_transition(
        actor=actor, family=family, status=FamilyStatus.WELL_OFF, reason=reason, source=source
    )


def family_mark_not_found(*, actor, family: Family, reason: str, source: str = "") -> Family:
    """The family was not found at its address, nor its active members."""
    return _family_transition(
        actor=actor, family=family, status=FamilyStatus.NOT_FOUND, reason=reason, source=source
    )


def family_reactivate(*, actor, family: Family, reason: str, source: str = "") -> Family:
    """The family is active again, with the members that left with it."""
    return _family_transition(
        actor=actor, family=family, status=FamilyStatus.ACTIVE, reason=reason, source=source
    )


FAMILY_STATUS_CHANGES = {
    FamilyStatus.MOVED: family_mark_moved,
    FamilyStatus.DISSOLVED: family_mark_dissolved,
    FamilyStatus.DUPLICATE: family_mark_duplicate,
    FamilyStatus.WELL_OFF: family_mark_well_off,
    FamilyStatus.NOT_FOUND: family_mark_not_found,
    FamilyStatus.ACTIVE: family_reactivate,
}


def family_change_status(
    *, actor, family: Family, status: str, reason: str, source: str = ""
) -> Family:
    """The transition to `status` (chosen in a form or a request)."""
    change = FAMILY_STATUS_CHANGES.get(status)
    if change is None:
        require(actor, Cap.REGISTRY_EDIT)
        raise ValidationFailed(
            {"status": [FAMILY["status"].prefixed(_("choose one of the listed statuses."))]}
        )
    return change(actor=actor, family=family, reason=reason, source=source)


# -------------------------------------------------------------------------------------- people


def _person_transition(
    *, actor, person: Person, status: str, reason: str, new_head: Person | None, source: str
) -> Person:
    require(actor, Cap.REGISTRY_EDIT)
    reason = require_reason(reason, _("say why the status changes."))
    with transaction.atomic():
        family = locked_family(actor, person.family)
        locked = locked_person(actor, person)
        old = locked.life_status
        if status == old:
            raise DomainError(_("Status: the person already has this status."), field="status")
        if status not in PERSON_TRANSITIONS[old]:
            raise _refused("person", old, status)
        others = active_members(family, exclude_pk=locked.pk, lock=True)
        step = {"actor": actor, "reason": reason, "source": source, "now": timezone.now()}
        if status == LifeStatus.ACTIVE:
            _check_return(family, locked, others, new_head)
            _status_step(obj=locked, status=status, **step)
            return locked

        leaving_head = old == LifeStatus.ACTIVE and locked.relationship == HEAD
        successor = None
        if leaving_head and others:
            successor = next(
                (m for m in others if new_head is not None and m.pk == new_head.pk), None
            )
            if successor is None:
                raise ValidationFailed(
                    {
                        "new_head": [
                            _(
                                "New head of family: the head leaves the family, so choose which "
                                "of the other members becomes the head."
                            )
                        ]
                    }
                )
        elif new_head is not None:
            raise _new_head_not_needed()

        _status_step(obj=locked, status=status, **step)
        if successor is not None:
            change_relationship(actor=actor, person=successor, relationship=HEAD, reason=reason)
        if old == LifeStatus.ACTIVE and not others:
            follow = MEMBER_TO_FAMILY[status]
            if family.status != follow and follow in FAMILY_TRANSITIONS.get(family.status, ()):
                _status_step(obj=family, status=follow, **step)
    return locked


def _new_head_not_needed() -> ValidationFailed:
    return ValidationFailed(
        {"new_head": [_("New head of family: only needed when the head leaves.")]}
    )


def _check_return(family: Family, person: Person, others: list[Person], new_head) -> None:
    if family.status != FamilyStatus.ACTIVE:
        raise DomainError(
            _(
                "Status: the family is %(status)s. Make the family active again first; its "
                "members who left with it come back with it."
            )
            % {"status": family.get_status_display().lower()},
            field="status",
        )
    head = next((m for m in others if m.relationship == HEAD), None)
    if person.relationship == HEAD and head is not None:
        raise DomainError(
            _(
                "Status: %(name)s is now the head of this family. Change this person's "
                "relationship first, then record the return."
            )
            % {"name": head.name},
            field="status",
        )
    if new_head is not None:
        raise _new_head_not_needed()


def person_record_death(
    *, actor, person: Person, reason: str, new_head: Person | None = None, source: str = ""
) -> Person:
    """The person died (meninggal)."""
    return _person_transition(
        actor=actor,
        person=person,
        status=LifeStatus.DECEASED,
        reason=reason,
        new_head=new_head,
        source=source,
    )


def person_record_move(
    *, actor, person: Person, reason: str, new_head: Person | None = None, source: str = ""
) -> Person:
    """The person moved away from the family (pindah)."""
    return _person_transition(
        actor=actor,
        person=person,
        status=LifeStatus.MOVED,
        reason=reason,
        new_head=new_head,
        source=source,
    )


def person_record_not_found(
    *, actor, person: Person, reason: str, new_head: Person | None = None, source: str = ""
) -> Person:
    """The person was not found (tidak ditemukan)."""
    return _person_transition(
        actor=actor,
        person=person,
        status=LifeStatus.NOT_FOUND,
        reason=reason,
        new_head=new_head,
        source=source,
    )


def person_mark_duplicate(
    *, actor, person: Person, reason: str, new_head: Person | None = None, source: str = ""
) -> Person:
    """The person is registered twice (ganda)."""
    return _person_transition(
        actor=actor,
        person=person,
        status=LifeStatus.DUPLICATE,
        reason=reason,
        new_head=new_head,
        source=source,
    )


def person_record_return(
    *, actor, person: Person, reason: str, new_head: Person | None = None, source: str = ""
) -> Person:
    """The person lives in the family again (aktif); also corrects a wrong record."""
    return _person_transition(
        actor=actor,
        person=person,
        status=LifeStatus.ACTIVE,
        reason=reason,
        new_head=new_head,
        source=source,
    )


PERSON_STATUS_CHANGES = {
    LifeStatus.DECEASED: person_record_death,
    LifeStatus.MOVED: person_record_move,
    LifeStatus.NOT_FOUND: person_record_not_found,
    LifeStatus.DUPLICATE: person_mark_duplicate,
    LifeStatus.ACTIVE: person_record_return,
}


def person_change_status(
    *,
    actor,
    person: Person,
    status: str,
    reason: str,
    new_head: Person | None = None,
    source: str = "",
) -> Person:
    """The transition to `status` (chosen in a form or a request)."""
    change = PERSON_STATUS_CHANGES.get(status)
    if change is None:
        require(actor, Cap.REGISTRY_EDIT)
        raise ValidationFailed(
            {"status": [PERSON["life_status"].prefixed(_("choose one of the listed statuses."))]}
        )
    return change(actor=actor, person=person, reason=reason, new_head=new_head, source=source)
