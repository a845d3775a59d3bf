"""The beneficiary pages: the list (from verified on), one beneficiary's page (his field checks,
decree, benefits, overlap flags, history, and the forms of what may be done next), a proof's
file, the programs on a person's or a family's page, and the disbursement report (CSV/XLSX)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.audit import access_record, export_recorded
from padu.core.exports import Table, dated_filename, export_response, requested_format
from padu.core.htmx import querystring_without_page, redirect_after_post
from padu.core.scoping import has_capability
from padu.registry import selectors as registry
from padu.registry.disclosure import Disclosure
from padu.registry.views.editing import error_summary, form_service

from .. import benefit_selectors as selectors
from ..exports import disbursement_table
from ..forms import posted_version
from ..lifecycle import allowed_for
from ..lookup import in_area
from ..models import TrainingCourse
from ..overlaps import overlaps
from ..services import benefits, field_checks, lifecycle
from .forms import (
    BeneficiaryFilter,
    DisbursementFilter,
    DisbursementForm,
    FieldCheckForm,
    HandoverForm,
    PackageForm,
    TransitionForm,
)


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def beneficiary_list(request):
    filters = BeneficiaryFilter(request.GET or None)
    given = filters.cleaned_data if filters.is_valid() else {}
    program = given.get("program")
    rows = selectors.beneficiary_list(
        user=request.user, program=program.pk if program else None, state=given.get("state", "")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/beneficiary_list.html",
        {
            "filters": filters,
            "page": page,
            "query": querystring_without_page(request),
        },
    )


def _courses(candidate):
    """The courses of his program the beneficiary completed (their equipment may be his).
    Unscoped: bounded by the beneficiary, whom the caller already sees."""
    return TrainingCourse.objects.unscoped().filter(
        program_id=candidate.cohort.program_id,
        participants__candidate=candidate,
        participants__completed=True,
    )


def _detail(request, candidate, *, forms=None, status=200):
    forms = forms or {}
    user = request.user
    may_manage = has_capability(user, Cap.BENEFIT_MANAGE)
    context = {
        "candidate": candidate,
        "identifier": Disclosure(user).number(
            candidate.person.nik if candidate.person else candidate.family.kk_number
        ),
        "overlaps": overlaps([candidate]).get(candidate.pk, []),
        "history": selectors.beneficiary_history(candidate)[:50],
        # Reject is the field check's (a failed check rejects), so the page offers the rest.
        "transitions": [t for t in allowed_for(user, candidate.state) if t.name != "reject"]
        if may_manage
        else [],
        "transition_form": forms.get("transition") or TransitionForm(),
        "may_check": has_capability(user, Cap.PROGRAM_VERIFY) and candidate.state == "candidate",
        "may_manage": may_manage and candidate.state in ("enrolled", "delivered"),
        "check_form": forms.get("check") or FieldCheckForm(),
        "pay_form": forms.get("pay") or DisbursementForm(),
        "package_form": forms.get("package") or PackageForm(courses=_courses(candidate)),
        "handover_form": forms.get("handover") or HandoverForm(),
        "errors": error_summary([("", f) for f in forms.values()]),
        **selectors.beneficiary_benefits(user=user, candidate=candidate),
    }
    return render(request, "programs/beneficiary_detail.html", context, status=status)


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def beneficiary_detail(request, pk: int):
    candidate = in_area(selectors.beneficiary_get, request.user, pk)
    access_record(
        user=request.user,
        obj=candidate,
        region_code=candidate.region_id,
        purpose="program_beneficiary",
        request=request,
    )
    return _detail(request, candidate)


def _done(request, candidate, form, key: str, call, text: str):
    """One of the beneficiary page's forms: checked, then `call(cleaned_data)` (the service);
    an invalid form or a refusal shows the page again with the form's errors (400)."""
    if not form.is_valid():
        return _detail(request, candidate, forms={key: form}, status=400)
    done, _result = form_service(form, lambda: call(form.cleaned_data))
    if done:
        messages.success(request, text)
        return redirect_after_post(request, reverse("beneficiaries:detail", args=[candidate.pk]))
    return _detail(
        request,
        in_area(selectors.beneficiary_get, request.user, candidate.pk),
        forms={key: form},
        status=400,
    )


@login_required
@capability_required(Cap.PROGRAM_VERIFY)
@require_POST
def field_check(request, pk: int):
    candidate = in_area(selectors.beneficiary_get, request.user, pk)
    form = FieldCheckForm(request.POST, request.FILES)
    return _done(
        request,
        candidate,
        form,
        "check",
        lambda d: field_checks.field_check_record(
            actor=request.user,
            candidate=candidate,
            checked_on=d["checked_on"],
            found=d["found"],
            conditions_met=d["conditions_met"],
            willing=d["willing"],
            note=d["note"],
            photos=request.FILES.getlist("photos"),
            expected_version=posted_version(request),
        ),
        _("The field check is recorded."),
    )


