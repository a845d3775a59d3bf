import json

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from padu.accounts.capabilities import Cap, Role
from padu.accounts.decorators import capability_required
from padu.accounts.services import user_set_language
from padu.regions.selectors import region_roots
from padu.registry.selectors import home_summary

from . import selectors, services
from .exports import FORMATS, XLSX_MAX_ROWS, dated_filename, export_response
from .forms import AuditFilterForm
from .htmx import render_page_or_partial
from .scoping import has_capability

AUDIT_PER_PAGE = 50

# What each page offers, shown on the home page to those who may open it.
HOME_LINKS = [
    (
        "registry:family_list",
        Cap.REGISTRY_VIEW,
        gettext_lazy("Families"),
        gettext_lazy("Find a family by KK number, name or address in your area."),
    ),
    (
        "registry:person_list",
        Cap.REGISTRY_VIEW,
        gettext_lazy("People"),
        gettext_lazy("Search people by NIK or name; filter by desil, disability and category."),
    ),
    (
        "registry:import_list",
        Cap.REGISTRY_IMPORT,
        gettext_lazy("Import"),
        gettext_lazy("Load the national registry export (CSV/XLSX) and review its errors."),
    ),
    (
        "regions:browse",
        Cap.REGIONS_VIEW,
        gettext_lazy("Regions"),
        gettext_lazy("Browse kecamatan and kelurahan with their family and people counts."),
    ),
    (
        "accounts:user_list",
        Cap.USERS_MANAGE,
        gettext_lazy("Users"),
        gettext_lazy("Create accounts, set roles and regions, deactivate accounts."),
    ),
    (
        "registry:ppks_list",
        Cap.REFERENCE_MANAGE,
        gettext_lazy("PPKS categories"),
        gettext_lazy("Keep the list of social welfare service categories up to date."),
    ),
    (
        "core:audit",
        Cap.AUDIT_VIEW,
        gettext_lazy("Audit trail"),
        gettext_lazy("See who changed what, when and why."),
    ),
]


def _home_links(user) -> list[dict]:
    links = []
    for url_name, capability, label, description in HOME_LINKS:
        if not has_capability(user, capability):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        links.append({"url": url, "label": label, "description": description})
    return links


@login_required
@require_GET
def home(request):
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "areas": list(region_roots(user=user)),
            "summary": home_summary(user=user),
            "links": _home_links(user),
            "is_partner": user.role == Role.MITRA,
        },
    )


@require_POST
def set_language(request):
    """Django's set_language, plus remembering the choice on the user's account."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if language not in dict(settings.LANGUAGES):
        return HttpResponseRedirect(next_url)
    response = HttpResponseRedirect(translate_url(next_url, language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    user_set_language(user=request.user, language=language)
    translation.activate(language)
    return response


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
        "core/audit_list.html",
        "core/partials/_audit_rows.html",
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
        file_format, dated_filename("padu-audit"), header, rows, title=_("Audit trail")
    )
