"""Writes on the registry: families, their members, the desil history, and PPKS categories.

Every function takes the acting user, checks `Cap.REGISTRY_EDIT` (PPKS: `Cap.REFERENCE_MANAGE`)
and the actor's area, validates (`registry.validation`), locks the rows it changes, writes in one
transaction and leaves an audit entry whose `region_code` is the family's kelurahan, so that the
trail is scoped like the data. Nothing is deleted: people and families leave through status changes.

Data dicts use the field names of `validation.FAMILY_FIELDS` / `PERSON_FIELDS` (a family's
`region` is its kelurahan code; `ppks` is a list of category codes); a family dict may also carry
`desil` and `desil_period`. Updates take only the keys given (a partial update), and need the
`version` the caller read: a newer stored version raises `ConflictError` listing, per field, the
value the other user saved (`theirs`), the caller's (`yours`), the value both started from
(`original`) and whether the caller changed it (`yours_changed`). Errors raise `ValidationFailed`
keyed by field (`members.<i>.<field>` for the members of a new family); plausibility warnings
raise `WarningsNeedConfirmation` unless `confirm_warnings=True`, and confirmed warnings are kept in
the audit entry.

Status rules:
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
- the head of family changes only through `family_change_head` (or a status change of the head):
  a person form cannot make a second head or leave a family without one.
"""

from __future__ import annotations

import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record, snapshot
from padu.core.errors import (
    ConflictError,
    DomainError,
    PermissionDeniedError,
    ValidationFailed,
    WarningsNeedConfirmation,
)
from padu.core.models import AuditEntry
from padu.core.scoping import has_capability, in_scope, region_q, require

from . import codes
from .identifiers import RegionIndex, mask_number
from .models import DesilRecord, Family, Household, Person, PPKSCategory
from .names import name_key
from .validation import (
    FAMILY_FIELDS,
    PERSON_FIELDS,
    _label,
    clean_desil,
    clean_family_data,
    clean_person_data,
    field_message,
    person_warnings,
)

FamilyStatus = codes.FamilyStatus
LifeStatus = codes.LifeStatus
HEAD = codes.Relationship.HEAD

DESIL_FIELDS = ("desil", "desil_period")
FAMILY_AUDIT = (*FAMILY_FIELDS, *DESIL_FIELDS, "status", "version")
PERSON_MODEL_FIELDS = tuple(f for f in PERSON_FIELDS if f != "ppks")
PERSON_AUDIT = (*PERSON_MODEL_FIELDS, "life_status", "family", "version")
PPKS_AUDIT = ("code", "name", "source", "is_active")

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


# ------------------------------------------------------------------------------------ helpers


def _json(value):
    """The JSON form of a value, as the audit trail stores it (dates ISO, decimals as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _region_index(numbers) -> RegionIndex:
    provinces = set()
    for number in numbers:
        text = str(number or "").strip()
        if len(text) >= 2 and text[:2].isdigit():
            provinces.add(text[:2])
    return RegionIndex.load(provinces=provinces)


def _family_snapshot(family: Family) -> dict:
    return snapshot(family, list(FAMILY_AUDIT))


def _person_snapshot(person: Person) -> dict:
    return {**snapshot(person, list(PERSON_AUDIT)), "ppks": _ppks_codes(person)}


def _ppks_codes(person: Person) -> list[int]:
    if person.pk is None:
        return []
    return sorted(person.ppks.values_list("code", flat=True))


def _family_values(family: Family) -> dict:
    """The family's fields in the form a data dict uses."""
    values = {name: getattr(family, name) for name in FAMILY_FIELDS if name != "region"}
    return {**values, "region": family.region_id}


def _person_values(person: Person) -> dict:
    return {
        **{name: getattr(person, name) for name in PERSON_MODEL_FIELDS},
        "ppks": _ppks_codes(person),
    }


def _member_view(person) -> dict:
    if isinstance(person, dict):
        return {k: person.get(k) for k in ("name", "relationship", "birth_date")}
    return {
        "name": person.name,
        "relationship": person.relationship,
        "birth_date": person.birth_date,
    }


def _locked_family(actor, family: Family) -> Family:
    locked = (
        Family.objects.select_for_update()
        .filter(region_q(actor, "region__code"), pk=family.pk)
        .first()
    )
    if locked is None:
        raise PermissionDeniedError()
    return locked


