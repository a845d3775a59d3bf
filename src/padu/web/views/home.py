"""The home page and the language switch."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from padu.accounts.capabilities import Cap, Role
from padu.accounts.services import user_set_language
from padu.core.scoping import has_capability
from padu.regions.selectors import region_roots
from padu.registry.selectors import home_summary

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
        "web/home.html",
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