@login_required
@capability_required(Cap.BENEFIT_MANAGE)
@require_POST
def transition(request, pk: int):
    candidate = in_area(selectors.beneficiary_get, request.user, pk)
    form = TransitionForm(request.POST)
    return _done(
        request,
        candidate,
        form,
        "transition",
        lambda d: lifecycle.candidate_transition(
            actor=request.user,
            candidate=candidate,
            name=d["name"],
            reason=d["reason"],
            exit_reason=d["exit_reason"],
            expected_version=posted_version(request),
        ),
        _("The beneficiary's state is changed."),
    )


@login_required
@capability_required(Cap.BENEFIT_MANAGE)
@require_POST
def disburse(request, pk: int):
    candidate = in_area(selectors.beneficiary_get, request.user, pk)
    form = DisbursementForm(request.POST, request.FILES)
    return _done(
        request,
        candidate,
        form,
        "pay",
        lambda d: benefits.disbursement_record(
            actor=request.user,
            candidate=candidate,
            amount=d["amount"],
            paid_on=d["paid_on"],
            channel=d["channel"],
            reference=d["reference"],
            note=d["note"],
            proofs=request.FILES.getlist("proofs"),
            expected_version=posted_version(request),
        ),
        _("The disbursement is recorded."),
    )


@login_required
@capability_required(Cap.BENEFIT_MANAGE)
@require_POST
def package(request, pk: int):
    candidate = in_area(selectors.beneficiary_get, request.user, pk)
    courses = list(_courses(candidate))
    form = PackageForm(request.POST, courses=courses)
    return _done(
        request,
        candidate,
        form,
        "package",
        lambda d: benefits.package_record(
            actor=request.user,
            candidate=candidate,
            items=form.items(),
            course=next((c for c in courses if str(c.pk) == d["course"]), None),
            note=d["note"],
            expected_version=posted_version(request),
        ),
        _("The equipment package is recorded; hand it over with a photo."),
    )


@login_required
@capability_required(Cap.BENEFIT_MANAGE)
@require_POST
def handover(request, pk: int):
    found = in_area(selectors.package_get, request.user, pk)
    candidate = in_area(selectors.beneficiary_get, request.user, found.candidate_id)
    form = HandoverForm(request.POST, request.FILES)
    return _done(
        request,
        candidate,
        form,
        "handover",
        lambda d: benefits.package_hand_over(
            actor=request.user,
            package=found,
            handed_over_on=d["handed_over_on"],
            photos=request.FILES.getlist("photos"),
            expected_version=posted_version(request),
        ),
        _("The handover is recorded."),
    )


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def proof(request, pk: int):
    found = in_area(selectors.proof_get, request.user, pk)
    access_record(
        user=request.user,
        obj=found,
        region_code=found.region_id,
        purpose="program_proof",
        request=request,
    )
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = f'inline; filename="{found.sha256[:16]}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _programs_fragment(request, candidacies):
    candidacies = list(candidacies)
    flagged = overlaps(candidacies)
    return render(
        request,
        "programs/partials/_subject_programs.html",
        {"rows": [(c, flagged.get(c.pk, [])) for c in candidacies]},
    )


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def person_programs(request, pk: int):
    """The programs section of a person's page (loaded into it by htmx)."""
    person = registry.person_get(user=request.user, pk=pk)
    return _programs_fragment(request, selectors.subject_programs(user=request.user, person=person))


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def family_programs(request, pk: int):
    family = registry.family_get(user=request.user, pk=pk)
    return _programs_fragment(request, selectors.subject_programs(user=request.user, family=family))


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def disbursement_report(request):
    filters = DisbursementFilter(request.GET or None)
    given = filters.cleaned_data if filters.is_valid() else {}
    program = given.get("program")
    rows = selectors.disbursement_list(
        user=request.user,
        program=program.pk if program else None,
        year=given.get("year"),
        channel=given.get("channel", ""),
    )
    if "format" in request.GET:
        file_format = requested_format(request)
        table = disbursement_table(rows, request.user)
        listed = list(table.rows)
        export_recorded(
            actor=request.user,
            action="programs.disbursement.exported",
            object_type="programs.disbursement",
            object_repr=_("Disbursement report"),
            region_code="",
            filters={k: str(v) for k, v in given.items() if v},
            file_format=file_format,
            rows=len(listed),
        )
        table = Table(table.header, listed, title=table.title)
        return export_response(file_format, dated_filename("padu-penyaluran"), table)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/disbursement_list.html",
        {"filters": filters, "page": page, "query": querystring_without_page(request)},
    )
