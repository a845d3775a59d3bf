"""Writes on people: adding a member to a family and changing a member's fields. Status changes
are the named transitions of `transitions.py`; the head of family changes through
`families.family_change_head`.

Data dicts use the declared field names (`declarations.person.PERSON`): `disability` is a list of
types (kept as disability records, `disabilities.sync_disabilities`), `ppks` a list of category
codes. A person form cannot make a second head of family or
leave a family without one.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import DomainError, ValidationFailed, WarningsNeedConfirmation
from padu.core.records.derive import record_write
from padu.core.scoping import require

from .. import changes
from ..declarations import PERSON
from ..declarations.members import person_warnings
from ..models import Family, Person, PPKSCategory
from ..names import name_key, register_name_keys
from .base import (
    HEAD,
    PERSON_FIELDS,
    FamilyStatus,
    LifeStatus,
    active_members,
    audited_save,
    confirmed,
    conflict,
    locked_family,
    locked_person,
    member_view,
    person_snapshot,
    person_values,
    record_context,
)
from .disabilities import sync_disabilities
from .identity import nik_taken


def set_ppks(person: Person, codes: list[int]) -> None:
    person.ppks.set(PPKSCategory.objects.filter(code__in=codes))


def create_person(*, actor, family: Family, values: dict, source: str, warnings=()) -> Person:
    """Save a new member with cleaned `values` (inside the caller's transaction)."""
    person = Person(
        family=family,
        region_id=family.region_id,
        name_key=name_key(values["name"]),
        created_by=actor,
        updated_by=actor,
    )
    record_write(PERSON, person, {k: v for k, v in values.items() if k != "ppks"})
    person.save()
    register_name_keys([person.name_key])
    if values["ppks"]:
        set_ppks(person, values["ppks"])
    sync_disabilities(
        actor=actor,
        person=person,
        types=values["disability"],
        severity=values["disability_severity"],
        source=source,
    )
    audit_record(
        actor=actor,
        action="registry.person.added",
        obj=person,
        region_code=family.region_id,
        before=None,
        after=confirmed(person_snapshot(person), list(warnings)),
        source=source,
    )
    changes.families_changed([family.pk])
    return person


def _nik_just_taken() -> ValidationFailed:
    return ValidationFailed(
        {"nik": [PERSON["nik"].prefixed(_("this NIK was just registered by someone else."))]}
    )


def _head_exists_message(head: Person) -> str:
    return PERSON["relationship"].prefixed(
        _(
            "%(name)s is already the head of this family. To change the head, use "
            "“Change head of family” on the family page."
        )
        % {"name": head.name}
    )


def person_add(
    *, actor, family: Family, data: dict, confirm_warnings: bool = False, source: str = ""
) -> Person:
    """A new member of an active family."""
    require(actor, Cap.REGISTRY_EDIT)
    context = record_context(actor)
    values, errors = PERSON.clean(data, context)
    # Outside the transaction: its answer is audited even when the write fails.
    if values["nik"] and "nik" not in errors and (taken := nik_taken(actor, values["nik"])):
        errors["nik"] = [taken]
    with transaction.atomic():
        locked = locked_family(actor, family)
        if locked.status != FamilyStatus.ACTIVE:
            raise DomainError(
                _("Members can be added only to an active family; this one is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        members = active_members(locked)
        head = next((m for m in members if m.relationship == HEAD), None)
        if values["relationship"] == HEAD and head is not None:
            errors.setdefault("relationship", []).append(_head_exists_message(head))
        if errors:
            raise ValidationFailed(errors)
        warnings = person_warnings(
            values, members=[member_view(m) for m in members], context=context
        )
        if warnings and not confirm_warnings:
            raise WarningsNeedConfirmation(warnings)
        try:
            with transaction.atomic():
                return create_person(
                    actor=actor, family=locked, values=values, source=source, warnings=warnings
                )
        except IntegrityError as exc:
            raise _nik_just_taken() from exc


def person_update(
    *,
    actor,
    person: Person,
    expected_version: int,
    data: dict,
    reason: str = "",
    confirm_warnings: bool = False,
    source: str = "",
) -> Person:
    """Change the person's fields given in `data`."""
    require(actor, Cap.REGISTRY_EDIT)
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    # A new NIK is looked up outside the transaction: its answer is audited even when the write
    # fails (the person's own NIK is no answer).
    new_nik = PERSON.clean(data, record_context(actor), only=["nik"]) if "nik" in data else None
    taken = (
        nik_taken(actor, new_nik.values["nik"], exclude_pk=person.pk)
        if new_nik is not None and not new_nik.errors
        else None
    )
    with transaction.atomic():
        locked = locked_person(actor, person)
        current = person_values(locked)
        sent = set(data)
        context = record_context(actor, kept_ppks=current["ppks"])
        values, errors = PERSON.clean({**current, **data}, context)
        if locked.version != expected_version:
            raise conflict(
                locked,
                expected_version=expected_version,
                current=current,
                submitted=values,
                sent=sent,
            )
        if taken and "nik" not in errors:
            errors["nik"] = [taken]
        members = active_members(locked.family, exclude_pk=locked.pk)
        if (
            locked.life_status == LifeStatus.ACTIVE
            and values["relationship"] != current["relationship"]
        ):
            head = next((m for m in members if m.relationship == HEAD), None)
            if current["relationship"] == HEAD:
                errors.setdefault("relationship", []).append(
                    PERSON["relationship"].prefixed(
                        _(
                            "the head of family cannot be given another relationship here. Use "
                            "“Change head of family” on the family page."
                        )
                    )
                )
            elif values["relationship"] == HEAD and head is not None:
                errors.setdefault("relationship", []).append(_head_exists_message(head))
        if errors:
            raise ValidationFailed(errors)
        changed = [k for k in PERSON_FIELDS if values[k] != current[k]]
        if not changed:
            return locked
        # Only warnings the change brings: what was confirmed before is not asked again.
        views = [member_view(m) for m in members]
        earlier = set(person_warnings(current, members=views, context=context))
        warnings = [
            w for w in person_warnings(values, members=views, context=context) if w not in earlier
        ]
        if warnings and not confirm_warnings:
            raise WarningsNeedConfirmation(warnings)

        before = person_snapshot(locked)
        fields = record_write(PERSON, locked, {k: values[k] for k in changed if k != "ppks"})
        if "name" in changed:
            locked.name_key = name_key(values["name"])
            fields.append("name_key")
        try:
            with transaction.atomic():
                if "ppks" in changed:
                    set_ppks(locked, values["ppks"])
                if {"disability", "disability_severity"} & set(changed):
                    sync_disabilities(
                        actor=actor,
                        person=locked,
                        types=values["disability"],
                        severity=values["disability_severity"],
                        source=source,
                    )
                audited_save(
                    actor=actor,
                    obj=locked,
                    fields=fields,
                    action="registry.person.updated",
                    before=before,
                    reason=reason,
                    source=source,
                    warnings=warnings,
                )
        except IntegrityError as exc:
            raise _nik_just_taken() from exc
        if "name" in changed:
            register_name_keys([locked.name_key])
    return locked
