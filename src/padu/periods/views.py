"""The periods pages: the list (filters, download), closing (a confirmation page), a period's
summary with the close's live progress, reopening (a confirmation with the reason), and the
registry's families and people as of a closed period (filters, pages, download). The services
decide and the selectors scope; these views shape requests and answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.audit import access_record
from padu.core.errors import DomainError, ValidationFailed
from padu.core.exports import XLSX_MAX_ROWS, requested_format
from padu.core.htmx import querystring_without_page, redirect_after_post, render_page_or_partial
from padu.core.scoping import has_capability, scope_codes
from padu.regions.selectors import common_region
from padu.registry import codes
from padu.registry.exports import TooManyRowsError
from padu.registry.masks import mask_number

from . import exports, months, selectors, services
from .forms import AsOfFilterForm, CloseForm, PeriodFilterForm, ReopenForm
from .models import CloseProgress, Period, Tally
from .runner import STEPS

PER_PAGE = 25
FINISHED = (Period.Status.CLOSED, Period.Status.FAILED, Period.Status.REOPENED)


def _period(month: int) -> Period:
    return get_object_or_404(Period.objects.select_related("closed_by", "reopened_by"), pk=month)


def _closed(month: int) -> Period:
    period = _period(month)
    if period.status != Period.Status.CLOSED:
        raise Http404
    return period


# ------------------------------------------------------------------------------------- list


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def period_list(request):
    form = PeriodFilterForm(request.GET or None)
    queryset = (
        selectors.period_list(filters=form.filters())
        if not form.is_bound or form.is_valid()
        else Period.objects.none()
    )
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    counts = selectors.registered_counts(user=request.user, months=[p.month for p in page])
    for period in page.object_list:
        period.registered = counts.get(period.month, {})
    return render_page_or_partial(
        request,
        "periods/period_list.html",
        "periods/partials/_period_results.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(form.filters()),
            "querystring": querystring_without_page(request),
            "export_querystring": urlencode({k: str(v) for k, v in form.filters().items()}),
            "can_close": has_capability(request.user, Cap.PERIOD_CLOSE),
            "next_month": months.text(services.next_to_close()),
        },
    )


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def period_export(request):
    form = PeriodFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before downloading."))
        return redirect(f"{reverse('periods:list')}?{request.GET.urlencode()}")
    return exports.period_list_export(
        user=request.user, filters=form.filters(), file_format=requested_format(request)
    )


# ------------------------------------------------------------------------------ close, reopen


@login_required
@capability_required(Cap.PERIOD_CLOSE)
@require_http_methods(["GET", "POST"])
def period_close(request):
    if request.method == "GET":
        form = CloseForm(initial={"month": months.text(services.next_to_close())})
        return render(request, "periods/period_close.html", {"form": form})
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            period = services.period_close(actor=request.user, month=form.cleaned_data["month"])
        except ValidationFailed as exc:
            for message in exc.errors.get("month", [str(exc)]):
                form.add_error("month", str(message))
        except DomainError as exc:
            form.add_error("month", str(exc))
        else:
            messages.success(
                request,
                _("Period %(period)s is being closed; this page shows its progress.")
                % {"period": period.text},
            )
            return redirect_after_post(request, reverse("periods:detail", args=[period.month]))
    return render(request, "periods/period_close.html", {"form": form}, status=400)


@login_required
@capability_required(Cap.REGISTRY_VIEW, Cap.PERIOD_REOPEN)
@require_http_methods(["GET", "POST"])
def period_reopen(request, month: int):
    period = _closed(month)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_reopen(
                actor=request.user, month=month, reason=form.cleaned_data["reason"]
            )
        except ValidationFailed as exc:
            for message in exc.errors.get("reason", [str(exc)]):
                form.add_error("reason", str(message))
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Period %(period)s is open again; close it again when it is ready.")
                % {"period": period.text},
            )
            return redirect_after_post(request, reverse("periods:detail", args=[month]))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "periods/period_reopen.html", {"period": period, "form": form}, status=status
    )


# ---------------------------------------------------------------------------------- summary


def _reasons(record: str, removed_by: dict) -> list[dict]:
    labels = codes.FamilyStatus if record == Tally.Record.FAMILY else codes.LifeStatus
    return [
        {"code": code, "label": label, "count": removed_by.get(code, 0)}
        for code, label in labels.choices
        if code != labels.ACTIVE
    ]


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def period_detail(request, month: int):
    period = _period(month)
    summary = None
    if period.status == Period.Status.CLOSED:
        summary = selectors.period_summary(user=request.user, period=period)
        for record, counts in summary.items():
            counts["reasons"] = _reasons(record, counts["removed_by"])
    latest = services.last_closed()
    progress = CloseProgress.objects.filter(period=period).first()
    step = progress.step if progress is not None else 0
    return render_page_or_partial(
        request,
        "periods/period_detail.html",
        "periods/partials/_period_progress.html",
        {
            "period": period,
            "summary": summary,
            "finished": period.status in FINISHED,
            "steps": STEPS,
            "step": step,
            "percent": round(100 * step / STEPS),
            "first": not Period.objects.filter(
                month__lt=period.month, status=Period.Status.CLOSED
            ).exists(),
            "can_reopen": has_capability(request.user, Cap.PERIOD_REOPEN)
            and latest is not None
            and latest.month == period.month,
            "can_export": has_capability(request.user, Cap.REGISTRY_EXPORT),
        },
    )


# ----------------------------------------------------------------------------------- as of


def _as_of(request, month: int, record: str):
    period = _closed(month)
    form = AsOfFilterForm(request.GET or None, user=request.user, record=record)
    selector = selectors.families_as_of if record == "family" else selectors.people_as_of
    queryset = selector(user=request.user, period=period, filters=form.filters())
    if form.is_bound and not form.is_valid():
        queryset = queryset.none()
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return period, form, page


def _as_of_context(request, period, form, page, record: str) -> dict:
    kind = "families" if record == "family" else "people"
    return {
        "period": period,
        "form": form,
        "page": page,
        "record": record,
        "filtered": bool(form.filters()),
        "querystring": querystring_without_page(request),
        "export_querystring": urlencode({k: str(v) for k, v in form.filters().items()}),
        "list_url": reverse(f"periods:{kind}", args=[period.month]),
        "export_url": reverse(f"periods:{kind}_export", args=[period.month]),
        "can_export": has_capability(request.user, Cap.REGISTRY_EXPORT),
    }


def _log_list(request, period, form, page, record: str) -> None:
    access_record(
        user=request.user,
        object_type=f"registry.{record}",
        region_code=common_region(scope_codes(request.user)),
        purpose=f"{record}_as_of_list",
        request=request,
        filters={**form.filters(), "period": period.text, "page": page.number},
        rows=len(page.object_list),
    )


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def families(request, month: int):
    period, form, page = _as_of(request, month, "family")
    heads = exports.current_heads([s.family_id for s in page.object_list])
    for state in page.object_list:
        state.kk_masked = mask_number(state.family.kk_number)
        state.head_name = heads.get(state.family_id, "")
    _log_list(request, period, form, page, "family")
    return render_page_or_partial(
        request,
        "periods/as_of.html",
        "periods/partials/_as_of_results.html",
        _as_of_context(request, period, form, page, "family"),
    )


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def people(request, month: int):
    period, form, page = _as_of(request, month, "person")
    for state in page.object_list:
        state.nik_masked = mask_number(state.person.nik)
        state.kk_masked = mask_number(state.family.kk_number)
    _log_list(request, period, form, page, "person")
    return render_page_or_partial(
        request,
        "periods/as_of.html",
        "periods/partials/_as_of_results.html",
        _as_of_context(request, period, form, page, "person"),
    )


def _export(request, month: int, record: str):
    period = _closed(month)
    form = AsOfFilterForm(request.GET or None, user=request.user, record=record)
    kind = "families" if record == "family" else "people"
    back = f"{reverse(f'periods:{kind}', args=[month])}?{request.GET.urlencode()}"
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Correct the filters before downloading."))
        return redirect(back)
    export = exports.families_as_of_export if record == "family" else exports.people_as_of_export
    try:
        return export(
            user=request.user,
            period=period,
            filters=form.filters(),
            file_format=requested_format(request),
        )
    except TooManyRowsError:
        messages.error(
            request,
            _("More than %(limit)s rows: narrow the filters or download CSV instead.")
            % {"limit": intcomma(XLSX_MAX_ROWS)},
        )
        return redirect(back)


@login_required
@capability_required(Cap.REGISTRY_VIEW, Cap.REGISTRY_EXPORT)
@require_GET
def families_export(request, month: int):
    return _export(request, month, "family")


@login_required
@capability_required(Cap.REGISTRY_VIEW, Cap.REGISTRY_EXPORT)
@require_GET
def people_export(request, month: int):
    return _export(request, month, "person")
