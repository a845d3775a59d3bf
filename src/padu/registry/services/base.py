"""What every registry write shares: the acting user's context for the field rules, locking inside
the user's area, audit snapshots, optimistic-locking conflicts, and `audited_save`, the one place
where a changed record gets its new version, its author, its save and its audit entry."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.utils.translation import gettext as _

from padu.core.audit import audit_record
from padu.core.errors import ConflictError, PermissionDeniedError, ValidationFailed
from padu.core.models import AuditEntry
from padu.core.records.derive import record_values

from .. import changes, codes
from ..context import RecordContext
from ..declarations import DWELLING, FAMILY, PERSON
from ..models import Dwelling, Family, Person

FamilyStatus = codes.FamilyStatus
LifeStatus = codes.LifeStatus
HEAD = codes.Relationship.HEAD

# The family's data fields a form or the API writes directly; its desil goes through the desil
# history (desil.record_desil), its status through the named transitions.
DESIL_FIELDS = ("desil", "desil_period")
FAMILY_FIELDS = tuple(f.name for f in FAMILY.writable if f.name not in DESIL_FIELDS)
PERSON_FIELDS = tuple(f.name for f in PERSON.writable)


def snapshot(record, obj, *extra: str) -> dict:
    """A record's audit snapshot: every declared field by its name (as data dicts name it), in
    its JSON form, plus `extra` model fields (ids of foreign keys) and the version. The import's
    SQL builds its entries with the same keys (importer.audit)."""
    values = record_values(record, obj)
    values.update({name: getattr(obj, obj._meta.get_field(name).attname) for name in extra})
    return json_value({**values, "version": obj.version})


def record_context(actor, *, kept_ppks=()) -> RecordContext:
    return RecordContext(actor, kept_ppks=kept_ppks)


def json_value(value):
    """The JSON form of a value, as the audit trail stores it (dates ISO, decimals as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def family_snapshot(family: Family) -> dict:
    return snapshot(FAMILY, family)


def person_snapshot(person: Person) -> dict:
    return snapshot(PERSON, person, "family")


def dwelling_snapshot(dwelling: Dwelling) -> dict:
    return snapshot(DWELLING, dwelling, "head")


def family_values(family: Family) -> dict:
    """The family's writable fields in the form a data dict uses."""
    return record_values(FAMILY, family, FAMILY_FIELDS)


def person_values(person: Person) -> dict:
    return record_values(PERSON, person, PERSON_FIELDS)


def member_view(person) -> dict:
    if isinstance(person, dict):
        return {k: person.get(k) for k in ("name", "relationship", "birth_date")}
    return {
        "name": person.name,
        "relationship": person.relationship,
        "birth_date": person.birth_date,
    }


def _locked(model, actor, pk):
    locked = model.objects.select_for_update().scoped(actor).filter(pk=pk).first()
    if locked is None:
        raise PermissionDeniedError()
    return locked


def locked_family(actor, family: Family) -> Family:
    return _locked(Family, actor, family.pk)


def locked_person(actor, person: Person) -> Person:
    return _locked(Person, actor, person.pk)


def locked_dwelling(actor, dwelling: Dwelling) -> Dwelling:
    return _locked(Dwelling, actor, dwelling.pk)


def locked_families(actor, pks: list[int]) -> dict[int, Family]:
    """The families of `pks`, locked in id order (two users linking the same pair from both
    ends wait for each other instead of deadlocking); all must be inside the actor's area."""
    found = {
        f.pk: f
        for f in Family.objects.select_for_update().scoped(actor).filter(pk__in=pks).order_by("pk")
    }
    if len(found) != len(set(pks)):
        raise PermissionDeniedError()
    return found


def active_members(family: Family, *, exclude_pk=None, lock: bool = False) -> list[Person]:
    qs = family.members.filter(life_status=LifeStatus.ACTIVE).exclude(pk=exclude_pk)
    if lock:
        qs = qs.select_for_update()
    return list(qs.order_by("relationship", "birth_date", "pk"))


def audited_save(
    *,
    actor,
    obj: Model,
    fields: list[str],
    action: str,
    before: dict,
    after: dict | None = None,
    reason: str = "",
    source: str = "",
    warnings=(),
) -> None:
    """Save the changed `fields` of a locked record with its next version and its author, and
    record the change (`before`, and `after`: by default the same keys read again; only the keys
    that differ are kept; `warnings` the user confirmed) in the audit trail, in the area of the
    record's kelurahan."""
    obj.version += 1
    obj.updated_by = actor
    obj.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
    if after is None:
        after = _snapshot_of(obj, list(before))
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        region_code=obj.region_id,
        before=before,
        after=confirmed(after, warnings),
        reason=reason,
        source=source,
    )
    changes.record_changed(obj, before)


def _snapshot_of(obj, keys: list[str]) -> dict:
    """`keys` of the record's snapshot (declared fields, version) or of its model fields."""
    from padu.core.audit import snapshot as model_snapshot

    if isinstance(obj, Family):
        current = family_snapshot(obj)
    elif isinstance(obj, Dwelling):
        current = dwelling_snapshot(obj)
    else:
        current = person_snapshot(obj)
    if not keys:
        return current
    current.update(model_snapshot(obj, [k for k in keys if k not in current]))
    return {k: current[k] for k in keys}


def reason_message(text: str) -> str:
    return _("%(field)s: %(message)s") % {"field": _("Reason"), "message": text}


def require_reason(reason: str, text: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [reason_message(text)]})
    return reason


def confirmed(after: dict, warnings: list[str]) -> dict:
    return {**after, "confirmed_warnings": list(warnings)} if warnings else after


def field_label(key: str) -> str:
    for record in (FAMILY, PERSON, DWELLING):
        try:
            return record[key].title()
        except KeyError:
            continue
    return key


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


def conflict(
    obj, *, expected_version: int, current: dict, submitted: dict, sent: set
) -> ConflictError:
    """The ConflictError for `obj`: `current` and `submitted` are data dicts (all fields)."""
    current_json, submitted_json = json_value(current), json_value(submitted)
    theirs_all = _snapshot_of(obj, [])
    originals = _changes_since(obj, expected_version)
    changes = []
    if originals is None:
        for key in current_json:
            if key in sent and submitted_json.get(key) != current_json[key]:
                changes.append(_change(key, current_json[key], submitted_json.get(key), None, True))
    else:
        for key, original in originals.items():
            theirs = current_json.get(key, theirs_all.get(key))
            editable = key in current_json
            yours = submitted_json.get(key) if editable and key in sent else theirs
            changed = editable and key in sent and yours != original
            changes.append(_change(key, theirs, yours, original, changed))
    return ConflictError(changes=changes, current_version=obj.version)


def _change(key, theirs, yours, original, yours_changed) -> dict:
    return {
        "field": key,
        "label": field_label(key),
        "theirs": theirs,
        "yours": yours,
        "original": original,
        "yours_changed": yours_changed,
    }
