"""The home page and the language switch."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from padu.accounts.capabilities import Cap, Role
from padu.accounts.services import user_set_language
from padu.core.formats import rupiah
from padu.programs import dashboard
from padu.regions.selectors import region_roots
from padu.registry.selectors import home_summary
from padu.updates import verification_selectors as tasks
from padu.updates.codes import TaskState
from padu.updates.selectors import waiting_for

from .. import selectors
from ..navigation import home_links


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
            "links": home_links(user),
            "is_partner": user.role == Role.MITRA,
            "alerts": selectors.privacy_alerts(user=user),
            "waiting": waiting_for(user),
            **_work(user),
            **_programs(user),
        },
    )


# How many tasks the home page lists; the task pages have the rest.
HOME_TASKS = 5


def _work(user) -> dict:
    """A PSM's open tasks, a TKSK's (or operator's) overdue ones."""
    work = {}
    if user.has_capability(Cap.REQUEST_VERIFY):
        work["my_tasks"] = list(
            tasks.task_list(user=user, mine=True, filters={"state": TaskState.OPEN})[:HOME_TASKS]
        )
    if user.has_capability(Cap.REQUEST_ASSIGN):
        work["overdue_tasks"] = list(
            tasks.task_list(user=user, filters={"due": tasks.OVERDUE})[:HOME_TASKS]
        )
    return work


def _programs(user) -> dict:
    """A leader's (who approves decrees) charts of the programs: budget and reach."""
    if not user.has_capability(Cap.DECREE_APPROVE):
        return {}
    year = timezone.localdate().year
    return {
        "program_year": str(year),  # a year, not a number to group by thousands
        "program_budget": dashboard.budget_chart(year, rupiah),
        "program_reach": dashboard.reach_charts(user),
    }


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
