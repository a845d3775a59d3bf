"""Field verification endpoints: the caller's tasks or his area's, a task, sending a submitted
request to a PSM, reassigning, adding photos and completing. The same services and selectors as
the pages; the checklist's properties are the model's (checklist.CHECKLIST)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from annotated_types import Ge, Le
from django.db import models
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from pydantic import create_model

from padu.accounts.capabilities import Cap
from padu.core.schemas import (
    DETAIL_ERRORS,
    WRITE_ERRORS,
    PageParams,
    RecordId,
    Version,
)
from padu.core.scoping import require
from padu.registry.schemas import RegionOut

from . import selectors as request_selectors
from . import verification_selectors as selectors
from .checklist import checklist_fields, checklist_members
from .codes import MemberPresence, TaskState
from .services import verification as services

router = Router(tags=[gettext_noop("verification")])


def _answer_type(field: models.Field) -> tuple[Any, Any]:
    # Built at import, in whatever language is active then: the document is in English always.
    with translation.override("en"):
        description = str(field.verbose_name)
    if field.choices:
        description += ": " + ", ".join(f"`{v}`" for v, _label in field.flatchoices if v != "")
    if isinstance(field, models.BooleanField):
        return bool | None, Field(None, description=description)
    return str, Field("", max_length=field.max_length or 2000, description=description)


# The checklist's answers as the API takes them, one property per field of checklist.CHECKLIST.
ChecklistIn = create_model(
    "ChecklistIn",
    __base__=Schema,
    **{f.name: _answer_type(f) for f in checklist_fields()},
)

MemberKey = Annotated[str, Field(max_length=20)]


class TaskFilters(PageParams):
    mine: bool = Field(False, description="Only the tasks assigned to the caller.")
    state: TaskState | None = None
    due: str | None = Field(
        None, pattern="^(overdue|due_soon)$", description="`overdue` or `due_soon`."
    )


class PersonRef(Schema):
    id: int
    name: str


class ChecklistMemberOut(Schema):
    key: str = Field(description="A registered member's id, or `new-<n>` for a proposed one.")
    name: str


class RequestRef(Schema):
    id: int
    receipt: str
    kind: str
    state: str


class TaskOut(Schema):
    id: int
    request: RequestRef
    kelurahan: RegionOut
    assignee: PersonRef
    due_on: datetime.date
    state: TaskState
    overdue: bool
    answers: dict[str, Any] = Field(description="The checklist's answers (checklist.CHECKLIST).")
    member_statuses: dict[str, int]
    members: list[ChecklistMemberOut] = Field(description="Whose status the checklist asks.")
    latitude: Decimal | None
    longitude: Decimal | None
    photos: int
    completed_at: datetime.datetime | None
    version: int


class TaskPageOut(Schema):
    count: int
    items: list[TaskOut]


class AssignIn(Schema):
    assignee: RecordId = Field(description="The PSM's user id.")
    due_on: datetime.date | None = Field(None, description="Empty: the office's usual period.")
    version: Version | None = Field(None, description="The request's version as read.")


class ReassignIn(Schema):
    assignee: RecordId
    due_on: datetime.date | None = None
    reason: str = Field("", max_length=500)


class CompleteIn(ChecklistIn):
    member_statuses: dict[MemberKey, MemberPresence] = Field(
        default_factory=dict, description="Each member's status, by the member key of `members`."
    )
    latitude: Annotated[Decimal, Ge(-90), Le(90)] | None = None
    longitude: Annotated[Decimal, Ge(-180), Le(180)] | None = None
    version: Version | None = Field(None, description="The task's version as read.")


def _out(task) -> dict:
    return {
        "id": task.pk,
        "request": {
            "id": task.request_id,
            "receipt": task.request.receipt,
            "kind": task.request.kind,
            "state": task.request.state,
        },
        "kelurahan": {"code": task.region.code, "name": task.region.name},
        "assignee": {"id": task.assignee_id, "name": str(task.assignee)},
        "due_on": task.due_on,
        "state": task.state,
        "overdue": task.state == TaskState.OPEN and task.due_on < timezone.localdate(),
        "answers": {f.name: getattr(task, f.name) for f in checklist_fields()},
        "member_statuses": task.member_statuses or {},
        "members": [{"key": m.key, "name": m.name} for m in checklist_members(task)],
        "latitude": task.latitude,
        "longitude": task.longitude,
        "photos": task.photos.count(),
        "completed_at": task.completed_at,
        "version": task.version,
    }


def _task(user, pk: int):
    task = selectors.task_get(user=user, pk=pk)
    if task is None:
        raise Http404
    return task


@router.get(
    "/verification/tasks",
    response={200: TaskPageOut, **DETAIL_ERRORS},
    operation_id="task_list",
    summary=gettext_noop("List verification tasks"),
)
def task_list(request, filters: Query[TaskFilters]):
    """The caller's own tasks (`mine`) or his area's, open ones first by due date."""
    require(request.auth, Cap.REQUEST_VIEW)
    values = filters.model_dump(exclude_none=True)
    qs = selectors.task_list(user=request.auth, mine=values.pop("mine", False), filters=values)
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [_out(t) for t in items]}


@router.get(
    "/verification/tasks/{pk}",
    response={200: TaskOut, **DETAIL_ERRORS},
    operation_id="task_detail",
    summary=gettext_noop("One verification task"),
)
def task_detail(request, pk: RecordId):
    """The task with its checklist's answers and the members whose status it asks."""
    require(request.auth, Cap.REQUEST_VIEW)
    return _out(_task(request.auth, pk))


