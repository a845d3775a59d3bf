"""The access log (UU 27/2022): who read which person's or family's data, when and how; per
reader, per person ("Riwayat akses"), and as a download. For the administrator and whoever
answers for personal data (Cap.ACCESS_LOG_VIEW)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.exports import Table, dated_filename, export_response, requested_format
from padu.core.htmx import querystring_without_page, render_page_or_partial
from padu.registry import selectors as registry_selectors
from padu.registry.disclosure import Disclosure

from .. import selectors, services
from ..access_text import path_label
from ..forms import AccessFilterForm

PER_PAGE = 50


def _filters(request) -> tuple[AccessFilterForm, dict]:
    form = AccessFilterForm(request.GET)
    return form, (form.cleaned_data if form.is_valid() else {})


def _rows(request, entries) -> list[dict]:
    disclosure = Disclosure(request.user)
    return [
        {
            "entry": e,
            "path": path_label(e.purpose),
            "what": e.object_repr or _("a list (%(rows)s rows)") % {"rows": e.rows or 0},
            "filters": disclosure.text(
                ", ".join(f"{k}: {v}" for k, v in (e.filters or {}).items() if v)
            ),
        }
        for e in entries
    ]


@login_required
@capability_required(Cap.ACCESS_LOG_VIEW)
@require_GET
def access_list(request):
    form, filters = _filters(request)
    entries = selectors.access_list(user=request.user, filters=filters)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render_page_or_partial(
        request,
        "web/access_list.html",
        "web/partials/_access_rows.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(request, page.object_list),
            "readers": selectors.access_by_reader(entries),
            "filtered": any(filters.values()),
            "querystring": querystring_without_page(request),
            "retention_days": settings.PADU_ACCESS_LOG_RETENTION_DAYS,
        },
    )


@login_required
@capability_required(Cap.ACCESS_LOG_VIEW)
@require_GET
def access_export(request):
    _form, filters = _filters(request)
    file_format = requested_format(request)
    entries = services.access_log_export(
        actor=request.user, filters=filters, file_format=file_format
    )
    disclosure = Disclosure(request.user)
    header = [
        _("Time"),
        _("Read by"),
        _("Role"),
        _("Read through"),
        _("Object type"),
        _("Object ID"),
        _("Object"),
        _("Region code"),
        _("Filters"),
        _("Rows"),
        _("IP address"),
    ]
    rows = (
        [
            e.at,
            e.user.username,
            e.user.get_role_display(),
            path_label(e.purpose),
            e.object_type,
            e.object_id,
            e.object_repr,
            e.region_code,
            disclosure.text(str(e.filters or "")),
            e.rows,
            e.ip_address,
        ]
        for e in entries.iterator(chunk_size=2000)
    )
    return export_response(
        file_format, dated_filename("padu-log-akses"), Table(header, rows, title=_("Access log"))
    )


@login_required
@capability_required(Cap.ACCESS_LOG_VIEW, Cap.REGISTRY_VIEW)
@require_GET
def person_access(request, pk: int):
    """Riwayat akses: who has seen this person's record (404 outside the user's area)."""
    person = registry_selectors.person_get(user=request.user, pk=pk)
    entries = selectors.person_access(user=request.user, person=person)
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/person_access.html",
        {
            "person": person,
            "page": page,
            "rows": _rows(request, page.object_list),
            "readers": selectors.access_by_reader(entries),
            "retention_days": settings.PADU_ACCESS_LOG_RETENTION_DAYS,
        },
    )
