"""The cohort pages: the list, a new cohort and its settings, a cohort (its state, quotas, the
funnel of its last targeting, the run button), its candidates (filters, download), dropping a
candidate, and one person's explanation against the cohort's rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.audit import access_record, export_recorded
from padu.core.errors import DomainError, ValidationFailed
from padu.core.exports import Table, dated_filename, export_response, requested_format
from padu.core.htmx import querystring_without_page, render_page_or_partial
from padu.core.scoping import has_capability, scope_codes
from padu.regions.models import Region
from padu.regions.selectors import common_region
from padu.registry.disclosure import Disclosure
from padu.registry.models import Person

from .. import selectors, targeting
from ..benefit_selectors import beneficiary_get
from ..codes import TARGETABLE_STATES
from ..forms import CandidateFilterForm, CohortFilterForm, CohortForm, DropForm, posted_version
from ..lookup import in_area
from ..models import Candidate
from ..rules.evaluate import explain, facts
from ..services.cohorts import candidate_drop, cohort_save, cohort_target
from .catalogue import rule_lines

PER_PAGE = 50
EXPORT_MAX = 200_000


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def cohort_list(request):
    form = CohortFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound and form.is_valid() else {}
    page = Paginator(selectors.cohorts_visible(request.user, filters=filters), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "programs/cohort_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "can_target": has_capability(request.user, Cap.COHORT_TARGET),
        },
    )


def _regions(user):
    return Region.objects.filter(code__in=scope_codes(user)).order_by("code")


@login_required
@capability_required(Cap.COHORT_TARGET)
@require_http_methods(["GET", "POST"])
def cohort_edit(request, pk: int | None = None):
    cohort = in_area(selectors.cohort_get, request.user, pk) if pk else None
    initial = CohortForm.initial_for(cohort) if cohort else {}
    form = CohortForm(request.POST or None, initial=initial, regions=_regions(request.user))
    if cohort is not None:
        form.fields["program"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = cohort_save(
                actor=request.user,
                program=cohort.program if cohort else data["program"],
                name=data["name"],
                region_code=data["region"],
                quota_total=data["quota_total"],
                quotas=data["quotas"],
                priority=form.priority(),
                reference_date=data["reference_date"],
                cohort=cohort,
                expected_version=posted_version(request),
            )
        except ValidationFailed as exc:
            for name, errors in exc.errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The cohort is saved."))
            return redirect("programs:cohort_detail", pk=saved.pk)
    return render(request, "programs/cohort_form.html", {"form": form, "cohort": cohort})


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def cohort_detail(request, pk: int):
    cohort = in_area(selectors.cohort_get, request.user, pk)
    counts = {
        "places": Candidate.objects.scoped(request.user)
        .filter(cohort=cohort, on_waiting_list=False)
        .count(),
        "waiting": Candidate.objects.scoped(request.user)
        .filter(cohort=cohort, on_waiting_list=True)
        .count(),
    }
    widest = max((s["remaining"] for s in cohort.funnel), default=0) or 1
    funnel = [{**s, "width": round(100 * s["remaining"] / widest)} for s in cohort.funnel]
    return render(
        request,
        "programs/cohort_detail.html",
        {
            "cohort": cohort,
            "quotas": cohort.quotas.select_related("region"),
            "priority": [
                targeting.KEY_LABELS[k] for k in targeting.Priority.read(cohort.priority).order
            ],
            "rule_lines": rule_lines(cohort.rule_set.tree if cohort.rule_set else None),
            "funnel": funnel,
            "counts": counts,
            "can_target": has_capability(request.user, Cap.COHORT_TARGET)
            and cohort.state in TARGETABLE_STATES,
        },
    )


@login_required
@capability_required(Cap.COHORT_TARGET)
@require_POST
def cohort_run(request, pk: int):
    cohort = in_area(selectors.cohort_get, request.user, pk)
    try:
        cohort = cohort_target(
            actor=request.user, cohort=cohort, expected_version=posted_version(request)
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Targeting has run: the candidate list is new."))
    return redirect("programs:cohort_detail", pk=cohort.pk)


def _candidate_rows(page_or_qs, disclosure: Disclosure):
    for c in page_or_qs:
        person = c.person
        yield c, disclosure.number(person.nik if person else "")


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def candidate_list(request, pk: int):
    cohort = in_area(selectors.cohort_get, request.user, pk)
    form = CandidateFilterForm(request.GET or None)
    filters = form.filters()
    qs = selectors.candidates_visible(request.user, cohort, filters=filters)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    disclosure = Disclosure(request.user)
    rows = list(_candidate_rows(page.object_list, disclosure))
    access_record(
        user=request.user,
        object_type="programs.candidate",
        region_code=common_region(scope_codes(request.user)),
        purpose="candidate_list",
        request=request,
        filters={**filters, "cohort": cohort.pk, "page": page.number},
        rows=len(rows),
    )
    return render_page_or_partial(
        request,
        "programs/candidate_list.html",
        "programs/partials/_candidate_results.html",
        {
            "cohort": cohort,
            "form": form,
            "page": page,
            "rows": rows,
            "querystring": querystring_without_page(request),
            "can_export": has_capability(request.user, Cap.REGISTRY_EXPORT),
            "can_drop": has_capability(request.user, Cap.COHORT_TARGET),
        },
    )


@login_required
@capability_required(Cap.PROGRAM_VIEW, Cap.REGISTRY_EXPORT)
@require_GET
def candidate_export(request, pk: int):
    cohort = in_area(selectors.cohort_get, request.user, pk)
    form = CandidateFilterForm(request.GET or None)
    filters = form.filters()
    qs = selectors.candidates_visible(request.user, cohort, filters=filters)[:EXPORT_MAX]
    disclosure = Disclosure.for_export(request.user)
    file_format = requested_format(request)
    rows = [
        [
            c.rank,
            _("waiting list") if c.on_waiting_list else _("place"),
            c.person.name if c.person else "",
            nik,
            c.region_id,
            c.quota_area_id or "",
            c.reasons.get("desil"),
            c.reasons.get("welfare_score"),
            c.reasons.get("vulnerability"),
            c.get_state_display(),
        ]
        for c, nik in _candidate_rows(qs, disclosure)
    ]
    export_recorded(
        actor=request.user,
        action="programs.candidates.exported",
        object_type="programs.candidate",
        object_repr=str(cohort)[:200],
        region_code=common_region(scope_codes(request.user)),
        filters={**filters, "cohort": cohort.pk},
        file_format=file_format,
        rows=len(rows),
        full_numbers=disclosure.full,
    )
    table = Table(
        header=[
            _("Rank"),
            _("List"),
            _("Name"),
            _("NIK"),
            _("Kelurahan"),
            _("Quota area"),
            _("Desil"),
            _("Welfare score"),
            _("Vulnerability"),
            _("State"),
        ],
        rows=rows,
        title=str(cohort.name)[:31],
    )
    return export_response(file_format, dated_filename(f"kandidat-{cohort.pk}"), table)


@login_required
@capability_required(Cap.COHORT_TARGET)
@require_POST
def candidate_drop_view(request, pk: int):
    candidate = in_area(beneficiary_get, request.user, pk)
    form = DropForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason the candidate leaves."))
    else:
        try:
            promoted = candidate_drop(
                actor=request.user,
                candidate=candidate,
                reason=form.cleaned_data["reason"],
                expected_version=posted_version(request),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("The candidate has left; %(name)s from the waiting list takes the place.")
                % {"name": promoted.person.name}
                if promoted and promoted.person
                else _("The candidate has left; the waiting list of his area is empty."),
            )
    return redirect("programs:candidate_list", pk=candidate.cohort_id)


@login_required
@capability_required(Cap.PROGRAM_VIEW)
@require_GET
def person_explain(request, pk: int, person_pk: int):
    cohort = in_area(selectors.cohort_get, request.user, pk)
    try:
        person = selectors.person_for_explanation(request.user, person_pk)
    except Person.DoesNotExist:
        raise Http404 from None
    if cohort.rule_set is None:
        raise Http404
    step = explain(cohort.rule_set.tree, facts(person, targeting.reference_date(cohort)))
    access_record(user=request.user, obj=person, purpose="program_explanation", request=request)
    return render(
        request,
        "programs/person_explain.html",
        {
            "cohort": cohort,
            "person": person,
            "nik": Disclosure(request.user).number(person.nik),
            "step": step,
            "candidate": selectors.candidacy(request.user, cohort, person),
            "reference_date": targeting.reference_date(cohort),
        },
    )
