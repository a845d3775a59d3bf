"""KUBE and Loka Bina Karya groups (Permensos 2/2019 Pasal 3; DOMAIN.md §5.2, §5.7): formed of
5 to 20 members living in one kecamatan, a family in at most one KUBE, with a chair, a secretary
and a treasurer; a formed group with a bank account may be granted its grant, which a leader
approves against the program's ceiling. Each rule refused with a message saying which."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record, snapshot
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.scoping import in_scope, require, within
from padu.regions.models import Level, Region
from padu.registry.models import Person

from ..benefit_codes import OFFICERS, BusinessType, GroupKind, GroupRole, GroupState
from ..budget import check_ceiling
from ..models import BenefitGroup, GroupMember, Program
from .base import check_version, touch
from .decrees import clean_amount

MIN_MEMBERS, MAX_MEMBERS = 5, 20
DETAILS = (
    "name",
    "business_type",
    "address",
    "bank_name",
    "bank_account_number",
    "bank_account_holder",
)


def _audit(actor, group: BenefitGroup, action: str, after: dict, before=None, reason=""):
    audit_record(
        actor=actor,
        action=f"programs.group.{action}",
        obj=group,
        region_code=group.region_id,
        before=before,
        after=after,
        reason=reason,
    )


def _clean_details(values: dict) -> dict:
    cleaned = {k: str(values.get(k) or "").strip() for k in DETAILS}
    errors = {}
    if not cleaned["name"]:
        errors["name"] = [_("Name: enter the group's name.")]
    if cleaned["business_type"] not in BusinessType.values:
        errors["business_type"] = [_("Business type: choose one from the list.")]
    number = cleaned["bank_account_number"]
    if number and not number.replace("-", "").isdigit():
        errors["bank_account_number"] = [_("Account number: digits only.")]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def group_create(*, actor, program: Program, kind: str, kecamatan: str, **details) -> BenefitGroup:
    require(actor, Cap.BENEFIT_MANAGE)
    cleaned = _clean_details(details)
    if kind not in GroupKind.values:
        raise ValidationFailed({"kind": [_("Kind: choose KUBE or Loka Bina Karya.")]})
    region = Region.objects.filter(code=kecamatan, level=Level.KECAMATAN).first()
    if region is None or not in_scope(actor, region.code):
        raise ValidationFailed({"region": [_("Kecamatan: choose a kecamatan of your area.")]})
    with transaction.atomic():
        group = BenefitGroup.objects.create(
            program=program,
            kind=kind,
            region=region,
            created_by=actor,
            updated_by=actor,
            **cleaned,
        )
        _audit(actor, group, "created", {"kind": kind, "region": region.code, **cleaned})
    return group


def _locked(actor, group: BenefitGroup) -> BenefitGroup:
    locked = BenefitGroup.objects.select_for_update().scoped(actor).filter(pk=group.pk).first()
    if locked is None:
        raise PermissionDeniedError()
    return locked


def _changeable(group: BenefitGroup) -> None:
    if group.state not in (GroupState.FORMING, GroupState.FORMED):
        raise DomainError(
            _("This group is %(state)s; its members and details cannot change.")
            % {"state": group.get_state_display().lower()},
            code="invalid_state",
        )


def group_update(
    *, actor, group: BenefitGroup, expected_version: int | None = None, **details
) -> BenefitGroup:
    """Change the group's name, business and bank account. `expected_version`: the group's
    version the caller read."""
    require(actor, Cap.BENEFIT_MANAGE)
    cleaned = _clean_details(details)
    with transaction.atomic():
        locked = _locked(actor, group)
        check_version(locked, expected_version)
        _changeable(locked)
        before = snapshot(locked, list(DETAILS))
        for k, v in cleaned.items():
            setattr(locked, k, v)
        touch(locked, actor, list(DETAILS))
        _audit(actor, locked, "updated", cleaned, before=before)
    return locked


def _active(group: BenefitGroup):
    return group.members.filter(left_on__isnull=True)


def group_member_add(
    *,
    actor,
    group: BenefitGroup,
    person: Person,
    role: str = GroupRole.MEMBER,
    expected_version: int | None = None,
) -> GroupMember:
    """Add `person` (of the actor's area) to the group, refusing a 21st member, a person from
    another kecamatan, a family already in a KUBE, and a second holder of an office.
    `expected_version`: the group's version the caller read (each change of members bumps it)."""
    require(actor, Cap.BENEFIT_MANAGE)
    if role not in GroupRole.values:
        raise ValidationFailed({"role": [_("Role: choose one from the list.")]})
    with transaction.atomic():
        locked = _locked(actor, group)
        check_version(locked, expected_version)
        _changeable(locked)
        found = Person.objects.scoped(actor).filter(pk=person.pk).first()
        if found is None:
            raise PermissionDeniedError()
        active = _active(locked)
        if active.count() >= MAX_MEMBERS:
            raise DomainError(
                _("A group has at most %(max)d members; this one is full.") % {"max": MAX_MEMBERS},
                code="group_full",
            )
        if not within(found.region_id, locked.region_id):
            raise DomainError(
                _(
                    "%(name)s lives outside kecamatan %(kecamatan)s; a group's members all live "
                    "in its kecamatan."
                )
                % {"name": found.name, "kecamatan": locked.region.name},
                code="group_other_kecamatan",
            )
        if active.filter(person=found).exists():
            raise DomainError(
                _("%(name)s is a member of this group already.") % {"name": found.name},
                code="group_member_twice",
            )
        if locked.kind == GroupKind.KUBE:
            # Unscoped: the rule holds across the whole office, whoever adds the member.
            other = (
                GroupMember.objects.unscoped()
                .filter(family_id=found.family_id, kind=GroupKind.KUBE, left_on__isnull=True)
                .select_related("group")
                .first()
            )
            if other is not None:
                raise DomainError(
                    _(
                        "%(name)s's family is in the KUBE “%(group)s” already; a family may be "
                        "in one KUBE only."
                    )
                    % {"name": found.name, "group": other.group.name},
                    code="group_one_kube_per_family",
                )
        _office_free(active, role)
        member = GroupMember.objects.create(
            group=locked,
            person=found,
            family_id=found.family_id,
            kind=locked.kind,
            role=role,
            region_id=found.region_id,
            joined_on=timezone.localdate(),
            created_by=actor,
            updated_by=actor,
        )
        touch(locked, actor)
        _audit(actor, locked, "member_added", {"person": found.pk, "role": role})
    return member


def _office_free(active, role: str) -> None:
    if role != GroupRole.MEMBER and active.filter(role=role).exists():
        raise DomainError(
            _("This group has a %(role)s already.") % {"role": GroupRole(role).label.lower()},
            code="group_officer_taken",
        )


def group_member_set_role(
    *,
    actor,
    group: BenefitGroup,
    member_id: int,
    role: str,
    expected_version: int | None = None,
) -> GroupMember:
    """Give a member another role (the group elected a new chair, say): an office held by
    someone else is refused; its holder first becomes a plain member. A group whose grant was
    approved keeps its officers (they signed for its account)."""
    require(actor, Cap.BENEFIT_MANAGE)
    if role not in GroupRole.values:
        raise ValidationFailed({"role": [_("Role: choose one from the list.")]})
    with transaction.atomic():
        locked = _locked(actor, group)
        check_version(locked, expected_version)
        _changeable(locked)
        member = _active(locked).filter(pk=member_id).first()
        if member is None:
            raise PermissionDeniedError()
        if member.role == role:
            return member
        _office_free(_active(locked).exclude(pk=member.pk), role)
        before = member.role
        member.role = role
        touch(member, actor, ["role"])
        touch(locked, actor)
        _audit(
            actor,
            locked,
            "member_role",
            {"person": member.person_id, "role": role},
            before={"role": before},
        )
    return member


def group_member_remove(
    *,
    actor,
    group: BenefitGroup,
    member_id: int,
    reason: str = "",
    expected_version: int | None = None,
) -> GroupMember:
    """A member leaves; a formed group keeps at least five."""
    require(actor, Cap.BENEFIT_MANAGE)
    with transaction.atomic():
        locked = _locked(actor, group)
        check_version(locked, expected_version)
        _changeable(locked)
        member = _active(locked).filter(pk=member_id).first()
        if member is None:
            raise PermissionDeniedError()
        if locked.state == GroupState.FORMED and _active(locked).count() <= MIN_MEMBERS:
            raise DomainError(
                _("A formed group keeps at least %(min)d members.") % {"min": MIN_MEMBERS},
                code="group_too_small",
            )
        member.left_on = timezone.localdate()
        touch(member, actor, ["left_on"])
        touch(locked, actor)
        _audit(actor, locked, "member_left", {"person": member.person_id}, reason=reason.strip())
    return member


def group_form(*, actor, group: BenefitGroup, expected_version: int | None = None) -> BenefitGroup:
    """Confirm the group as formed: 5–20 members, and its chair, secretary and treasurer.
    `expected_version`: the group's version the caller read (its members as he saw them)."""
    require(actor, Cap.BENEFIT_MANAGE)
    with transaction.atomic():
        locked = _locked(actor, group)
        check_version(locked, expected_version)
        if locked.state != GroupState.FORMING:
            raise DomainError(_("This group is formed already."), code="invalid_state")
        members = list(_active(locked))
        problems = []
        if not MIN_MEMBERS <= len(members) <= MAX_MEMBERS:
            problems.append(
                _("A group has from %(min)d to %(max)d members; this one has %(count)d.")
                % {"min": MIN_MEMBERS, "max": MAX_MEMBERS, "count": len(members)}
            )
        held = {m.role for m in members}
        missing = [str(GroupRole(r).label).lower() for r in OFFICERS if r not in held]
        if missing:
            problems.append(
                _("The group has no %(offices)s yet.") % {"offices": ", ".join(missing)}
            )
        if problems:
            raise DomainError(" ".join(problems), code="group_incomplete")
        locked.state = GroupState.FORMED
        touch(locked, actor, ["state"])
        _audit(
            actor,
            locked,
            "formed",
            {"state": GroupState.FORMED, "members": len(members)},
            before={"state": GroupState.FORMING},
        )
    return locked


def group_grant_approve(
    *,
    actor,
    group: BenefitGroup,
    amount,
    approved_on: datetime.date | None = None,
    expected_version: int | None = None,
) -> BenefitGroup:
    """A leader approves the formed group's grant, to be paid to its bank account; refused if it
    would pass the program's ceiling for the year. `expected_version`: the group's version the
    leader read (its members, officers and account as he approved them)."""
    require(actor, Cap.DECREE_APPROVE)
    amount = clean_amount(amount, positive=True)
    day = approved_on or timezone.localdate()
    with transaction.atomic():
        locked = _locked(actor, group)
        check_version(locked, expected_version)
        if locked.state != GroupState.FORMED:
            raise DomainError(
                _("Only a formed group is granted; this one is %(state)s.")
                % {"state": locked.get_state_display().lower()},
                code="invalid_state",
            )
        if not (locked.bank_name and locked.bank_account_number and locked.bank_account_holder):
            raise DomainError(
                _("The group has no bank account yet: its grant is paid to its account."),
                code="group_no_account",
            )
        program = Program.objects.select_for_update().get(pk=locked.program_id)
        check_ceiling(program=program, year=day.year, adding=amount)
        locked.grant_amount, locked.grant_approved_on = amount, day
        locked.grant_approved_by = actor
        locked.state = GroupState.FUNDED
        touch(locked, actor, ["grant_amount", "grant_approved_on", "grant_approved_by", "state"])
        _audit(
            actor,
            locked,
            "grant_approved",
            {"state": GroupState.FUNDED, "grant_amount": amount, "approved_on": day},
            before={"state": GroupState.FORMED},
        )
    return locked
