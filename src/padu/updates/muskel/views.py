"""The Muskel pages: the list of sessions (filtered, downloadable), scheduling one, a session's
page (attendance, agenda, one decision per item, closing), its Berita Acara (PDF) and its
by-name-by-address list (CSV/XLSX)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.exports import Table, dated_filename, export_response, requested_format
from padu.core.htmx import querystring_without_page, redirect_after_post
from padu.core.scoping import has_capability
from padu.registry.views.editing import error_summary, form_service

from .. import display
from ..models import ChangeRequest, MuskelItem
from . import services
from .documents import agenda_lines
from .downloads import agenda_list_response, berita_acara_response
from .forms import (
    AttendeeForm,
    CloseForm,
    DecisionForm,
    RemoveItemForm,
    ScheduleForm,
    SessionFilter,
)
from .selectors import agenda_candidates, session_get, session_items, sessions_visible


def _session(request, pk: int):
    session = session_get(user=request.user, pk=pk)
    if session is None:
        raise Http404
    return session


@login_required
@capability_required(Cap.REQUEST_VIEW)
@require_GET
def session_list(request):
    filters = SessionFilter(request.GET or None, user=request.user)
    given = filters.cleaned_data if filters.is_valid() else {}
    sessions = sessions_visible(
        request.user, state=given.get("state", ""), region=given.get("region", "")
    )
    if "format" in request.GET:
        table = Table(
            [_("Date"), _("Kelurahan"), _("Place"), _("State"), _("Items"), _("Undecided")],
            (
                [s.date, s.region.name, s.place, s.get_state_display(), s.item_count, s.undecided]
                for s in sessions
            ),
            title=_("Muskel sessions"),
        )
        return export_response(requested_format(request), dated_filename("padu-muskel"), table)
    page = Paginator(sessions, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "updates/muskel/list.html",
        {
            "filters": filters,
            "page": page,
            "query": querystring_without_page(request),
            "may_manage": has_capability(request.user, Cap.MUSKEL_MANAGE),
        },
    )


@login_required
@capability_required(Cap.MUSKEL_MANAGE)
@require_http_methods(["GET", "POST"])
def session_new(request):
    form = ScheduleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, session = form_service(
            form,
            lambda: services.muskel_schedule(
                actor=request.user,
                region=form.villages.get(data["region"]),
                date=data["date"],
                place=data["place"],
                quorum=data["quorum"],
                note=data["note"],
            ),
        )
        if done:
            messages.success(request, _("The Muskel session is scheduled."))
            return redirect_after_post(request, reverse("muskel:detail", args=[session.pk]))
    return render(
        request,
        "updates/muskel/new.html",
        {"form": form, "errors": error_summary([("", form)])},
        status=400 if form.is_bound and form.errors else 200,
    )


def _detail(request, session, *, forms=None, status=200):
    forms = forms or {}
    items = list(session_items(session))
    may_manage = has_capability(request.user, Cap.MUSKEL_MANAGE)
    candidates = list(agenda_candidates(user=request.user, session=session)[:100])
    # The Muskel decides on families and people, not on receipt numbers: each item as the Berita
    # Acara lists it (name, KK/NIK as the user may see it, address), each candidate's change.
    lines = agenda_lines(session, request.user, items)
    regions = display.RegionNames()
    for change in candidates:
        change.summary = display.summary(request.user, change, regions=regions)
    return render(
        request,
        "updates/muskel/detail.html",
        {
            "session": session,
            "items": [
                (
                    item,
                    line,
                    forms.get(f"item-{item.pk}") or DecisionForm(prefix=f"item-{item.pk}"),
                    forms.get(f"remove-{item.pk}") or RemoveItemForm(prefix=f"remove-{item.pk}"),
                )
                for item, line in zip(items, lines, strict=True)
            ],
            "attendees": session.attendees.all(),
            "candidates": candidates if may_manage else [],
            "attendee_form": forms.get("attendee") or AttendeeForm(),
            "close_form": forms.get("close") or CloseForm(),
            "may_manage": may_manage and session.state != "decided",
            "errors": error_summary([("", f) for f in forms.values()]),
        },
        status=status,
    )


@login_required
@capability_required(Cap.REQUEST_VIEW)
@require_GET
def session_detail(request, pk: int):
    return _detail(request, _session(request, pk))


@login_required
@capability_required(Cap.MUSKEL_MANAGE)
@require_POST
def session_action(request, pk: int):
    """One form of the session's page: an attendee, an agenda item (or taking one off), a
    decision, or closing. Each form carries the session's version as the page showed it: the
    service refuses it if someone changed the session since, and the page shows their changes."""
    session = _session(request, pk)
    action = request.POST.get("action", "")
    version = _version(request.POST)
    form, key, call, done_text = None, "", None, ""
    if action == "attendee":
        form, key = AttendeeForm(request.POST), "attendee"
        if form.is_valid():
            d = form.cleaned_data

            def call():
                return services.muskel_attendee_add(
                    actor=request.user,
                    session=session,
                    name=d["name"],
                    role=d["role"],
                    present=d["present"],
                    expected_version=version,
                )

            done_text = _("The attendee is recorded.")
    elif action == "remove_attendee":
        form, key = Form({}), "attendee"

        def call():
            return services.muskel_attendee_remove(
                actor=request.user,
                session=session,
                attendee_id=_int(request.POST, "attendee"),
                expected_version=version,
            )

        done_text = _("The attendee is removed.")
    elif action == "agenda":
        form, key = Form({}), "agenda"
        change = (
            ChangeRequest.objects.scoped(request.user)
            .filter(pk=_int(request.POST, "request"))
            .first()
        )
        if change is None:
            raise Http404

        def call():
            return services.muskel_agenda_add(
                actor=request.user, session=session, request=change, expected_version=version
            )

        done_text = _("The request is on the agenda.")
    elif action == "decide":
        item = _item(session, request.POST)
        form = DecisionForm(request.POST, prefix=f"item-{item.pk}")
        key = f"item-{item.pk}"
        if form.is_valid():
            d = form.cleaned_data

            def call():
                return services.muskel_decide(
                    actor=request.user,
                    item=item,
                    decision=d["decision"],
                    note=d["note"],
                    expected_version=version,
                )

            done_text = _("The decision is recorded.")
    elif action == "remove_item":
        item = _item(session, request.POST)
        form, key = RemoveItemForm(request.POST, prefix=f"remove-{item.pk}"), f"remove-{item.pk}"
        if form.is_valid():

            def call():
                return services.muskel_agenda_remove(
                    actor=request.user,
                    item=item,
                    reason=form.cleaned_data["reason"],
                    expected_version=version,
                )

            done_text = _("The request is off the agenda; it waits for another session.")
    elif action == "close":
        form, key = CloseForm(request.POST), "close"
        if form.is_valid():

            def call():
                return services.muskel_close(
                    actor=request.user,
                    session=session,
                    number=form.cleaned_data["number"],
                    expected_version=version,
                )

            done_text = _("The session is closed; its Berita Acara can be downloaded.")
    else:
        raise Http404
    if call is not None and version is None:
        form.add_error(
            None,
            _("This form was sent without the session's version. Reload the page and try again."),
        )
        call = None
    if call is not None:
        done, _result = form_service(form, call)
        if done:
            messages.success(request, done_text)
            return redirect_after_post(request, reverse("muskel:detail", args=[session.pk]))
    return _detail(request, _session(request, pk), forms={key: form}, status=400)


def _item(session, data) -> MuskelItem:
    """The agenda item the form names, of this session (read through its scope)."""
    item = MuskelItem.objects.unscoped().filter(session=session, pk=_int(data, "item"))
    item = item.select_related("session", "request").first()
    if item is None:
        raise Http404
    return item


def _version(data) -> int | None:
    """The session's version the form was shown with (None: missing or not a version)."""
    value = data.get("version", "")
    if not (value.isascii() and value.isdigit() and len(value) <= 10):
        return None
    return int(value) if 0 < int(value) < 2**31 else None


def _int(data, key: str) -> int:
    value = data.get(key, "")
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


@login_required
@capability_required(Cap.REQUEST_VIEW)
@require_GET
def berita_acara(request, pk: int):
    return berita_acara_response(
        user=request.user,
        session=_session(request, pk),
        purpose="muskel_berita_acara",
        request=request,
    )


@login_required
@capability_required(Cap.REQUEST_VIEW)
@require_GET
def agenda_export(request, pk: int):
    return agenda_list_response(
        user=request.user,
        session=_session(request, pk),
        file_format=requested_format(request),
        purpose="muskel_agenda_export",
        request=request,
    )
