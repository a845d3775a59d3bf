"""The audit trail's page and its CSV/XLSX download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.exports import (
    XLSX_MAX_ROWS,
    Table,
    dated_filename,
    export_response,
    requested_format,
)
from padu.core.htmx import querystring_without_page, render_page_or_partial

from .. import selectors, services
from ..audit_text import AuditReader
from ..forms import AuditFilterForm

AUDIT_PER_PAGE = 50


def _audit_filters(request) -> tuple[AuditFilterForm, dict]:
    form = AuditFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, filters


@login_required
@capability_required(Cap.AUDIT_VIEW)
@require_GET
def audit_list(request):
    form, filters = _audit_filters(request)
    page = Paginator(
        selectors.audit_list(user=request.user, filters=filters), AUDIT_PER_PAGE
    ).get_page(request.GET.get("page"))
    reader = AuditReader(request.user, page.object_list)
    for entry in page.object_list:
        entry.description = reader.description(entry)
        entry.changes = reader.changes(entry)
        entry.shown_object = reader.object(entry)
        entry.shown_source = reader.source(entry)
    return render_page_or_partial(
        request,
        "web/audit_list.html",
        "web/partials/_audit_rows.html",
        {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "querystring": querystring_without_page(request),
        },
    )


@login_required
@capability_required(Cap.AUDIT_VIEW)
@require_GET
def audit_export(request):
    _form, filters = _audit_filters(request)
    file_format = requested_format(request)
    if (
        file_format == "xlsx"
        and selectors.audit_list(user=request.user, filters=filters).count() > XLSX_MAX_ROWS
    ):
        messages.error(
            request,
            _("More than %(limit)s entries: narrow the filters or download CSV instead.")
            % {"limit": intcomma(XLSX_MAX_ROWS)},
        )
        return redirect(f"{reverse('core:audit')}?{request.GET.urlencode()}")
    entries = services.audit_trail_export(
        actor=request.user, filters=filters, file_format=file_format
    )
    header = [
        _("Time"),
        _("Done by"),
        _("What happened"),
        _("Action"),
        _("Object type"),
        _("Object ID"),
        _("Object"),
        _("Region code"),
        _("Before"),
        _("After"),
        _("Reason"),
        _("Source"),
    ]

    def rows():
        for chunk in _chunks(entries.iterator(chunk_size=2000), 2000):
            reader = AuditReader(request.user, chunk)
            for e in chunk:
                yield [
                    e.at,
                    e.actor.username if e.actor else "",
                    reader.description(e),
                    e.action,
                    e.object_type,
                    e.object_id,
                    reader.object(e),
                    e.region_code,
                    reader.json(e, e.before),
                    reader.json(e, e.after),
                    e.reason,
                    reader.source(e),
                ]

    return export_response(
        file_format, dated_filename("padu-audit"), Table(header, rows(), title=_("Audit trail"))
    )


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
