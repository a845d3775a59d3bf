"""Writes on families: registering one with its members, changing its fields, its desil history
and its head of family. Its status changes are the named transitions of `transitions.py`.

Data dicts use the declared field names (`declarations.family.FAMILY`; a family's `region` is its
kelurahan code); a family dict may carry `desil` and `desil_period`, which go to the desil
history. Updates take only the keys given and need the `version` the caller read: a newer stored
version raises `ConflictError` (see `base.conflict`).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import ValidationFailed, WarningsNeedConfirmation
from padu.core.records.derive import record_write
from padu.core.scoping import require

from .. import changes, codes
from ..declarations import DWELLING, FAMILY, PERSON
from ..declarations.desil import DesilSource
from ..declarations.members import person_warnings
from ..models import DesilRecord, Dwelling, Family, Person
from .base import (
    DESIL_FIELDS,
    FAMILY_FIELDS,
    HEAD,
    active_members,
    audited_save,
    confirmed,
    conflict,
    family_snapshot,
    family_values,
    locked_family,
    member_view,
    person_snapshot,
    record_context,
    require_reason,
)
from .desil import record_desil
from .dwellings import locked_target, new_dwelling, refresh_head
from .identity import kk_taken, nik_taken
from .people import create_person


def family_register(
    *,
    actor,
    data: dict,
    members: list[dict],
    housing: dict | None = None,
    dwelling: Dwelling | None = None,
    confirm_warnings: bool = False,
    source: str = "",
) -> Family:
    """A new family with its members; exactly one of them is the head of family. It moves into
    `dwelling` (one of its kelurahan, shared with the families living there), or gets a dwelling
    of its own with the housing attributes of `housing` (`DWELLING`'s field names)."""
    require(actor, Cap.REGISTRY_EDIT)
    if housing and dwelling is not None:
        raise TypeError("a shared dwelling keeps its own housing attributes")
    context = record_context(actor)
    values, errors = FAMILY.clean(data, context)
    housing_values, housing_errors = DWELLING.clean(
        housing or {}, context, only=tuple(housing or ())
    )
    errors.update(housing_errors)
    if (
        values["kk_number"]
        and "kk_number" not in errors
        and (taken := kk_taken(actor, values["kk_number"]))
    ):
        errors["kk_number"] = [taken]

    people: list[dict] = []
    seen: dict[str, int] = {}
    for i, member in enumerate(members):
        person, person_errors = PERSON.clean(member, context)
        if person["nik"] and "nik" not in person_errors:
            if person["nik"] in seen:
                person_errors["nik"] = [
                    PERSON["nik"].prefixed(
                        _("the same NIK is given for member %(number)d.")
                        % {"number": seen[person["nik"]] + 1}
                    )
                ]
            else:
                seen[person["nik"]] = i
                if taken := nik_taken(actor, person["nik"]):
                    person_errors["nik"] = [taken]
        for key, messages in person_errors.items():
            errors[f"members.{i}.{key}"] = messages
        people.append(person)
    heads = [p for p in people if p["relationship"] == HEAD]
    if not members:
        errors["members"] = [_("Members: add at least the head of family.")]
    elif len(heads) != 1:
        errors["members"] = [
            _("Members: a family needs exactly one head of family; %(count)d are given.")
            % {"count": len(heads)}
        ]
    if errors:
        raise ValidationFailed(errors)

    warnings = family_warnings(values, context)
    for person in people:
        others = [] if person["relationship"] == HEAD else [member_view(p) for p in heads]
        for warning in person_warnings(person, members=others, context=context):
            warnings.append(
                _("%(name)s — %(warning)s") % {"name": person["name"], "warning": warning}
            )
    if warnings and not confirm_warnings:
        raise WarningsNeedConfirmation(warnings)

    try:
        with transaction.atomic():
            family = Family(created_by=actor, updated_by=actor)
            record_write(FAMILY, family, {k: values[k] for k in FAMILY_FIELDS})
            desil = {k: values[k] for k in DESIL_FIELDS}
            has_desil = any(v is not None for v in desil.values())
            if has_desil:
                record_write(FAMILY, family, desil)
            family.save()
            if has_desil:
                DesilRecord.objects.create(
                    family=family,
                    desil=family.desil,
                    period=family.desil_period,
                    source=source,
                    recorded_by=actor,
                )
            audit_record(
                actor=actor,
                action="registry.family.registered",
                obj=family,
                region_code=family.region_id,
                before=None,
                after=confirmed(family_snapshot(family), warnings),
                source=source,
            )
            created = [
                create_person(actor=actor, family=family, values=person, source=source)
                for person in people
            ]
            head = next(p for p in created if p.relationship == HEAD)
            if dwelling is None:
                family.dwelling = new_dwelling(
                    actor=actor,
                    family=family,
                    values={k: housing_values[k] for k in housing or ()},
                    head=head,
                    source=source,
                )
            else:
                family.dwelling = locked_target(actor, dwelling, family=family)
            family.save(update_fields=["dwelling"])
            if dwelling is not None:
                refresh_head(actor=actor, dwelling=family.dwelling, reason="")
            changes.families_changed([family.pk])
    except IntegrityError as exc:  # the same KK or NIK saved a moment ago by someone else
        raise ValidationFailed(
            {
                "kk_number": [
                    FAMILY["kk_number"].prefixed(
                        _("this KK number or a member's NIK was just registered by someone else.")
                    )
                ]
            }
        ) from exc
    return family


def family_warnings(values: dict, context) -> list[str]:
    """What looks wrong about a family's cleaned `values` (its KK's region or date digits)."""
    return [message for _field, _code, message in FAMILY.warnings(values, context)]


def family_update(
    *,
    actor,
    family: Family,
    expected_version: int,
    data: dict,
    reason: str = "",
    source: str = "",
    confirm_warnings: bool = False,
) -> Family:
    """Change the family's fields given in `data` (and its desil, if given). Warnings the change
    brings raise `WarningsNeedConfirmation` unless `confirm_warnings`."""
    require(actor, Cap.REGISTRY_EDIT)
    unknown = set(data) - set(FAMILY_FIELDS) - set(DESIL_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    # A new KK number is looked up outside the transaction (see people.person_update).
    new_kk = (
        FAMILY.clean(data, record_context(actor), only=["kk_number"])
        if "kk_number" in data
        else None
    )
    taken = (
        kk_taken(actor, new_kk.values["kk_number"], exclude_pk=family.pk)
        if new_kk is not None and not new_kk.errors
        else None
    )
    with transaction.atomic():
        locked = locked_family(actor, family)
        current = family_values(locked)
        sent = set(data)
        merged = {**current, **{k: data[k] for k in sent}}
        context = record_context(actor)
        values, errors = FAMILY.clean(merged, context, only=(*FAMILY_FIELDS, *sent))
        if locked.version != expected_version:
            raise conflict(
                locked,
                expected_version=expected_version,
                current=current,
                submitted={k: values[k] for k in FAMILY_FIELDS},
                sent=sent,
            )
        if taken and "kk_number" not in errors:
            errors["kk_number"] = [taken]
        if errors:
            raise ValidationFailed(errors)
        # Only warnings the change brings: what was confirmed before is not asked again.
        earlier = set(family_warnings(current, context))
        warnings = [w for w in family_warnings(values, context) if w not in earlier]
        if warnings and not confirm_warnings:
            raise WarningsNeedConfirmation(warnings)

        before = family_snapshot(locked)
        changed = record_write(FAMILY, locked, {k: values[k] for k in FAMILY_FIELDS})
        new_desil = "desil" in sent and (
            values["desil"],
            values.get("desil_period", locked.desil_period),
        ) != (locked.desil, locked.desil_period)
        if not changed and not new_desil:
            return locked
        if changed:
            try:
                audited_save(
                    actor=actor,
                    obj=locked,
                    fields=changed,
                    action="registry.family.updated",
                    before=before,
                    warnings=warnings,
                    reason=reason,
                    source=source,
                )
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
            if "region_id" in changed:
                locked.members.update(region_id=locked.region_id)
        if new_desil:
            # A desil sent with the family's data corrects it: the same verb and reason as a
            # correction on the family page (desil.family_correct_desil).
            require(actor, Cap.DESIL_CORRECT)
            record_desil(
                actor=actor,
                family=locked,
                desil=values["desil"],
                period=values.get("desil_period", locked.desil_period),
                kind=DesilSource.CORRECTION,
                source=source,
                reason=require_reason(reason, _("say why the desil is corrected.")),
            )
    return locked


def family_change_head(
    *, actor, family: Family, new_head: Person, former_head_relationship: int | None, reason: str
) -> Family:
    """Make `new_head` (an active member) the head of family; the former head, if still active,
    takes `former_head_relationship`."""
    require(actor, Cap.REGISTRY_EDIT)
    reason = require_reason(reason, _("say why the head of family changes."))
    with transaction.atomic():
        locked = locked_family(actor, family)
        active = active_members(locked, lock=True)
        chosen = next((p for p in active if p.pk == new_head.pk), None)
        if chosen is None:
            raise ValidationFailed(
                {"new_head": [_("New head of family: choose a member who lives in the family.")]}
            )
        if chosen.relationship == HEAD:
            raise ValidationFailed(
                {"new_head": [_("New head of family: this person is already the head.")]}
            )
        former = [p for p in active if p.relationship == HEAD]
        if former and (
            former_head_relationship in (None, "", HEAD)
            or former_head_relationship not in codes.Relationship.values
        ):
            raise ValidationFailed(
                {
                    "former_head_relationship": [
                        _(
                            "Relationship of the former head: choose how the former head is "
                            "related to the new one."
                        )
                    ]
                }
            )
        for person in former:
            change_relationship(
                actor=actor,
                person=person,
                relationship=int(former_head_relationship),
                reason=reason,
            )
        change_relationship(actor=actor, person=chosen, relationship=HEAD, reason=reason)
    return locked


def change_relationship(*, actor, person: Person, relationship: int, reason: str) -> None:
    before = person_snapshot(person)
    person.relationship = relationship
    audited_save(
        actor=actor,
        obj=person,
        fields=["relationship"],
        action="registry.person.updated",
        before=before,
        reason=reason,
    )
