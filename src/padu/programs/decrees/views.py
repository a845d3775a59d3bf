"""The decree pages: the list (CSV/XLSX), preparing a cohort's decree, a decree's page with its
beneficiaries and their overlap flags, approving or cancelling it, its PDF and its beneficiary
list (CSV/XLSX)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.audit import access_record, export_recorded
from padu.core.exports import Table, dated_filename, export_response, requested_format
from padu.core.htmx import querystring_without_page, redirect_after_post
from padu.core.scoping import has_capability
from padu.registry.disclosure import Disclosure
from padu.registry.views.editing import error_summary, form_service

from .. import benefit_selectors as selectors
from ..benefit_codes import DecreeState
from ..decree import beneficiary_row, decree_awards, decree_pdf, in_words
from ..exports import decree_beneficiaries_table, decree_list_table
from ..forms import posted_version
from ..lookup import in_area
from ..models import Cohort
from ..overlaps import overlaps
from ..selectors import cohort_get
from ..services import decrees as services
from .forms import CancelForm, DecreeFilter, DecreeForm


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def decree_list(request):
    filters = DecreeFilter(request.GET or None)
    given = filters.cleaned_data if filters.is_valid() else {}
    program = given.get("program")
    decrees = selectors.decree_list(
        user=request.user, program=program.pk if program else None, state=given.get("state", "")
    )
    if "format" in request.GET:
        file_format = requested_format(request)
        table = decree_list_table(decrees)
        rows = list(table.rows)
        export_recorded(
            actor=request.user,
            action="programs.decree.list_exported",
            object_type="programs.beneficiarydecree",
            object_repr=str(table.title),
            region_code="",
            filters={k: str(v) for k, v in given.items() if v},
            file_format=file_format,
            rows=len(rows),
        )
        table = Table(table.header, rows, title=table.title)
        return export_response(file_format, dated_filename("padu-sk-penerima"), table)
    page = Paginator(decrees, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "programs/decree_list.html",
        {
            "filters": filters,
            "page": page,
            "query": querystring_without_page(request),
            "cohorts": Cohort.objects.scoped(request.user).select_related("program")[:50]
            if has_capability(request.user, Cap.BENEFIT_MANAGE)
            else [],
        },
    )


@login_required
@capability_required(Cap.BENEFIT_MANAGE)
@require_http_methods(["GET", "POST"])
def decree_new(request, cohort: int):
    found = in_area(cohort_get, request.user, cohort)
    initial = {
        "place": settings.PADU_OFFICE_GOVERNMENT.replace("Pemerintah ", ""),
        "signer_function": _("Head of %(office)s") % {"office": settings.PADU_OFFICE_NAME},
    }
    form = DecreeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done, decree = form_service(
            form,
            lambda: services.decree_prepare(
                actor=request.user, cohort=found, expected_version=posted_version(request), **d
            ),
        )
        if done:
            messages.success(request, _("The draft decree is prepared; a leader approves it."))
            return redirect_after_post(request, reverse("decrees:detail", args=[decree.pk]))
    return render(
        request,
        "programs/decree_new.html",
        {"form": form, "cohort": found, "errors": error_summary([("", form)])},
        status=400 if form.is_bound and form.errors else 200,
    )


def _detail(request, decree, *, forms=None, status=200):
    forms = forms or {}
    awards = list(decree_awards(decree))
    flagged = overlaps([a.candidate for a in awards])
    show = Disclosure(request.user)
    draft = decree.state == DecreeState.DRAFT
    return render(
        request,
        "programs/decree_detail.html",
        {
            "decree": decree,
            "lines": [
                (a, beneficiary_row(a, show), flagged.get(a.candidate_id, [])) for a in awards
            ],
            "flagged": sum(1 for a in awards if a.candidate_id in flagged),
            "total": sum(a.amount for a in awards),
            "amount_words": in_words(decree.amount),
            "may_approve": draft and has_capability(request.user, Cap.DECREE_APPROVE),
            "may_cancel": draft and has_capability(request.user, Cap.BENEFIT_MANAGE),
            "cancel_form": forms.get("cancel") or CancelForm(),
            "errors": error_summary([("", f) for f in forms.values()]),
        },
        status=status,
    )


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def decree_detail(request, pk: int):
    decree = in_area(selectors.decree_get, request.user, pk)
    access_record(
        user=request.user,
        obj=decree,
        region_code=decree.region_id,
        purpose="program_decree",
        request=request,
    )
    return _detail(request, decree)


@login_required
@capability_required(Cap.DECREE_APPROVE)
@require_POST
def decree_approve(request, pk: int):
    decree = in_area(selectors.decree_get, request.user, pk)
    form = Form({})
    done, _result = form_service(
        form,
        lambda: services.decree_approve(
            actor=request.user, decree=decree, expected_version=posted_version(request)
        ),
    )
    if done:
        messages.success(request, _("The decree is approved; its beneficiaries are approved."))
        return redirect_after_post(request, reverse("decrees:detail", args=[pk]))
    return _detail(
        request,
        in_area(selectors.decree_get, request.user, pk),
        forms={"approve": form},
        status=400,
    )


@login_required
@capability_required(Cap.BENEFIT_MANAGE)
@require_POST
def decree_cancel(request, pk: int):
    decree = in_area(selectors.decree_get, request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        done, _result = form_service(
            form,
            lambda: services.decree_cancel(
                actor=request.user,
                decree=decree,
                reason=form.cleaned_data["reason"],
                expected_version=posted_version(request),
            ),
        )
        if done:
            messages.success(request, _("The draft decree is cancelled."))
            return redirect_after_post(request, reverse("decrees:detail", args=[pk]))
    return _detail(
        request, in_area(selectors.decree_get, request.user, pk), forms={"cancel": form}, status=400
    )


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def decree_document(request, pk: int):
    decree = in_area(selectors.decree_get, request.user, pk)
    pdf = decree_pdf(decree, request.user)
    access_record(
        user=request.user,
        obj=decree,
        region_code=decree.region_id,
        purpose="program_decree_pdf",
        request=request,
        rows=decree.awards.count(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"sk-penerima-{decree.pk}-{decree.decided_on:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def decree_export(request, pk: int):
    decree = in_area(selectors.decree_get, request.user, pk)
    file_format = requested_format(request)
    table = decree_beneficiaries_table(decree, request.user)
    rows = list(table.rows)
    export_recorded(
        actor=request.user,
        action="programs.decree.exported",
        object_type="programs.beneficiarydecree",
        object_repr=str(decree),
        region_code=decree.region_id,
        filters={"decree": decree.pk},
        file_format=file_format,
        rows=len(rows),
        full_numbers=Disclosure.for_export(request.user).full,
    )
    access_record(
        user=request.user,
        obj=decree,
        region_code=decree.region_id,
        purpose="program_decree_export",
        request=request,
        rows=len(rows),
    )
    table = Table(table.header, rows, title=table.title)
    return export_response(file_format, dated_filename(f"padu-sk-{decree.pk}-penerima"), table)
