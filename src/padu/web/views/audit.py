"""The audit trail's page and its CSV/XLSX download."""

import json

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.exports import FORMATS, XLSX_MAX_ROWS, Table, dated_filename, export_response
from padu.core.htmx import render_page_or_partial

from .. import selectors, services
from ..forms import AuditFilterForm

AUDIT_PER_PAGE = 50


def _audit_filters(request) -> tuple[AuditFilterForm, dict]:
    form = AuditFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, filters


def _value_text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _field_label(object_type: str, key: str) -> str:
    try:
        model = apps.get_model(object_type)
        return str(model._meta.get_field(key).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return key


def _field_order(object_type: str):
    """Keys in the model's field order (PostgreSQL's jsonb does not keep insertion order), then
    any others alphabetically."""
    try:
        names = [f.name for f in apps.get_model(object_type)._meta.get_fields()]
    except (LookupError, ValueError):
        names = []
    position = {name: i for i, name in enumerate(names)}
    return lambda key: (position.get(key, len(position)), key)


def audit_changes(entry) -> list[dict]:
    """Before/after of one entry as rows a person can read: field label, old value, new value."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    keys = sorted({*before, *after}, key=_field_order(entry.object_type))
    return [
        {
            "field": _field_label(entry.object_type, key),
            "before": _value_text(before.get(key)) if entry.before is not None else "",
            "after": _value_text(after.get(key)) if entry.after is not None else "",
        }
        for key in keys
    ]


@login_required
@capability_required(Cap.AUDIT_VIEW)
@require_GET
def audit_list(request):
    form, filters = _audit_filters(request)
    page = Paginator(
        selectors.audit_list(user=request.user, filters=filters), AUDIT_PER_PAGE
    ).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.changes = audit_changes(entry)
    params = request.GET.copy()
    params.pop("page", None)
    return render_page_or_partial(
        request,
        "web/audit_list.html",
        "web/partials/_audit_rows.html",
        {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "querystring": params.urlencode(),
        },
    )


@login_required
@capability_required(Cap.AUDIT_VIEW)
@require_GET
def audit_export(request):
    _form, filters = _audit_filters(request)
    file_format = request.GET.get("format", "csv")
    if file_format not in FORMATS:
        file_format = "csv"
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
    rows = (
        [
            e.at,
            e.actor.username if e.actor else "",
            e.action,
            e.object_type,
            e.object_id,
            e.object_repr,
            e.region_code,
            json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
            json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
            e.reason,
            e.source,
        ]
        for e in entries.iterator(chunk_size=2000)
    )
    return export_response(
        file_format, dated_filename("padu-audit"), Table(header, rows, title=_("Audit trail"))
    )
