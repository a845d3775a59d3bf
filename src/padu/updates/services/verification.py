"""Field verification (DOMAIN.md §2.3): a TKSK or Dinsos operator sends a submitted request to a
PSM of its kelurahan (`task_assign`, the workflow's `send_to_verification`), may give the task to
another PSM (`task_reassign`), and the PSM completes it with the checklist, coordinates and photos
(`task_complete`), which moves the request along `verify` or `mark_not_verifiable`. The request's
state changes only through services.transitions.request_transition."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import ConflictError, DomainError, PermissionDeniedError, ValidationFailed
from padu.core.scoping import in_scope, require

from ..checklist import CHECKLIST, clean_checklist
from ..codes import RequestState, TaskState
from ..deadlines import task_due_date
from ..models import ChangeRequest, VerificationTask
from ..workflow import VERIFICATION
from . import notices
from .evidence import check_files, discard, store_evidence
from .transitions import locked_request, request_transition


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed({field: [message]})


def may_verify_in(user, region_code: str) -> bool:
    """Whether `user` is a PSM (who may record verifications) working in the kelurahan."""
    return (
        user is not None
        and user.is_active
        and user.has_capability(Cap.REQUEST_VERIFY)
        and in_scope(user, region_code)
    )


def _assignee(pk_or_user, region_code: str):
    User = get_user_model()
    user = pk_or_user
    if not isinstance(pk_or_user, User):
        try:
            user = User.objects.filter(pk=int(pk_or_user)).first()
        except (TypeError, ValueError):
            user = None
    if user is None or not may_verify_in(user, region_code):
        raise _invalid("assignee", _("Choose a PSM who works in the request's kelurahan."))
    return user


def _due_on(due_on, today: datetime.date) -> datetime.date:
    if due_on in (None, ""):
        return task_due_date(today)
    if isinstance(due_on, str):
        try:
            due_on = datetime.date.fromisoformat(due_on)
        except ValueError:
            raise _invalid("due_on", _("Due date: enter a date as YYYY-MM-DD.")) from None
    if due_on < today:
        raise _invalid("due_on", _("Due date: choose today or a later day."))
    if due_on > today + datetime.timedelta(days=366):
        raise _invalid("due_on", _("Due date: choose a day within a year."))
    return due_on


def _audit(actor, task: VerificationTask, action: str, before: dict | None, after: dict, reason=""):
    audit_record(
        actor=actor,
        action=f"updates.task.{action}",
        obj=task,
        object_repr=str(task),
        region_code=task.region_id,
        before=before,
        after=after,
        reason=reason,
    )


def task_assign(
    *, actor, request: ChangeRequest, assignee, due_on=None, expected_version: int | None = None
) -> VerificationTask:
    """Send the submitted `request` to field verification by `assignee` (a PSM of its kelurahan),
    due `due_on` (default: task_due_date of today)."""
    require(actor, Cap.REQUEST_ASSIGN)
    today = timezone.localdate()
    with transaction.atomic():
        locked = locked_request(actor, request)
        if expected_version is not None and locked.version != expected_version:
            raise ConflictError(current_version=locked.version)
        if locked.state != RequestState.SUBMITTED:
            raise DomainError(
                _("Only a submitted request goes to field verification; this one is %(state)s.")
                % {"state": locked.get_state_display().lower()},
                code="invalid_state",
            )
        user = _assignee(assignee, locked.region_id)
        due = _due_on(due_on, today)
        request_transition(
            actor=actor, request=locked, name="send_to_verification", via=VERIFICATION
        )
        task = VerificationTask.objects.create(
            request=locked,
            region_id=locked.region_id,
            assignee=user,
            assigned_by=actor,
            due_on=due,
            created_by=actor,
            updated_by=actor,
        )
        _audit(actor, task, "assigned", None, {"assignee": user.pk, "due_on": due.isoformat()})
        notices.task_assigned(task)
    return task


def _locked_task(actor, task: VerificationTask) -> VerificationTask:
    locked = (
        VerificationTask.objects.select_for_update()
        .scoped(actor)
        .select_related("request")
        .filter(pk=task.pk)
        .first()
    )
    if locked is None:
        raise PermissionDeniedError()
    return locked


def _open(task: VerificationTask) -> None:
    if task.state != TaskState.OPEN:
        raise DomainError(
            _("This task is %(state)s; it cannot be changed.")
            % {"state": task.get_state_display().lower()},
            code="invalid_state",
        )


def task_reassign(
    *, actor, task: VerificationTask, assignee, due_on=None, reason: str = ""
) -> VerificationTask:
    """Give the open `task` to another PSM of the kelurahan (and, if given, a new due date)."""
    require(actor, Cap.REQUEST_ASSIGN)
    today = timezone.localdate()
    with transaction.atomic():
        locked = _locked_task(actor, task)
        _open(locked)
        user = _assignee(assignee, locked.region_id)
        if user.pk == locked.assignee_id:
            raise _invalid("assignee", _("This PSM has the task already; choose another one."))
        due = _due_on(due_on, today) if due_on not in (None, "") else locked.due_on
        before = {"assignee": locked.assignee_id, "due_on": locked.due_on.isoformat()}
        locked.assignee, locked.assigned_by, locked.due_on = user, actor, due
        locked.version += 1
        locked.updated_by = actor
        locked.save(
            update_fields=[
                "assignee",
                "assigned_by",
                "due_on",
                "version",
                "updated_by",
                "updated_at",
            ]
        )
        _audit(
            actor,
            locked,
            "reassigned",
            before,
            {"assignee": user.pk, "due_on": due.isoformat()},
            reason=(reason or "").strip(),
        )
        notices.task_assigned(locked)
    return locked


def _coordinates(latitude, longitude) -> tuple[dict, dict]:
    """Both or neither, in range, to 6 decimals (~10 cm): the values and the errors."""
    given = [v not in (None, "") for v in (latitude, longitude)]
    if not any(given):
        return {"latitude": None, "longitude": None}, {}
    if not all(given):
        message = _("Coordinates: give both latitude and longitude, or neither.")
        return {}, {"latitude": [message]}
    values, errors = {}, {}
    for name, raw, bound in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        try:
            value = Decimal(str(raw).strip().replace(",", ".")).quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError):
            value = None
        if value is None or not value.is_finite() or abs(value) > bound:
            errors[name] = [
                _("%(name)s: enter a number from -%(bound)s to %(bound)s.")
                % {"name": VerificationTask._meta.get_field(name).verbose_name, "bound": bound}
            ]
        values[name] = value
    return values, errors


def task_complete(
    *,
    actor,
    task: VerificationTask,
    checklist: dict,
    latitude=None,
    longitude=None,
    photos=(),
    expected_version: int | None = None,
) -> VerificationTask:
    """Record the PSM's verification: the checklist (checklist.CHECKLIST and each member's
    status), the coordinates and photos; the request is verified if the family was found, else
    it could not be verified (with the reason). Only the task's PSM completes it, once."""
    require(actor, Cap.REQUEST_VERIFY)
    checked = check_files(photos, field="photos")
    coordinates, coordinate_errors = _coordinates(latitude, longitude)
    stored = []
    try:
        with transaction.atomic():
            locked = _locked_task(actor, task)
            if locked.assignee_id != actor.pk:
                raise PermissionDeniedError(_("This task is assigned to another PSM."))
            if expected_version is not None and locked.version != expected_version:
                raise ConflictError(current_version=locked.version)
            _open(locked)
            values, errors = clean_checklist(locked, checklist or {})
            errors.update(coordinate_errors)  # every problem of the form at once
            has_photo = checked or locked.photos.exists()
            if values.get("found") and not has_photo:
                errors.setdefault("photos", []).append(_("Photos: add at least one photo."))
            if errors:
                raise ValidationFailed(errors)
            now = timezone.now()
            for name, value in values.items():
                setattr(locked, name, value)
            locked.latitude, locked.longitude = coordinates["latitude"], coordinates["longitude"]
            locked.state = TaskState.DONE
            locked.completed_at = now
            locked.version += 1
            locked.updated_by = actor
            locked.save(
                update_fields=[
                    *values,
                    "latitude",
                    "longitude",
                    "state",
                    "completed_at",
                    "version",
                    "updated_by",
                    "updated_at",
                ]
            )
            stored = store_evidence(request=locked.request, files=checked, actor=actor, task=locked)
            if values["found"]:
                request_transition(
                    actor=actor, request=locked.request, name="verify", via=VERIFICATION
                )
            else:
                reason = str(locked.get_not_found_reason_display())
                if values.get("note"):
                    reason = f"{reason}: {values['note']}"
                request_transition(
                    actor=actor,
                    request=locked.request,
                    name="mark_not_verifiable",
                    reason=reason,
                    via=VERIFICATION,
                )
            _audit(
                actor,
                locked,
                "completed",
                {"state": TaskState.OPEN},
                {
                    **{k: _plain(values[k]) for k in (*CHECKLIST, "member_statuses")},
                    "state": TaskState.DONE,
                    "latitude": _plain(locked.latitude),
                    "longitude": _plain(locked.longitude),
                    "photos": len(stored),
                },
            )
    except BaseException:
        discard(stored)
        raise
    return locked


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def task_add_photos(*, actor, task: VerificationTask, photos) -> list:
    """Add photos to the PSM's open task before he completes it (a phone sends them one by one
    when the connection is weak); the same checks and limits as every evidence file."""
    require(actor, Cap.REQUEST_VERIFY)
    checked = check_files(photos, field="photos")
    if not checked:
        raise _invalid("photos", _("Photos: add at least one photo."))
    stored = []
    try:
        with transaction.atomic():
            locked = _locked_task(actor, task)
            if locked.assignee_id != actor.pk:
                raise PermissionDeniedError(_("This task is assigned to another PSM."))
            _open(locked)
            stored = store_evidence(request=locked.request, files=checked, actor=actor, task=locked)
            _audit(actor, locked, "photos_added", None, {"photos": [e.sha256 for e in stored]})
    except BaseException:
        discard(stored)
        raise
    return stored
