"""The dwelling (rumah tangga) pages: the dwelling with its housing, its head and its families
(each with its members), and the form of its housing attributes. Views only shape requests:
services decide and selectors scope."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.errors import ConflictError, DomainError, ValidationFailed
from padu.core.htmx import redirect_after_post
from padu.core.scoping import has_capability

from .. import codes, selectors, services
from ..declarations import DWELLING
from ..declarations.dwelling import HOUSING_FIELDS
from ..forms import DwellingForm
from ..masks import mask_number
from .editing import apply_errors, error_summary, log_access
from .history import ValueFormatter, conflict_rows, merged_after_conflict


def _housing_rows(user, dwelling) -> list[tuple[str, str]]:
    fmt = ValueFormatter(user=user)
    return [
        (f.title(), fmt.text("registry.dwelling", f.name, getattr(dwelling, f.name)))
        for f in DWELLING.fields
        if f.group == "housing"
    ]


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def dwelling_detail(request, pk: int):
    user = request.user
    dwelling = selectors.dwelling_get(user=user, pk=pk)
    log_access(request, dwelling, "dwelling_detail")
    families = selectors.dwelling_families(user=user, dwelling=dwelling)
    members = {}
    for person in (
        selectors.people_visible(user=user)
        .filter(family__in=[f.pk for f in families], life_status=codes.LifeStatus.ACTIVE)
        .order_by("family_id", "relationship", "birth_date", "pk")
    ):
        members.setdefault(person.family_id, []).append(person)
    return render(
        request,
        "registry/dwelling_detail.html",
        {
            "dwelling": dwelling,
            "kelurahan": dwelling.region,
            "kecamatan": dwelling.region.parent,
            "housing": _housing_rows(user, dwelling),
            "assets": [codes.Asset(a).label for a in dwelling.assets if a in codes.Asset.values],
            "families": [
                {
                    "family": family,
                    # Items of the dwelling, not its own numbers: masked for every role
                    # (disclosure.py), as the family page lists the families it lives with.
                    "kk": mask_number(family.kk_number),
                    "members": [
                        {"person": p, "nik": mask_number(p.nik)} for p in members.get(family.pk, [])
                    ],
                }
                for family in families
            ],
            "can_edit": has_capability(user, Cap.REGISTRY_EDIT),
        },
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def dwelling_edit(request, pk: int):
    user = request.user
    dwelling = selectors.dwelling_get(user=user, pk=pk)
    conflict = None
    if request.method == "POST":
        form = DwellingForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.to_data().items() if k in HOUSING_FIELDS}
            try:
                services.dwelling_update(
                    actor=user,
                    dwelling=dwelling,
                    expected_version=form.cleaned_data["version"],
                    data=data,
                    reason=form.cleaned_data["reason"],
                )
            except ConflictError as exc:
                conflict = conflict_rows(exc, "registry.dwelling", user=user)
                initial = {
                    **DwellingForm.initial_from_data(merged_after_conflict(exc, data)),
                    "version": exc.current_version,
                    "reason": form.cleaned_data["reason"],
                }
                form = DwellingForm(initial=initial)
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The dwelling's data has been saved."))
                return redirect_after_post(
                    request, reverse("registry:dwelling_detail", args=[dwelling.pk])
                )
    else:
        form = DwellingForm(
            initial={**DwellingForm.initial_from_instance(dwelling), "version": dwelling.version}
        )
    log_access(request, dwelling, "dwelling_edit")
    return render(
        request,
        "registry/dwelling_form.html",
        {
            "form": form,
            "dwelling": dwelling,
            "conflict": conflict,
            "warnings": [],
            "errors": error_summary([(None, form)]),
        },
    )