def _locked_person(actor, person: Person) -> Person:
    locked = (
        Person.objects.select_for_update()
        .filter(region_q(actor, "region__code"), pk=person.pk)
        .first()
    )
    if locked is None:
        raise PermissionDeniedError()
    return locked


def _active_members(family: Family, *, exclude_pk=None, lock: bool = False):
    qs = Person.objects.filter(family=family, life_status=LifeStatus.ACTIVE).exclude(pk=exclude_pk)
    if lock:
        qs = qs.select_for_update()
    return list(qs.order_by("relationship", "birth_date", "pk"))


def _nik_taken(actor, nik: str, *, exclude_pk=None) -> str | None:
    """Why `nik` cannot be used, or None. Inside the actor's area the message says where the NIK
    is; outside it, only that it exists."""
    other = (
        Person.objects.select_related("family", "region")
        .filter(nik=nik)
        .exclude(pk=exclude_pk)
        .first()
    )
    if other is None:
        return None
    if has_capability(actor, Cap.REGISTRY_VIEW) and in_scope(actor, other.region_id):
        return field_message(
            "nik",
            _(
                "%(nik)s is already registered to %(name)s (%(status)s) in the family with KK "
                "%(kk)s in %(kelurahan)s."
            )
            % {
                "nik": mask_number(nik),
                "name": other.name,
                "status": other.get_life_status_display().lower(),
                "kk": mask_number(other.family.kk_number),
                "kelurahan": other.region.name,
            },
        )
    return field_message(
        "nik",
        _(
            "%(nik)s is already registered to a person outside your area. Ask the Dinas Sosial to "
            "check it."
        )
        % {"nik": mask_number(nik)},
    )


def _kk_taken(actor, kk: str, *, exclude_pk=None) -> str | None:
    other = (
        Family.objects.select_related("region").filter(kk_number=kk).exclude(pk=exclude_pk).first()
    )
    if other is None:
        return None
    if has_capability(actor, Cap.REGISTRY_VIEW) and in_scope(actor, other.region_id):
        return field_message(
            "kk_number",
            _("%(kk)s is already registered to a family (%(status)s) in %(kelurahan)s.")
            % {
                "kk": mask_number(kk),
                "status": other.get_status_display().lower(),
                "kelurahan": other.region.name,
            },
        )
    return field_message(
        "kk_number",
        _(
            "%(kk)s is already registered to a family outside your area. Ask the Dinas Sosial to "
            "check it."
        )
        % {"kk": mask_number(kk)},
    )


def _ppks_errors(codes_wanted: list[int], *, kept: list[int] = ()) -> list[str]:
    """Unknown codes, and inactive categories that the person does not already have."""
    found = dict(
        PPKSCategory.objects.filter(code__in=codes_wanted).values_list("code", "is_active")
    )
    errors = []
    unknown = [str(c) for c in codes_wanted if c not in found]
    if unknown:
        errors.append(
            field_message(
                "ppks",
                _("unknown PPKS category code(s): %(codes)s.") % {"codes": ", ".join(unknown)},
            )
        )
    retired = [str(c) for c, active in found.items() if not active and c not in kept]
    if retired:
        errors.append(
            field_message(
                "ppks",
                _("PPKS category %(codes)s is no longer in use and cannot be given.")
                % {"codes": ", ".join(retired)},
            )
        )
    return errors


def _set_ppks(person: Person, codes_wanted: list[int]) -> None:
    person.ppks.set(PPKSCategory.objects.filter(code__in=codes_wanted))


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_reason_message(_("say why the status changes."))]})
    return reason


def _reason_message(text: str) -> str:
    return _("%(field)s: %(message)s") % {"field": _("Reason"), "message": text}


def _confirmed(after: dict, warnings: list[str]) -> dict:
    return {**after, "confirmed_warnings": list(warnings)} if warnings else after


def _changes_since(obj, expected_version: int) -> dict | None:
    """{field: value at `expected_version`} for every field changed since then, from the audit
    trail; None when the trail does not say (changes made without a version)."""
    entries = AuditEntry.objects.filter(
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        after__version__gt=expected_version,
    ).order_by("at", "id")
    originals: dict = {}
    found = False
    for entry in entries:
        after, before = entry.after or {}, entry.before or {}
        if not isinstance(after.get("version"), int):
            continue
        found = True
        for key in after:
            if key not in ("version", "confirmed_warnings") and key not in originals:
                originals[key] = before.get(key)
    return originals if found else None


