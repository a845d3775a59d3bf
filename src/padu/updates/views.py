"""The change request pages: the list (filtered, downloadable), a request (its change as a diff,
its evidence, its steps, the transitions the user may take), a new request (what it asks entered
in the registry's record forms), a transition, and an evidence file (only to who sees the
request)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.audit import access_record
from padu.core.errors import DomainError, ValidationFailed
from padu.core.exports import Table, dated_filename, export_response, requested_format
from padu.core.htmx import querystring_without_page, redirect_after_post, render_page_or_partial
from padu.registry.models import Family, Person

from . import display, selectors
from .codes import RequestKind, TaskState
from .creating import KIND_CHOICES, RequestFormSet, kinds_for
from .forms import RequestFilterForm, TransitionForm
from .models import RequestEvidence
from .services.transitions import request_transition, taken_elsewhere
from .workflow import TRANSITIONS, allowed_for

PER_PAGE = 50


def _filters(request):
    form = RequestFilterForm(request.GET, user=request.user)
    return form, (form.cleaned_data if form.is_valid() else {})


@login_required
@capability_required(Cap.REQUEST_VIEW)
@require_GET
def request_list(request):
    form, filters = _filters(request)
    page = Paginator(selectors.request_list(user=request.user, filters=filters), PER_PAGE)
    page = page.get_page(request.GET.get("page"))
    regions = display.RegionNames()
    for r in page.object_list:
        r.summary = display.summary(request.user, r, regions=regions)
    return render_page_or_partial(
        request,
        "updates/request_list.html",
        "updates/partials/_request_rows.html",
        {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "querystring": querystring_without_page(request),
            "may_propose": request.user.has_capability(Cap.REQUEST_PROPOSE),
        },
    )


@login_required
@capability_required(Cap.REQUEST_VIEW)
@require_GET
def request_export(request):
    _form, filters = _filters(request)
    rows = selectors.request_list(user=request.user, filters=filters)
    regions = display.RegionNames()
    table = Table(
        header=[
            _("Receipt number"),
            _("Kind"),
            _("State"),
            _("Source"),
            _("Kelurahan/desa"),
            _("Requested change"),
            _("Notes"),
            _("Made at"),
            _("State changed at"),
        ],
        rows=(
            [
                r.receipt,
                r.get_kind_display(),
                r.get_state_display(),
                r.get_source_display(),
                r.region.name,
                display.summary(request.user, r, regions=regions),
                r.notes,
                r.created_at,
                r.state_changed_at,
            ]
            for r in rows.iterator(chunk_size=500)
        ),
        title=_("Change requests"),
    )
    return export_response(requested_format(request), dated_filename("usulan"), table)


def _get(request, pk):
    found = selectors.request_get(user=request.user, pk=pk)
    if found is None:
        raise Http404
    return found


# The steps of field verification and of the Muskel are taken on pages of their own, which do
# what the step needs besides the state (a PSM's task with its checklist, a place on a Muskel
# agenda and its decision); the request's page links there instead of offering the bare step.
ELSEWHERE = frozenset(t.name for t in TRANSITIONS.values() if t.via)


def _elsewhere(change, name: str) -> tuple[str, str] | None:
    """Where the step `name` is taken for `change` (a link and its text), or None."""
    if name == "send_to_verification":
        return reverse("verification:task_assign", args=[change.pk]), _("Assign a PSM")
    if name in ("verify", "mark_not_verifiable"):
        task = change.tasks.filter(state=TaskState.OPEN).order_by("-pk").first()
        if task is not None:
            url = reverse("verification:task_detail", args=[task.pk])
            return url, _("Open the verification task")
        return None
    if name == "put_on_agenda":
        url = reverse("muskel:list") + f"?region={change.region_id}"
        return url, _("Put it on a Muskel session's agenda")
    item = change.muskel_items.filter(decision="").order_by("-pk").first()
    if item is not None:
        return reverse("muskel:detail", args=[item.session_id]), _("Open its Muskel session")
    return None


def _detail(request, change, *, form=None, failed=None, status=200):
    transitions, links = [], {}
    for t in allowed_for(request.user, change.state):
        if t.name in ELSEWHERE:
            found = _elsewhere(change, t.name)
            if found is not None:
                links.setdefault(found[0], found[1])
            continue
        transitions.append(
            {
                "t": t,
                "form": form
                if failed == t.name
                else TransitionForm(initial={"version": change.version}),
            }
        )
    access_record(
        user=request.user,
        obj=change,
        region_code=change.region_id,
        purpose="request_detail",
        request=request,
    )
    return render(
        request,
        "updates/request_detail.html",
        {
            "change": change,
            "sections": display.sections(request.user, change),
            "evidence": change.evidence.select_related("uploaded_by"),
            "events": change.events.select_related("actor"),
            "transitions": transitions,
            "step_links": list(links.items()),
        },
        status=status,
    )


@login_required
@capability_required(Cap.REQUEST_VIEW)
@require_GET
def request_detail(request, pk: int):
    return _detail(request, _get(request, pk))


@login_required
@capability_required(Cap.REQUEST_VIEW)
@require_POST
def request_step(request, pk: int, name: str):
    change = _get(request, pk)
    if name not in TRANSITIONS:
        raise Http404
    if name in ELSEWHERE:  # the service would refuse it too; say where it is taken
        messages.error(request, str(taken_elsewhere(TRANSITIONS[name])))
        return redirect_after_post(request, reverse("updates:request_detail", args=[pk]))
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _detail(request, change, form=form, failed=name, status=400)
    try:
        request_transition(
            actor=request.user,
            request=change,
            name=name,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationFailed as exc:
        for field, texts in exc.errors.items():
            for text in texts:
                form.add_error("reason" if field == "reason" else None, text)
        return _detail(request, change, form=form, failed=name, status=400)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect_after_post(request, reverse("updates:request_detail", args=[pk]))
    messages.success(
        request,
        _("%(action)s: done.") % {"action": TRANSITIONS[name].label},
    )
    return redirect_after_post(request, reverse("updates:request_detail", args=[pk]))


@login_required
@capability_required(Cap.REQUEST_VIEW)
@require_GET
def evidence_file(request, pk: int):
    evidence = (
        RequestEvidence.objects.scoped(request.user).select_related("request").filter(pk=pk).first()
    )
    if evidence is None:
        raise Http404
    access_record(
        user=request.user,
        obj=evidence.request,
        region_code=evidence.request.region_id,
        purpose="request_evidence",
        request=request,
    )
    return FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=evidence.content_type == "application/pdf",
        filename=evidence.original_name,
    )


def _subject(request):
    """The family and person a new request is about (`?family=`, `?person=`), in the area."""
    family = person = None
    if pid := request.GET.get("person", "").strip():
        person = Person.objects.scoped(request.user).filter(pk=_int(pid)).first()
        if person is None:
            raise Http404
        family = person.family
    elif fid := request.GET.get("family", "").strip():
        family = Family.objects.scoped(request.user).filter(pk=_int(fid)).first()
        if family is None:
            raise Http404
    elif kk := request.GET.get("kk", "").strip():
        family = Family.objects.scoped(request.user).filter(kk_number=kk[:16]).first()
    return family, person


def _int(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 18 else 0


@login_required
@capability_required(Cap.REQUEST_PROPOSE)
@require_http_methods(["GET", "POST"])
def request_new(request):
    family, person = _subject(request)
    kind = request.GET.get("kind", "")
    kinds = kinds_for(family, person)
    if kind not in kinds:
        return render(
            request,
            "updates/request_kind.html",
            {
                "family": family,
                "person": person,
                "kinds": [(k, label) for k, label in KIND_CHOICES if k in kinds],
            },
        )
    forms = RequestFormSet(request, kind=RequestKind(kind), family=family, person=person)
    if request.method == "POST":
        created = forms.save()
        if created is not None:
            messages.success(
                request,
                _("Request %(receipt)s saved.") % {"receipt": created.receipt},
            )
            return redirect_after_post(
                request, reverse("updates:request_detail", args=[created.pk])
            )
    return render(
        request,
        "updates/request_form.html",
        {"forms": forms, "family": family, "person": person, "kind": RequestKind(kind)},
        status=400 if forms.has_errors else 200,
    )
