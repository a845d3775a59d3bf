"""The audit trail. Services call `audit_record` inside their own transaction."""

import datetime
import decimal
import uuid

from django.db import models, transaction

from .models import AccessLog, AuditEntry


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk if not isinstance(value.pk, uuid.UUID) else str(value.pk)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict:
    """The audited values of `fields` on `obj`, JSON-ready (foreign keys as their ids)."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        out[name] = _jsonable(getattr(obj, field.attname))
    return out


def diff(before: dict | None, after: dict | None) -> tuple[dict, dict]:
    """Only the keys whose values differ, so the trail shows the change and not the whole record."""
    before, after = before or {}, after or {}
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    source: str = "",
    only_changes: bool = True,
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    if only_changes and before is not None and after is not None:
        before, after = diff(before, after)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        region_code=region_code,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
        source=source,
    )


def export_recorded(
    *,
    actor,
    action: str,
    object_type: str,
    object_repr: str,
    region_code: str,
    filters: dict,
    file_format: str,
    rows: int,
    **more,
) -> AuditEntry:
    """The audit entry of one download (`action`, `<...>.exported`): by whom, from which area,
    with which filters, in which format, how many rows; written in its own transaction before a
    row leaves the server."""
    with transaction.atomic():
        return audit_record(
            actor=actor,
            action=action,
            object_type=object_type,
            object_repr=object_repr,
            region_code=region_code,
            after={"format": file_format, "filters": filters, "rows": rows, **more},
            only_changes=False,
        )


def access_record(
    *,
    user,
    obj: models.Model | None = None,
    object_type: str = "",
    region_code: str = "",
    purpose: str = "",
    request=None,
    filters: dict | None = None,
    rows: int | None = None,
) -> AccessLog:
    """One read of people's data by `user`: a record (`obj`), or a list or download of
    `object_type` (`filters`, `rows`). Written outside any transaction of the caller's: a read
    that fails afterwards was still a read."""
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    return AccessLog.objects.create(
        user=user,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        region_code=region_code,
        purpose=purpose,
        filters=_jsonable(filters) if filters is not None else None,
        rows=rows,
        ip_address=ip or None,
    )