def _conflict(
    obj, *, expected_version: int, current: dict, submitted: dict, sent: set
) -> ConflictError:
    """The ConflictError for `obj`: `current` and `submitted` are data dicts (all fields)."""
    current_json, submitted_json = _json(current), _json(submitted)
    theirs_all = _json(_family_snapshot(obj) if isinstance(obj, Family) else _person_snapshot(obj))
    originals = _changes_since(obj, expected_version)
    changes = []
    if originals is None:
        for key in current_json:
            if key in sent and submitted_json.get(key) != current_json[key]:
                changes.append(
                    {
                        "field": key,
                        "label": _label(key),
                        "theirs": current_json[key],
                        "yours": submitted_json.get(key),
                        "original": None,
                        "yours_changed": True,
                    }
                )
    else:
        for key, original in originals.items():
            theirs = current_json.get(key, theirs_all.get(key))
            editable = key in current_json
            yours = submitted_json.get(key) if editable and key in sent else theirs
            changes.append(
                {
                    "field": key,
                    "label": _label(key),
                    "theirs": theirs,
                    "yours": yours,
                    "original": original,
                    "yours_changed": editable and key in sent and yours != original,
                }
            )
    return ConflictError(changes=changes, current_version=obj.version)


# ---------------------------------------------------------------------------------- families


def family_register(
    *, actor, data: dict, members: list[dict], confirm_warnings: bool = False, source: str = ""
) -> Family:
    """A new family with its members; exactly one of them is the head of family."""
    require(actor, Cap.REGISTRY_EDIT)
    today = timezone.localdate()
    regions = _region_index([data.get("kk_number"), *[m.get("nik") for m in members]])
    values, errors = clean_family_data(data, regions=regions)
    desil, desil_errors = clean_desil(data)
    errors.update(desil_errors)
    if values["region"] and "region" not in errors and not in_scope(actor, values["region"]):
        errors["region"] = [
            field_message("region", _("you can register families only in your own area."))
        ]
    if (
        values["kk_number"]
        and "kk_number" not in errors
        and (taken := _kk_taken(actor, values["kk_number"]))
    ):
        errors["kk_number"] = [taken]

    people: list[dict] = []
    seen: dict[str, int] = {}
    for i, member in enumerate(members):
        person, person_errors = clean_person_data(member, regions=regions, today=today)
        if person["nik"] and "nik" not in person_errors:
            if person["nik"] in seen:
                person_errors["nik"] = [
                    field_message(
                        "nik",
                        _("the same NIK is given for member %(number)d.")
                        % {"number": seen[person["nik"]] + 1},
                    )
                ]
            else:
                seen[person["nik"]] = i
                if taken := _nik_taken(actor, person["nik"]):
                    person_errors["nik"] = [taken]
        if person["ppks"] and (ppks_errors := _ppks_errors(person["ppks"])):
            person_errors.setdefault("ppks", []).extend(ppks_errors)
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

    warnings = []
    for person in people:
        others = [] if person["relationship"] == HEAD else [_member_view(p) for p in heads]
        for warning in person_warnings(person, members=others, today=today):
            warnings.append(
                _("%(name)s — %(warning)s") % {"name": person["name"], "warning": warning}
            )
    if warnings and not confirm_warnings:
        raise WarningsNeedConfirmation(warnings)

    try:
        with transaction.atomic():
            family = Family(created_by=actor, updated_by=actor)
            _apply_family(family, values)
            has_desil = desil.get("desil") is not None or desil.get("desil_period") is not None
            if has_desil:
                family.desil, family.desil_period = desil.get("desil"), desil.get("desil_period")
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
                after=_confirmed(_family_snapshot(family), warnings),
                source=source,
            )
            for person in people:
                _create_person(actor=actor, family=family, values=person, source=source)
    except IntegrityError as exc:  # the same KK or NIK saved a moment ago by someone else
        raise ValidationFailed(
            {
                "kk_number": [
                    field_message(
                        "kk_number",
                        _("this KK number or a member's NIK was just registered by someone else."),
                    )
                ]
            }
        ) from exc
    return family


def _apply_family(family: Family, values: dict) -> list[str]:
    """Set `values` on `family`; the names of the fields that changed."""
    changed = []
    for name in FAMILY_FIELDS:
        attname = "region_id" if name == "region" else name
        if getattr(family, attname) != values[name]:
            setattr(family, attname, values[name])
            changed.append(attname)
    return changed


