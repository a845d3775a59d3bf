"""The field verification pages: a PSM's "Tugas saya", the area's tasks (a TKSK's kecamatan: what
is overdue, each PSM's load; filtered and downloadable), a task (the checklist for its PSM, the
reassignment for a TKSK), and sending a submitted request to a PSM."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.audit import export_recorded
from padu.core.errors import DomainError, ValidationFailed
from padu.core.exports import Table, dated_filename, export_response, requested_format
from padu.core.htmx import querystring_without_page, redirect_after_post, render_page_or_partial
from padu.core.scoping import scope_codes
from padu.regions.selectors import common_region

from . import verification_selectors as selectors
from .checklist import checklist_fields, checklist_members
from .codes import MemberPresence, TaskState
from .services import verification as services
from .verification_forms import AssignForm, ChecklistForm, ReassignForm, TaskFilterForm

PER_PAGE = 50


def _filters(request):
    form = TaskFilterForm(request.GET, user=request.user)
    return form, (form.cleaned_data if form.is_valid() else {})


def _list_page(request, *, mine: bool, template: str, extra: dict):
    form, filters = _filters(request)
    tasks = selectors.task_list(user=request.user, mine=mine, filters=filters)
    page = Paginator(tasks, PER_PAGE).get_page(request.GET.get("page"))
    return render_page_or_partial(
        request,
        template,
        "updates/verification/partials/_task_rows.html",
        {
            "form": form,
            "page": page,
            "mine": mine,
            "filtered": any(filters.values()),
            "querystring": querystring_without_page(request),
            "counts": selectors.task_counts(user=request.user, mine=mine),
            "today": timezone.localdate(),
            **extra,
        },
    )


@login_required
@capability_required(Cap.REQUEST_VERIFY)
@require_GET
def my_tasks(request):
    return _list_page(request, mine=True, template="updates/verification/my_tasks.html", extra={})


@login_required
@capability_required(Cap.REQUEST_ASSIGN)
@require_GET
def task_list(request):
    return _list_page(
        request,
        mine=False,
        template="updates/verification/task_list.html",
        extra={
            "load": selectors.psm_load(user=request.user),
            "waiting": selectors.requests_awaiting_task(user=request.user)[:20],
        },
    )


@login_required
@capability_required(Cap.REQUEST_ASSIGN)
@require_GET
def task_export(request):
    _form, filters = _filters(request)
    tasks = selectors.task_list(user=request.user, filters=filters)
    file_format = requested_format(request)
    answers = checklist_fields()
    export_recorded(
        actor=request.user,
        action="updates.task.exported",
        object_type="updates.verificationtask",
        object_repr=_("Verification tasks"),
        region_code=common_region(scope_codes(request.user)),
        filters={k: str(v) for k, v in filters.items() if v},
        file_format=file_format,
        rows=tasks.count(),
    )
    header = [
        _("Receipt number"),
        _("Kelurahan"),
        _("PSM"),
        _("Due date"),
        _("State"),
        _("Completed at"),
        *[str(f.verbose_name) for f in answers],
        _("Latitude"),
        _("Longitude"),
    ]
    rows = (
        [
            t.request.receipt,
            t.region.name,
            str(t.assignee),
            t.due_on,
            t.get_state_display(),
            t.completed_at,
            *[_display(t, f) for f in answers],
            t.latitude,
            t.longitude,
        ]
        for t in tasks.iterator(chunk_size=2000)
    )
    return export_response(
        file_format,
        dated_filename("padu-tugas-verifikasi"),
        Table(header, rows, title=_("Verification tasks")),
    )


def _display(task, field):
    value = getattr(task, field.name)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return value


def _task_or_404(request, pk):
    task = selectors.task_get(user=request.user, pk=pk)
    if task is None:
        raise Http404
    return task


def _task_page(request, task, *, form=None, reassign=None, errors=(), status=200):
    user = request.user
    may_complete = (
        task.state == TaskState.OPEN
        and task.assignee_id == user.pk
        and user.has_capability(Cap.REQUEST_VERIFY)
    )
    may_reassign = task.state == TaskState.OPEN and user.has_capability(Cap.REQUEST_ASSIGN)
    if may_complete and form is None:
        form = ChecklistForm(task=task)
    if may_reassign and reassign is None:
        reassign = ReassignForm(region_code=task.region_id)
    statuses = {m.key: m for m in checklist_members(task)}
    context = {
        "task": task,
        "form": form if may_complete else None,
        "reassign": reassign if may_reassign else None,
        "errors": errors,
        "answers": [(f.verbose_name, _display(task, f)) for f in checklist_fields()],
        "member_statuses": [
            (statuses[k].name if k in statuses else k, MemberPresence(v).label)
            for k, v in (task.member_statuses or {}).items()
        ],
        "photos": list(task.photos.all()),
        "keep_key": f"padu-task-{task.pk}",
    }
    return render_page_or_partial(
        request,
        "updates/verification/task_detail.html",
        "updates/verification/partials/_checklist_form.html",
        context,
        status=status,
    )


@login_required
@capability_required(Cap.REQUEST_VIEW)
@require_GET
def task_detail(request, pk: int):
    return _task_page(request, _task_or_404(request, pk))


def _messages_of(exc: DomainError) -> list[str]:
    if isinstance(exc, ValidationFailed):
        return [str(m) for texts in exc.errors.values() for m in texts]
    return [str(exc)]


@login_required
@capability_required(Cap.REQUEST_VERIFY)
@require_POST
def task_complete(request, pk: int):
    task = _task_or_404(request, pk)
    form = ChecklistForm(request.POST, request.FILES, task=task)
    try:
        services.task_complete(
            actor=request.user,
            task=task,
            checklist=form.answers(),
            latitude=request.POST.get("latitude"),
            longitude=request.POST.get("longitude"),
            photos=request.FILES.getlist("photos"),
            expected_version=_version(request),
        )
    except DomainError as exc:
        # An htmx request swaps the form with its messages (htmx swaps no 4xx answer); the values
        # sent are in the form again, and the phone's copy stays until this succeeds.
        status = 200 if getattr(request, "htmx", False) else 400
        return _task_page(request, task, form=form, errors=_messages_of(exc), status=status)
    messages.success(request, _("The verification is recorded."))
    return redirect_after_post(
        request, reverse("verification:my_tasks") + f"?sent=padu-task-{task.pk}"
    )


def _version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
@capability_required(Cap.REQUEST_ASSIGN)
@require_POST
def task_reassign(request, pk: int):
    task = _task_or_404(request, pk)
    form = ReassignForm(request.POST, region_code=task.region_id)
    try:
        services.task_reassign(
            actor=request.user,
            task=task,
            assignee=request.POST.get("assignee"),
            due_on=request.POST.get("due_on") or None,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        return _task_page(request, task, reassign=form, errors=_messages_of(exc), status=400)
    messages.success(request, _("The task is given to another PSM."))
    return redirect_after_post(request, reverse("verification:task_detail", args=[task.pk]))


@login_required
@capability_required(Cap.REQUEST_ASSIGN)
@require_http_methods(["GET", "POST"])
def task_assign(request, request_pk: int):
    change = selectors.request_for_assignment(user=request.user, pk=request_pk)
    if change is None:
        raise Http404
    form = AssignForm(request.POST or None, region_code=change.region_id)
    errors, status = [], 200
    if request.method == "POST":
        try:
            task = services.task_assign(
                actor=request.user,
                request=change,
                assignee=request.POST.get("assignee"),
                due_on=request.POST.get("due_on") or None,
            )
        except DomainError as exc:
            errors, status = _messages_of(exc), 400
        else:
            messages.success(request, _("The request is sent to field verification."))
            return redirect_after_post(request, reverse("verification:task_detail", args=[task.pk]))
    return render(
        request,
        "updates/verification/task_assign.html",
        {"change": change, "form": form, "errors": errors},
        status=status,
    )
