"""The weights page (the active version, editable: saving makes the next version), an old
version (read only), and a recomputation of every score with its live progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.errors import DomainError, ValidationFailed
from padu.core.htmx import redirect_after_post, render_page_or_partial

from . import services
from .models import Recompute, WeightSet
from .variables import variables
from .weights import active_weight_set


def _rows(weight_set: WeightSet, given: dict | None = None, errors: dict | None = None):
    """The variables with their weights (as saved, or as just submitted) and their errors."""
    saved = {(w.variable, w.code): w.value for w in weight_set.weights.all()}
    errors = errors or {}
    groups = []
    for v in variables():
        rows = []
        for i, term in enumerate(v.terms):
            name = services.weight_name(v.key, term.code)
            value = given.get(name, "") if given is not None else saved.get((v.key, term.code))
            rows.append(
                {
                    "name": name,
                    "id": f"w-{v.key.replace('.', '-')}-{i}",
                    "code": term.code,
                    "label": term.label,
                    "value": "" if value is None else value,
                    "errors": [str(m) for m in errors.get(name, ())],
                }
            )
        groups.append({"key": v.key, "label": v.label, "rows": rows})
    return groups


def _page(request, weight_set, groups, *, note="", summary=(), status=200):
    return render(
        request,
        "welfare/weights.html",
        {
            "weight_set": weight_set,
            "groups": groups,
            "note": note,
            "errors": summary,
            "versions": WeightSet.objects.select_related("created_by")[:50],
            "last_job": Recompute.objects.select_related("weight_set").first(),
        },
        status=status,
    )


@login_required
@capability_required(Cap.WELFARE_MANAGE)
@require_http_methods(["GET", "POST"])
def weights(request):
    current = active_weight_set()
    if request.method == "GET":
        return _page(request, current, _rows(current))
    given = {k: v for k, v in request.POST.items() if "|" in k}
    note = request.POST.get("note", "")
    try:
        created = services.weights_publish(actor=request.user, weights=given, note=note)
    except ValidationFailed as exc:
        groups = _rows(current, given, exc.errors)
        ids = {r["name"]: r["id"] for g in groups for r in g["rows"]}
        summary = [
            {"href": f"#{ids[name]}" if name in ids else "", "text": str(m)}
            for name, texts in exc.errors.items()
            for m in texts
        ]
        return _page(request, current, groups, note=note, summary=summary, status=400)
    except DomainError as exc:
        summary = [{"href": "", "text": str(exc)}]
        return _page(request, current, _rows(current, given), note=note, summary=summary)
    messages.success(
        request,
        _(
            "Weights version %(version)d is now in use. Recompute the scores to apply it to "
            "every family."
        )
        % {"version": created.version},
    )
    return redirect_after_post(request, reverse("welfare:weights"))


@login_required
@capability_required(Cap.WELFARE_MANAGE)
@require_GET
def version(request, number: int):
    weight_set = get_object_or_404(WeightSet, version=number)
    return render(
        request,
        "welfare/version.html",
        {"weight_set": weight_set, "groups": _rows(weight_set)},
    )


@login_required
@capability_required(Cap.WELFARE_MANAGE)
@require_POST
def recompute_start(request):
    job = services.recompute_request(actor=request.user)
    return redirect_after_post(request, reverse("welfare:recompute", args=[job.pk]))


@login_required
@capability_required(Cap.WELFARE_MANAGE)
@require_GET
def recompute(request, pk: int):
    job = get_object_or_404(Recompute.objects.select_related("weight_set", "created_by"), pk=pk)
    finished = job.status in (Recompute.Status.DONE, Recompute.Status.FAILED)
    return render_page_or_partial(
        request,
        "welfare/recompute.html",
        "welfare/partials/_recompute_progress.html",
        {"job": job, "finished": finished},
    )