def _create_person(*, actor, family: Family, values: dict, source: str, warnings=()) -> Person:
    person = Person(
        family=family,
        region_id=family.region_id,
        name_key=name_key(values["name"]),
        created_by=actor,
        updated_by=actor,
        **{name: values[name] for name in PERSON_MODEL_FIELDS},
    )
    person.save()
    if values["ppks"]:
        _set_ppks(person, values["ppks"])
    audit_record(
        actor=actor,
        action="registry.person.added",
        obj=person,
        region_code=family.region_id,
        before=None,
        after=_confirmed(_person_snapshot(person), list(warnings)),
        source=source,
    )
    return person


def family_update(
    *, actor, family: Family, expected_version: int, data: dict, reason: str = "", source: str = ""
) -> Family:
    """Change the family's fields given in `data` (and its desil, if given)."""
    require(actor, Cap.REGISTRY_EDIT)
    unknown = set(data) - set(FAMILY_FIELDS) - set(DESIL_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = _locked_family(actor, family)
        current = _family_values(locked)
        sent = {k for k in data if k in FAMILY_FIELDS}
        merged = {**current, **{k: data[k] for k in sent}}
        regions = _region_index([merged.get("kk_number")])
        values, errors = clean_family_data(merged, regions=regions)
        if locked.version != expected_version:
            raise _conflict(
                locked,
                expected_version=expected_version,
                current=current,
                submitted=values,
                sent=sent,
            )
        desil, desil_errors = clean_desil(data)
        errors.update(desil_errors)
        if (
            values["region"] != current["region"]
            and "region" not in errors
            and not in_scope(actor, values["region"])
        ):
            errors["region"] = [
                field_message("region", _("you can move a family only within your own area."))
            ]
        if (
            values["kk_number"] != current["kk_number"]
            and "kk_number" not in errors
            and (taken := _kk_taken(actor, values["kk_number"], exclude_pk=locked.pk))
        ):
            errors["kk_number"] = [taken]
        if errors:
            raise ValidationFailed(errors)

        before = _family_snapshot(locked)
        changed = _apply_family(locked, values)
        new_desil = "desil" in desil and (
            desil["desil"],
            desil.get("desil_period", locked.desil_period),
        ) != (
            locked.desil,
            locked.desil_period,
        )
        if not changed and not new_desil:
            return locked
        if changed:
            locked.version += 1
            locked.updated_by = actor
            try:
                locked.save(update_fields=[*changed, "version", "updated_by", "updated_at"])
            except IntegrityError as exc:
                raise ValidationFailed(
                    {
                        "kk_number": [
                            field_message(
                                "kk_number",
                                _("this KK number was just registered by someone else."),
                            )
                        ]
                    }
                ) from exc
            if "region_id" in changed:
                Person.objects.filter(family=locked).update(region_id=locked.region_id)
            audit_record(
                actor=actor,
                action="registry.family.updated",
                obj=locked,
                region_code=locked.region_id,
                before=before,
                after=_family_snapshot(locked),
                reason=reason,
                source=source,
            )
        if new_desil:
            _record_desil(
                actor=actor,
                family=locked,
                desil=desil["desil"],
                period=desil.get("desil_period", locked.desil_period),
                source=source,
                reason=reason,
            )
    return locked


def family_change_status(
    *, actor, family: Family, status: str, reason: str, source: str = ""
) -> Family:
    """A named transition of the family's status (see the module docstring)."""
    require(actor, Cap.REGISTRY_EDIT)
    reason = _require_reason(reason)
    if status not in FamilyStatus.values:
        raise ValidationFailed(
            {"status": [field_message("status", _("choose one of the listed statuses."))]}
        )
    with transaction.atomic():
        locked = _locked_family(actor, family)
        old = locked.status
        if status == old:
            raise DomainError(_("Status: the family already has this status."), field="status")
        if status not in FAMILY_TRANSITIONS[old]:
            raise DomainError(
                _("Status: a family that is %(old)s cannot be made %(new)s.")
                % {
                    "old": FamilyStatus(old).label.lower(),
                    "new": FamilyStatus(status).label.lower(),
                },
                field="status",
            )
        active = _active_members(locked, lock=True)
        if status == FamilyStatus.DISSOLVED and active:
            raise DomainError(
                _(
                    "Status: %(count)d member(s) still live in the family. Record first that they "
                    "died or "
                    "moved away, or choose another status."
                )
                % {"count": len(active)},
                field="status",
            )
        now = timezone.now()
        left_at = locked.status_changed_at
        _set_family_status(
            actor=actor, family=locked, status=status, reason=reason, source=source, now=now
        )
        if status in FAMILY_TO_MEMBER:
            for person in active:
                _set_person_status(
                    actor=actor,
                    person=person,
                    status=FAMILY_TO_MEMBER[status],
                    reason=reason,
                    source=source,
                    now=now,
                )
        elif status == FamilyStatus.ACTIVE and old in FAMILY_TO_MEMBER:
            # The members that left together with the family come back with it.
            returning = Person.objects.select_for_update().filter(
                family=locked, life_status=FAMILY_TO_MEMBER[old], status_changed_at=left_at
            )
            for person in returning:
                _set_person_status(
                    actor=actor,
                    person=person,
                    status=LifeStatus.ACTIVE,
                    reason=reason,
                    source=source,
                    now=now,
                )
    return locked


def _set_family_status(
    *, actor, family: Family, status: str, reason: str, source: str, now
) -> None:
    before = {"status": family.status}
    family.status = status
    family.status_changed_at = now
    family.version += 1
    family.updated_by = actor
    family.save(
        update_fields=["status", "status_changed_at", "version", "updated_by", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="registry.family.status_changed",
        obj=family,
        region_code=family.region_id,
        before={**before, "version": family.version - 1},
        after={"status": status, "version": family.version},
        reason=reason,
        source=source,
    )


def _set_person_status(
    *, actor, person: Person, status: str, reason: str, source: str, now
) -> None:
    before = {"life_status": person.life_status, "version": person.version}
    person.life_status = status
    person.status_changed_at = now
    person.version += 1
    person.updated_by = actor
    person.save(
        update_fields=["life_status", "status_changed_at", "version", "updated_by", "updated_at"]
    )
    audit_record(
        actor=actor,
        action="registry.person.status_changed",
        obj=person,
        region_code=person.region_id,
        before=before,
        after={"life_status": status, "version": person.version},
        reason=reason,
        source=source,
    )


def family_record_desil(
    *, actor, family: Family, desil: int | None, period: datetime.date | None, source: str
) -> DesilRecord:
    """Add a desil to the family's history; it becomes the family's desil unless an entry of a
    later period is already there. Recording the same desil, period and source twice changes
    nothing."""
    require(actor, Cap.REGISTRY_EDIT)
    values, errors = clean_desil({"desil": desil, "desil_period": period})
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _locked_family(actor, family)
        return _record_desil(
            actor=actor,
            family=locked,
            desil=values["desil"],
            period=values["desil_period"],
            source=source,
        )


def _record_desil(
    *, actor, family: Family, desil, period, source: str, reason: str = ""
) -> DesilRecord:
    latest = family.desil_history.order_by("-recorded_at", "-pk").first()
    if latest is not None and (latest.desil, latest.period, latest.source) == (
        desil,
        period,
        source,
    ):
        return latest
    record = DesilRecord.objects.create(
        family=family,
        desil=desil,
        period=period,
        source=source,
        recorded_by=actor if actor else None,
    )
    if period is None or family.desil_period is None or period >= family.desil_period:
        before = {
            "desil": family.desil,
            "desil_period": family.desil_period,
            "version": family.version,
        }
        family.desil, family.desil_period = desil, period
        family.version += 1
        family.updated_by = actor
        family.save(update_fields=["desil", "desil_period", "version", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="registry.family.desil_recorded",
            obj=family,
            region_code=family.region_id,
            before=before,
            after={"desil": desil, "desil_period": period, "version": family.version},
            reason=reason,
            source=source,
        )
    return record


def family_change_head(
    *, actor, family: Family, new_head: Person, former_head_relationship: int | None, reason: str
) -> Family:
    """Make `new_head` (an active member) the head of family; the former head, if still active,
    takes `former_head_relationship`."""
    require(actor, Cap.REGISTRY_EDIT)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            {"reason": [_reason_message(_("say why the head of family changes."))]}
        )
    with transaction.atomic():
        locked = _locked_family(actor, family)
        active = _active_members(locked, lock=True)
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
            _change_relationship(
                actor=actor,
                person=person,
                relationship=int(former_head_relationship),
                reason=reason,
            )
        _change_relationship(actor=actor, person=chosen, relationship=HEAD, reason=reason)
    return locked


def _change_relationship(*, actor, person: Person, relationship: int, reason: str) -> None:
    before = _person_snapshot(person)
    person.relationship = relationship
    person.version += 1
    person.updated_by = actor
    person.save(update_fields=["relationship", "version", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.person.updated",
        obj=person,
        region_code=person.region_id,
        before=before,
        after=_person_snapshot(person),
        reason=reason,
    )


# ------------------------------------------------------------------------------------ people


def person_add(
    *, actor, family: Family, data: dict, confirm_warnings: bool = False, source: str = ""
) -> Person:
    """A new member of an active family."""
    require(actor, Cap.REGISTRY_EDIT)
    with transaction.atomic():
        locked = _locked_family(actor, family)
        if locked.status != FamilyStatus.ACTIVE:
            raise DomainError(
                _("Members can be added only to an active family; this one is %(status)s.")
                % {"status": locked.get_status_display().lower()}
            )
        values, errors = clean_person_data(data, regions=_region_index([data.get("nik")]))
        if values["nik"] and "nik" not in errors and (taken := _nik_taken(actor, values["nik"])):
            errors["nik"] = [taken]
        if values["ppks"] and (ppks_errors := _ppks_errors(values["ppks"])):
            errors.setdefault("ppks", []).extend(ppks_errors)
        members = _active_members(locked)
        head = next((m for m in members if m.relationship == HEAD), None)
        if values["relationship"] == HEAD and head is not None:
            errors.setdefault("relationship", []).append(_head_exists_message(head))
        if errors:
            raise ValidationFailed(errors)
        warnings = person_warnings(values, members=[_member_view(m) for m in members])
        if warnings and not confirm_warnings:
            raise WarningsNeedConfirmation(warnings)
        try:
            with transaction.atomic():
                return _create_person(
                    actor=actor, family=locked, values=values, source=source, warnings=warnings
                )
        except IntegrityError as exc:
            raise ValidationFailed(
                {"nik": [field_message("nik", _("this NIK was just registered by someone else."))]}
            ) from exc


def _head_exists_message(head: Person) -> str:
    return field_message(
        "relationship",
        _(
            "%(name)s is already the head of this family. To change the head, use "
            "“Change head of family” on the family page."
        )
        % {"name": head.name},
    )


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
    with transaction.atomic():
        locked = _locked_person(actor, person)
        current = _person_values(locked)
        sent = set(data)
        merged = {**current, **data}
        values, errors = clean_person_data(merged, regions=_region_index([merged.get("nik")]))
        if locked.version != expected_version:
            raise _conflict(
                locked,
                expected_version=expected_version,
                current=current,
                submitted=values,
                sent=sent,
            )
        if (
            values["nik"] != current["nik"]
            and "nik" not in errors
            and (taken := _nik_taken(actor, values["nik"], exclude_pk=locked.pk))
        ):
            errors["nik"] = [taken]
        added_ppks = [c for c in values["ppks"] if c not in current["ppks"]]
        if added_ppks and (ppks_errors := _ppks_errors(values["ppks"], kept=current["ppks"])):
            errors.setdefault("ppks", []).extend(ppks_errors)
        members = _active_members(locked.family, exclude_pk=locked.pk)
        if (
            locked.life_status == LifeStatus.ACTIVE
            and values["relationship"] != current["relationship"]
        ):
            head = next((m for m in members if m.relationship == HEAD), None)
            if current["relationship"] == HEAD:
                errors.setdefault("relationship", []).append(
                    field_message(
                        "relationship",
                        _(
                            "the head of family cannot be given another relationship here. Use "
                            "“Change head of family” on the family page."
                        ),
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
        views = [_member_view(m) for m in members]
        earlier = set(person_warnings(current, members=views))
        warnings = [w for w in person_warnings(values, members=views) if w not in earlier]
        if warnings and not confirm_warnings:
            raise WarningsNeedConfirmation(warnings)

        before = _person_snapshot(locked)
        model_changed = [k for k in changed if k != "ppks"]
        for name in model_changed:
            setattr(locked, name, values[name])
        if "name" in model_changed:
            locked.name_key = name_key(values["name"])
            model_changed.append("name_key")
        locked.version += 1
        locked.updated_by = actor
        try:
            with transaction.atomic():
                locked.save(update_fields=[*model_changed, "version", "updated_by", "updated_at"])
        except IntegrityError as exc:
            raise ValidationFailed(
                {"nik": [field_message("nik", _("this NIK was just registered by someone else."))]}
            ) from exc
        if "ppks" in changed:
            _set_ppks(locked, values["ppks"])
        audit_record(
            actor=actor,
            action="registry.person.updated",
            obj=locked,
            region_code=locked.region_id,
            before=before,
            after=_confirmed(_person_snapshot(locked), warnings),
            reason=reason,
            source=source,
        )
    return locked


def person_change_status(
    *,
    actor,
    person: Person,
    status: str,
    reason: str,
    new_head: Person | None = None,
    source: str = "",
) -> Person:
    """A named transition of the person's life status (see the module docstring). `new_head` is
    needed when the head of family leaves a family that keeps other active members."""
    require(actor, Cap.REGISTRY_EDIT)
    reason = _require_reason(reason)
    if status not in LifeStatus.values:
        raise ValidationFailed(
            {"status": [field_message("life_status", _("choose one of the listed statuses."))]}
        )
    with transaction.atomic():
        family = _locked_family(actor, person.family)
        locked = _locked_person(actor, person)
        old = locked.life_status
        if status == old:
            raise DomainError(_("Status: the person already has this status."), field="status")
        if status not in PERSON_TRANSITIONS[old]:
            raise DomainError(
                _("Status: a person recorded as %(old)s cannot be recorded as %(new)s.")
                % {"old": LifeStatus(old).label.lower(), "new": LifeStatus(status).label.lower()},
                field="status",
            )
        others = _active_members(family, exclude_pk=locked.pk, lock=True)
        now = timezone.now()
        if status == LifeStatus.ACTIVE:
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
            if locked.relationship == HEAD and head is not None:
                raise DomainError(
                    _(
                        "Status: %(name)s is now the head of this family. Change this person's "
                        "relationship first, then record the return."
                    )
                    % {"name": head.name},
                    field="status",
                )
            if new_head is not None:
                raise ValidationFailed(
                    {"new_head": [_("New head of family: only needed when the head leaves.")]}
                )
            _set_person_status(
                actor=actor, person=locked, status=status, reason=reason, source=source, now=now
            )
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
                                "of "
                                "the other members becomes the head."
                            )
                        ]
                    }
                )
        elif new_head is not None:
            raise ValidationFailed(
                {"new_head": [_("New head of family: only needed when the head leaves.")]}
            )

        _set_person_status(
            actor=actor, person=locked, status=status, reason=reason, source=source, now=now
        )
        if successor is not None:
            _change_relationship(actor=actor, person=successor, relationship=HEAD, reason=reason)
        if old == LifeStatus.ACTIVE and not others:
            follow = MEMBER_TO_FAMILY[status]
            if family.status != follow and follow in FAMILY_TRANSITIONS.get(family.status, ()):
                _set_family_status(
                    actor=actor, family=family, status=follow, reason=reason, source=source, now=now
                )
    return locked


# ----------------------------------------------------------------------------- PPKS categories


def _ppks_values(*, code, name: str, source: str, exclude_pk=None) -> dict:
    errors: dict[str, list[str]] = {}
    name = " ".join(str(name or "").split())
    source = " ".join(str(source or "").split())
    try:
        code = int(code)
        if not 1 <= code <= 32767:
            raise ValueError
    except (TypeError, ValueError):
        errors["code"] = [_("Code: enter a whole number from 1 to 32767.")]
    else:
        if PPKSCategory.objects.filter(code=code).exclude(pk=exclude_pk).exists():
            errors["code"] = [
                _("Code: %(code)d is already used by another category.") % {"code": code}
            ]
    if not name:
        errors["name"] = [_("Name: this field is required.")]
    elif len(name) > 120:
        errors["name"] = [_("Name: use at most 120 characters.")]
    elif PPKSCategory.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        errors["name"] = [_("Name: another category already has this name.")]
    if len(source) > 120:
        errors["source"] = [_("Legal source: use at most 120 characters.")]
    if errors:
        raise ValidationFailed(errors)
    return {"code": code, "name": name, "source": source}


def ppks_category_create(*, actor, code: int, name: str, source: str = "") -> PPKSCategory:
    require(actor, Cap.REFERENCE_MANAGE)
    values = _ppks_values(code=code, name=name, source=source)
    try:
        with transaction.atomic():
            category = PPKSCategory.objects.create(**values)
            audit_record(
                actor=actor,
                action="registry.ppks.created",
                obj=category,
                before=None,
                after=snapshot(category, list(PPKS_AUDIT)),
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            {"code": [_("Code: this code was just used by someone else.")]}
        ) from exc
    return category


def ppks_category_update(
    *, actor, category: PPKSCategory, name: str, source: str = "", reason: str = ""
) -> PPKSCategory:
    """Rename a category or change its source. The code stays: the history refers to it."""
    require(actor, Cap.REFERENCE_MANAGE)
    with transaction.atomic():
        locked = PPKSCategory.objects.select_for_update().get(pk=category.pk)
        values = _ppks_values(code=locked.code, name=name, source=source, exclude_pk=locked.pk)
        before = snapshot(locked, list(PPKS_AUDIT))
        if (locked.name, locked.source) == (values["name"], values["source"]):
            return locked
        locked.name, locked.source = values["name"], values["source"]
        locked.save(update_fields=["name", "source"])
        audit_record(
            actor=actor,
            action="registry.ppks.updated",
            obj=locked,
            before=before,
            after=snapshot(locked, list(PPKS_AUDIT)),
            reason=reason,
        )
    return locked


def ppks_category_set_active(
    *, actor, category: PPKSCategory, active: bool, reason: str = ""
) -> PPKSCategory:
    """Retire a category (it stays on the people who have it, but cannot be given any more), or
    bring it back. Categories are never deleted."""
    require(actor, Cap.REFERENCE_MANAGE)
    reason = (reason or "").strip()
    if not active and not reason:
        raise ValidationFailed(
            {"reason": [_reason_message(_("say why the category is no longer used."))]}
        )
    with transaction.atomic():
        locked = PPKSCategory.objects.select_for_update().get(pk=category.pk)
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="registry.ppks.reactivated" if active else "registry.ppks.deactivated",
            obj=locked,
            before={"is_active": not active},
            after={"is_active": active},
            reason=reason,
        )
    return locked


