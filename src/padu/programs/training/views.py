"""The training pages: the list of courses, a new course, a course's page (participants with
their attendance, the candidates who may join) and its actions (add a participant, record a
day's attendance, complete a participant with his certificate)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.htmx import redirect_after_post
from padu.core.scoping import has_capability
from padu.registry.views.editing import error_summary, form_service

from .. import benefit_selectors as selectors
from ..benefit_codes import CourseState
from ..forms import posted_version
from ..lookup import in_area
from ..models import Candidate, TrainingParticipant
from ..services import training as services
from .forms import AttendanceForm, CompleteForm, CourseForm


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def course_list(request):
    page = Paginator(selectors.course_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/course_list.html",
        {"page": page, "may_manage": has_capability(request.user, Cap.BENEFIT_MANAGE)},
    )


@login_required
@capability_required(Cap.BENEFIT_MANAGE)
@require_http_methods(["GET", "POST"])
def course_new(request):
    form = CourseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done, course = form_service(form, lambda: services.course_create(actor=request.user, **d))
        if done:
            messages.success(request, _("The course is created; add its participants."))
            return redirect_after_post(request, reverse("training:detail", args=[course.pk]))
    return render(
        request,
        "programs/course_new.html",
        {"form": form, "errors": error_summary([("", form)])},
        status=400 if form.is_bound and form.errors else 200,
    )


def _detail(request, course, *, forms=None, status=200):
    forms = forms or {}
    user = request.user
    may_manage = has_capability(user, Cap.BENEFIT_MANAGE) and course.state != CourseState.FINISHED
    participants = list(selectors.course_participants(user=user, course=course))
    today = timezone.localdate()
    day = min(max(today, course.starts_on), course.ends_on)
    return render(
        request,
        "programs/course_detail.html",
        {
            "course": course,
            "participants": participants,
            "candidates": selectors.course_candidates(user=user, course=course)[:100]
            if may_manage
            else [],
            "may_manage": may_manage,
            "attendance_form": forms.get("attendance") or AttendanceForm(initial={"day": day}),
            "complete_form": forms.get("complete")
            or CompleteForm(initial={"completed_on": max(today, course.ends_on)}),
            "errors": error_summary([("", f) for f in forms.values()]),
        },
        status=status,
    )


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def course_detail(request, pk: int):
    return _detail(request, in_area(selectors.course_get, request.user, pk))


def _int(value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


@login_required
@capability_required(Cap.BENEFIT_MANAGE)
@require_POST
def course_action(request, pk: int):
    course = in_area(selectors.course_get, request.user, pk)
    action = request.POST.get("action", "")
    # The course's version for its participants and attendance, a participant's to complete him.
    version = posted_version(request)
    if action == "participant":
        candidate = (
            Candidate.objects.scoped(request.user)
            .filter(pk=_int(request.POST.get("candidate", "")))
            .first()
        )
        if candidate is None:
            raise Http404
        form, key = Form({}), "participant"

        def call():
            return services.course_participant_add(
                actor=request.user, course=course, candidate=candidate, expected_version=version
            )

        text = _("The participant is added.")
    elif action == "attendance":
        form, key = AttendanceForm(request.POST), "attendance"
        if not form.is_valid():
            return _detail(request, course, forms={key: form}, status=400)
        present = [_int(v) for v in request.POST.getlist("present")]

        def call():
            return services.attendance_record(
                actor=request.user,
                course=course,
                day=form.cleaned_data["day"],
                present_ids=present,
                expected_version=version,
            )

        text = _("The day's attendance is recorded.")
    elif action == "complete":
        form, key = CompleteForm(request.POST), "complete"
        if not form.is_valid():
            return _detail(request, course, forms={key: form}, status=400)
        d = form.cleaned_data
        participant = (
            TrainingParticipant.objects.scoped(request.user)
            .filter(course=course, pk=d["participant"])
            .first()
        )
        if participant is None:
            raise Http404

        def call():
            return services.participant_complete(
                actor=request.user,
                participant=participant,
                certificate_number=d["certificate_number"],
                completed_on=d["completed_on"],
                expected_version=version,
            )

        text = _("The participant has completed the course.")
    else:
        raise Http404
    done, _result = form_service(form, call)
    if done:
        messages.success(request, text)
        return redirect_after_post(request, reverse("training:detail", args=[course.pk]))
    return _detail(
        request, in_area(selectors.course_get, request.user, pk), forms={key: form}, status=400
    )