@router.post(
    "/verification/requests/{pk}/task",
    response={201: TaskOut, **WRITE_ERRORS},
    operation_id="task_assign",
    summary=gettext_noop("Send a request to field verification"),
)
def task_assign(request, pk: RecordId, payload: AssignIn):
    """Assign the submitted request to a PSM of its kelurahan (TKSK, Dinsos operator)."""
    require(request.auth, Cap.REQUEST_ASSIGN)
    change = request_selectors.request_get(user=request.auth, pk=pk)
    if change is None:
        raise Http404
    task = services.task_assign(
        actor=request.auth,
        request=change,
        assignee=payload.assignee,
        due_on=payload.due_on,
        expected_version=payload.version,
    )
    return Status(201, _out(_task(request.auth, task.pk)))


@router.post(
    "/verification/tasks/{pk}/reassign",
    response={200: TaskOut, **WRITE_ERRORS},
    operation_id="task_reassign",
    summary=gettext_noop("Give a task to another PSM"),
)
def task_reassign(request, pk: RecordId, payload: ReassignIn):
    """Reassign an open task within the kelurahan (TKSK, Dinsos operator)."""
    require(request.auth, Cap.REQUEST_ASSIGN)
    services.task_reassign(
        actor=request.auth,
        task=_task(request.auth, pk),
        assignee=payload.assignee,
        due_on=payload.due_on,
        reason=payload.reason,
    )
    return _out(_task(request.auth, pk))


@router.post(
    "/verification/tasks/{pk}/photos",
    response={200: TaskOut, **WRITE_ERRORS},
    operation_id="task_photos",
    summary=gettext_noop("Add photos to a task"),
)
def task_photos(request, pk: RecordId, photos: File[list[UploadedFile]]):
    """The assigned PSM adds photos (multipart `photos`) before completing."""
    require(request.auth, Cap.REQUEST_VERIFY)
    services.task_add_photos(actor=request.auth, task=_task(request.auth, pk), photos=photos)
    return _out(_task(request.auth, pk))


@router.post(
    "/verification/tasks/{pk}/complete",
    response={200: TaskOut, **WRITE_ERRORS},
    operation_id="task_complete",
    summary=gettext_noop("Complete a verification task"),
)
def task_complete(request, pk: RecordId, payload: CompleteIn):
    """The assigned PSM records the checklist and coordinates; the request becomes verified, or
    not verifiable if the family was not found."""
    require(request.auth, Cap.REQUEST_VERIFY)
    sent = payload.model_dump()
    services.task_complete(
        actor=request.auth,
        task=_task(request.auth, pk),
        checklist={
            **{f.name: sent[f.name] for f in checklist_fields()},
            "member_statuses": {k: int(v) for k, v in sent["member_statuses"].items()},
        },
        latitude=payload.latitude,
        longitude=payload.longitude,
        expected_version=payload.version,
    )
    return _out(_task(request.auth, pk))