# --------------------------------------------------------------------------------- households
# A household (rumah tangga) is a dwelling shared by several families (several KK under one
# roof). It is recorded by linking families: the first link makes the household, later families
# join it, and a household left with a single family is dissolved, since one family alone is not
# a shared dwelling. Each family's change is its own audit entry (`household` before and after),
# so both families' histories show it.

HOUSEHOLD_AUDIT = ("household", "version")


def family_share_household(*, actor, family: Family, other: Family, reason: str = "") -> Household:
    """Record that `family` lives in the same dwelling as `other`: it joins `other`'s household,
    or both get a new one. A family that shared another dwelling leaves that one."""
    require(actor, Cap.REGISTRY_EDIT)
    if other.pk == family.pk:
        raise DomainError(_("A family cannot share a dwelling with itself."), field="family")
    with transaction.atomic():
        locked = _locked_families(actor, [family.pk, other.pk])
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
        locked = _locked_family(actor, family)
        if locked.household_id is None:
            raise DomainError(
                _("This family is not recorded as sharing a dwelling."), field="family"
            )
        former = locked.household_id
        _set_household(actor=actor, family=locked, household=None, reason=reason)
        _dissolve_if_alone(actor=actor, household_id=former, reason=reason)


def _locked_families(actor, pks: list[int]) -> dict[int, Family]:
    """The families of `pks`, locked in id order (two users linking the same pair from both
    ends wait for each other instead of deadlocking); all must be inside the actor's area."""
    found = {
        f.pk: f
        for f in Family.objects.select_for_update()
        .filter(region_q(actor, "region__code"), pk__in=pks)
        .order_by("pk")
    }
    if len(found) != len(set(pks)):
        raise PermissionDeniedError()
    return found


def _set_household(*, actor, family: Family, household: Household | None, reason: str) -> None:
    before = snapshot(family, list(HOUSEHOLD_AUDIT))
    family.household = household
    family.version += 1
    family.updated_by = actor
    family.save(update_fields=["household", "version", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.family.household_changed",
        obj=family,
        region_code=family.region_id,
        before=before,
        after=snapshot(family, list(HOUSEHOLD_AUDIT)),
        reason=reason,
    )


def _dissolve_if_alone(*, actor, household_id: int, reason: str) -> None:
    remaining = list(
        Family.objects.select_for_update().filter(household_id=household_id).order_by("pk")
    )
    if len(remaining) == 1:
        _set_household(actor=actor, family=remaining[0], household=None, reason=reason)
