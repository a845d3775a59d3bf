"""Making a change request: from staff (`request_create`) or from a citizen on the public page
(`request_create_from_citizen`). What a request asks is checked against the registry's
declarations here, when it is made, so that its approval applies what was checked.

The `payload` of each kind (field names are the declarations'; values in their JSON form):
- new family: {"family": {FAMILY field: value}, "members": [{PERSON field: value}, ...],
  "housing": {DWELLING field: value}};
- new member (of `family`): {"person": {PERSON field: value}};
- change (of `person`, else of `family`): {"changes": {field: value}}; `before` keeps the
  fields' values when it was made;
- move (`person` into `target_family`): {"relationship": code}; a KK split of `family`:
  {"kk_number": "...", "members": [[person id, relationship to the new head], ...]};
- removal (of `person`, else of `family`), objection, withdrawal (of `family`): {}.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap, Role
from padu.core.errors import PermissionDeniedError, ValidationFailed
from padu.core.records.derive.storage import record_values
from padu.core.schemas import DB_INT_MAX
from padu.core.scoping import require, require_in_scope
from padu.registry.context import RecordContext
from padu.registry.declarations import DWELLING, FAMILY, PERSON
from padu.registry.models import Family, Person
from padu.registry.services.base import FAMILY_FIELDS, PERSON_FIELDS, json_value

from ..codes import RemovalReason, RequestKind, RequestSource, RequestState
from ..deadlines import lapse_date
from ..models import ChangeRequest
from ..workflow import CREATE
from .apply import PERSON_STATUS
from .events import record_event
from .evidence import check_files, discard, store_evidence

K = RequestKind
# The kinds a citizen may file on the public page (usul, sanggah, mundur).
CITIZEN_KINDS = (K.NEW_FAMILY, K.OBJECTION, K.WITHDRAWAL)
# The source a staff member's request has, by his role.
ROLE_SOURCES = {
    Role.PSM: RequestSource.PSM,
    Role.KELURAHAN: RequestSource.KELURAHAN,
    Role.TKSK: RequestSource.TKSK,
    Role.OPERATOR: RequestSource.OPERATOR,
}
HOUSING_FIELDS = tuple(f.name for f in DWELLING.writable)
COORDINATES = ("latitude", "longitude")


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed({field: [message]})


def _unknown(names, allowed) -> list[str]:
    return sorted(set(names) - set(allowed))


def _clean(record, data, context, *, allowed, partial: bool, field: str) -> dict:
    """`data` read and checked by `record`'s declaration (only the names given, when `partial`);
    its values in JSON form. A name the declaration does not have, or does not let a form write,
    is refused."""
    if not isinstance(data, dict):
        raise _invalid(field, _("The requested change is not in the expected form."))
    if unknown := _unknown(data, allowed):
        raise _invalid(
            field,
            _("Unknown field for %(record)s: %(names)s.")
            % {"record": record.label, "names": ", ".join(unknown)},
        )
    cleaned = record.clean(data, context, only=list(data) if partial else allowed)
    if cleaned.errors:
        raise ValidationFailed({f"{field}.{k}": v for k, v in cleaned.errors.items()})
    return json_value({k: v for k, v in cleaned.values.items() if not partial or k in data})


def _coordinates(latitude, longitude, context) -> dict:
    """The request's coordinates, by the family declaration's rules for them."""
    data = {"latitude": latitude, "longitude": longitude}
    cleaned = FAMILY.clean(data, context, only=COORDINATES)
    if cleaned.errors:
        raise ValidationFailed(cleaned.errors)
    return cleaned.values


def _payload(kind, data, context, *, family, person, partial) -> tuple[dict, dict]:
    """(payload, before) of a request of `kind` asking `data`."""
    data = data or {}
    if kind == K.NEW_FAMILY:
        if unknown := _unknown(data, ("family", "members", "housing")):
            raise _invalid("payload", _("Unknown part: %(names)s.") % {"names": ", ".join(unknown)})
        members = data.get("members") or []
        if not isinstance(members, list) or (not members and not partial):
            raise _invalid("members", _("Members: name at least the head of family."))
        return {
            "family": _clean(
                FAMILY,
                data.get("family") or {},
                context,
                allowed=FAMILY_FIELDS,
                partial=partial,
                field="family",
            ),
            "members": [
                _clean(
                    PERSON, m, context, allowed=PERSON_FIELDS, partial=partial, field=f"members.{i}"
                )
                for i, m in enumerate(members)
            ],
            "housing": _clean(
                DWELLING,
                data.get("housing") or {},
                context,
                allowed=HOUSING_FIELDS,
                partial=True,
                field="housing",
            ),
        }, {}
    if kind == K.NEW_MEMBER:
        return {
            "person": _clean(
                PERSON,
                data.get("person") or {},
                context,
                allowed=PERSON_FIELDS,
                partial=partial,
                field="person",
            )
        }, {}
    if kind == K.CHANGE:
        record, obj, allowed = (
            (PERSON, person, PERSON_FIELDS) if person else (FAMILY, family, FAMILY_FIELDS)
        )
        changes = data.get("changes") or {}
        if not changes:
            raise _invalid("changes", _("Name at least one field to change."))
        after = _clean(record, changes, context, allowed=allowed, partial=True, field="changes")
        before = json_value(record_values(record, obj, list(after)))
        if before == after:
            raise _invalid("changes", _("The requested values are the same as the current ones."))
        return {"changes": after}, before
    if kind == K.MOVE:
        return _move_payload(data, context), {}
    return {}, {}


def _move_payload(data: dict, context) -> dict:
    if "kk_number" in data:
        kk = FAMILY.clean({"kk_number": data["kk_number"]}, context, only=["kk_number"])
        if kk.errors:
            raise ValidationFailed(kk.errors)
        members = data.get("members") or []
        try:
            members = [[int(pk), int(rel)] for pk, rel in members]
        except (TypeError, ValueError):
            members = []
        if not members or not all(0 < pk <= DB_INT_MAX for pk, _rel in members):
            raise _invalid("members", _("Members: choose who forms the new family."))
        return {"kk_number": kk.values["kk_number"], "members": members}
    rel = PERSON.clean({"relationship": data.get("relationship")}, context, only=["relationship"])
    if rel.errors:
        raise ValidationFailed(rel.errors)
    return {"relationship": json_value(rel.values["relationship"])}


def _subject(kind, actor, family, person, target_family):
    """The request's family and person, re-read inside the actor's area (None: the citizen's
    request, read within the office's region), checked against what the kind needs."""

    def reread(model, obj):
        if obj is None:
            return None
        qs = model.objects.scoped(actor) if actor else model.objects.unscoped()
        found = qs.filter(pk=obj.pk).first()
        if found is None:
            raise PermissionDeniedError()
        return found

    family, person = reread(Family, family), reread(Person, person)
    target_family = reread(Family, target_family)
    if person is not None:
        family = family or person.family
        if person.family_id != family.pk:
            raise _invalid("person", _("This person is not a member of that family."))
    needs_family = kind not in (K.NEW_FAMILY,)
    if needs_family and family is None:
        raise _invalid("family", _("Choose the family the request is about."))
    if kind == K.NEW_FAMILY and (family or person):
        raise _invalid("family", _("A new family's request names no registered family."))
    if kind == K.MOVE and person is None and target_family is not None:
        raise _invalid("person", _("Choose the member who moves."))
    return family, person, target_family


def _new(
    *,
    actor,
    kind,
    source,
    state,
    family,
    person,
    target_family,
    data,
    removal_reason,
    notes,
    latitude,
    longitude,
    files,
    partial=False,
    citizen_name="",
    citizen_contact="",
    region=None,
) -> ChangeRequest:
    if kind not in K.values:
        raise _invalid("kind", _("Choose what the request asks."))
    context = RecordContext(actor)
    family, person, target_family = _subject(kind, actor, family, person, target_family)
    if kind == K.REMOVAL and removal_reason not in RemovalReason.values:
        raise _invalid("removal_reason", _("Choose the reason for the removal."))
    if kind != K.REMOVAL and removal_reason and removal_reason not in RemovalReason.values:
        raise _invalid("removal_reason", _("Choose the reason for the removal."))
    if kind == K.REMOVAL and person is not None and removal_reason not in PERSON_STATUS:
        raise _invalid(
            "removal_reason",
            _("A member is removed only as deceased, moved away, duplicate or not found."),
        )
    if kind in (K.OBJECTION, K.WITHDRAWAL) and not (notes or "").strip():
        raise _invalid("notes", _("Notes: say why."))
    payload, before = _payload(kind, data, context, family=family, person=person, partial=partial)
    if kind == K.NEW_FAMILY:
        region = payload["family"].get("region") or region
        if not region:
            raise _invalid("family.region", _("Choose the kelurahan or desa."))
    else:
        region = family.region_id
    if actor is not None:
        require_in_scope(actor, region)
    coordinates = _coordinates(latitude, longitude, context)
    checked = check_files(files)
    now = timezone.now()
    stored = []
    try:
        with transaction.atomic():
            request = ChangeRequest.objects.create(
                kind=kind,
                source=source,
                state=state,
                region_id=region,
                family=family,
                person=person,
                target_family=target_family,
                payload=payload,
                before=before,
                removal_reason=removal_reason or "",
                notes=(notes or "").strip(),
                citizen_name=citizen_name,
                citizen_contact=citizen_contact,
                state_changed_at=now,
                submitted_at=now if state == RequestState.SUBMITTED else None,
                lapses_on=lapse_date(now)
                if kind == K.OBJECTION and state == RequestState.SUBMITTED
                else None,
                created_by=actor,
                updated_by=actor,
                **coordinates,
            )
            stored = store_evidence(request=request, files=checked, actor=actor)
            record_event(
                request=request,
                transition=CREATE,
                from_state="",
                actor=actor,
                by_citizen=actor is None,
                after={"kind": kind, "source": source, "payload": payload},
            )
    except BaseException:
        discard(stored)
        raise
    return request


def request_create(
    *,
    actor,
    kind: str,
    family: Family | None = None,
    person: Person | None = None,
    target_family: Family | None = None,
    data: dict | None = None,
    removal_reason: str = "",
    notes: str = "",
    latitude=None,
    longitude=None,
    evidence=(),
    source: str | None = None,
    submit: bool = False,
) -> ChangeRequest:
    """A staff member's request, as a draft (or submitted at once: `submit`). Its source is the
    actor's role's (PSM, kelurahan, TKSK, Dinsos operator); `source="import"` marks one an import
    made, which needs the import capability."""
    require(actor, Cap.REQUEST_PROPOSE)
    if source is None:
        source = ROLE_SOURCES.get(actor.role)
        if source is None:
            raise PermissionDeniedError()
    elif source == RequestSource.IMPORT:
        require(actor, Cap.REGISTRY_IMPORT)
    elif source != ROLE_SOURCES.get(actor.role):
        raise PermissionDeniedError()
    request = _new(
        actor=actor,
        kind=kind,
        source=source,
        state=RequestState.DRAFT,
        family=family,
        person=person,
        target_family=target_family,
        data=data,
        removal_reason=removal_reason,
        notes=notes,
        latitude=latitude,
        longitude=longitude,
        files=evidence,
    )
    if submit:
        from .transitions import request_transition

        request = request_transition(actor=actor, request=request, name="submit")
    return request


def request_create_from_citizen(
    *,
    kind: str,
    name: str,
    contact: str = "",
    family: Family | None = None,
    region: str | None = None,
    data: dict | None = None,
    reason: str = "",
    latitude=None,
    longitude=None,
    evidence=(),
) -> str:
    """A citizen's usul (a new family: `data` as far as he knows it, `region` its kelurahan),
    sanggah (an objection to `family`, with his reason and a photo) or own withdrawal, submitted
    at once. Returns the receipt number he follows it with."""
    if kind not in CITIZEN_KINDS:
        raise _invalid("kind", _("Choose what the request asks."))
    name = " ".join((name or "").split())[:120]
    if not name:
        raise _invalid("citizen_name", _("Your name: this field is required."))
    if region is not None and not RecordContext(None).in_area(region):
        raise _invalid("family.region", _("Choose the kelurahan or desa."))
    if kind == K.OBJECTION and not evidence:
        raise _invalid("evidence", _("Attach a photo of the house."))
    if data and kind == K.NEW_FAMILY and region and "region" not in (data.get("family") or {}):
        data = {**data, "family": {**(data.get("family") or {}), "region": region}}
    request = _new(
        actor=None,
        kind=kind,
        source=RequestSource.CITIZEN,
        state=RequestState.SUBMITTED,
        family=family,
        person=None,
        target_family=None,
        data=data,
        removal_reason="",
        notes=reason,
        latitude=latitude,
        longitude=longitude,
        files=evidence,
        partial=True,
        citizen_name=name,
        citizen_contact=" ".join((contact or "").split())[:120],
        region=region,
    )
    return request.receipt
