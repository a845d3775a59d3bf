"""The pages that change who lives where, each a named transition (`services.dwellings`,
`services.splits`): a family moves into another dwelling or one of its own, members split off
into a new KK, a member moves to another family. Each is a form, then a confirmation that says
what will happen, then the service; its refusal comes back on the form (`editing.form_service`)
and its history shows on the family and person pages it redirects to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.htmx import redirect_after_post

from .. import codes, selectors, services
from ..household_forms import DwellingPick, FamilyDwellingForm, FamilySplitForm, MemberMoveForm
from ..masks import mask_number
from .editing import error_summary, form_service, log_access, number_for

# Results offered on the member's move page: a search narrows them, a long list helps nobody.
MOVE_RESULTS = 10


def confirm_or_run(request, form, call):
    """(confirming, done, result) for a valid form: shown for confirmation first (unless the user
    came back from that step to change it); once confirmed, the service runs, its refusal put on
    the form (`form_service`)."""
    if request.POST.get("confirm") != "1":
        return "edit" not in request.POST, False, None
    done, result = form_service(form, call)
    return False, done, result


def picked_dwelling(user, form: DwellingPick):
    """(ok, dwelling): the existing dwelling the form names, looked up inside the user's area
    (None for "the same" or "a new one"); not ok, with the error on the form, when not found."""
    if form.cleaned_data["where"] != DwellingPick.OTHER:
        return True, None
    dwelling = selectors.dwelling_by_reference(user=user, reference=form.cleaned_data["reference"])
    if dwelling is None:
        form.not_found()
        return False, None
    return True, dwelling


def dwelling_rows(user, dwelling, *, exclude=None) -> list[dict]:
    """The families of a dwelling as a confirmation lists them (KK masked: a list)."""
    return [
        {"family": f, "kk": mask_number(f.kk_number)}
        for f in selectors.dwelling_families(user=user, dwelling=dwelling, exclude=exclude)
    ]


def _render(request, template: str, form, context: dict):
    return render(
        request,
        template,
        {"form": form, "errors": error_summary([(None, form)]), **context},
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def family_household(request, pk: int):
    """The family moves into another registered dwelling of its kelurahan, or into one of its
    own."""
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    form = FamilyDwellingForm(request.POST or None)
    target, confirming = None, False
    if request.method == "POST" and form.is_valid():
        ok, target = picked_dwelling(user, form)
        if ok:
            confirming, done, _dwelling = confirm_or_run(
                request,
                form,
                lambda: services.family_move_dwelling(
                    actor=user, family=family, dwelling=target, reason=form.cleaned_data["reason"]
                ),
            )
            if done:
                messages.success(request, _("The family's move to another dwelling is recorded."))
                return redirect_after_post(
                    request, reverse("registry:family_detail", args=[family.pk]) + "#household"
                )
    log_access(request, family, "family_household")
    return _render(
        request,
        "registry/family_household.html",
        form,
        {
            "family": family,
            "kk": number_for(user, family.kk_number),
            "current": dwelling_rows(user, family.dwelling) if family.dwelling_id else [],
            "confirming": confirming,
            "target": target,
            "target_families": dwelling_rows(user, target) if target else [],
        },
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def family_split(request, pk: int):
    """Members leave the family to form a new KK (after a marriage, for example)."""
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    active = [
        p
        for p in selectors.family_members(user=user, family=family)
        if p.life_status == codes.LifeStatus.ACTIVE
    ]
    head = next((p for p in active if p.relationship == codes.Relationship.HEAD), None)
    form = FamilySplitForm(
        request.POST or None,
        members=[p for p in active if p.relationship != codes.Relationship.HEAD],
    )
    target, confirming = None, False
    if request.method == "POST" and form.is_valid():
        ok, target = picked_dwelling(user, form)
        if ok:
            confirming, done, new = confirm_or_run(
                request,
                form,
                lambda: services.family_split(
                    actor=user,
                    family=family,
                    kk_number=form.cleaned_data["kk_number"],
                    members=form.leaving(),
                    own_dwelling=form.cleaned_data["where"] == DwellingPick.OWN,
                    dwelling=target,
                    reason=form.cleaned_data["reason"],
                ),
            )
            if done:
                messages.success(
                    request,
                    _("The new family KK %(kk)s has been formed.")
                    % {"kk": number_for(user, new.kk_number)},
                )
                return redirect_after_post(
                    request, reverse("registry:family_detail", args=[new.pk])
                )
    log_access(request, family, "family_split")
    relationship = dict(codes.Relationship.choices)
    return _render(
        request,
        "registry/family_split.html",
        form,
        {
            "family": family,
            "kk": number_for(user, family.kk_number),
            "head": head,
            "is_active": family.status == codes.FamilyStatus.ACTIVE,
            "confirming": confirming,
            "leaving": [{"person": p, "relationship": relationship[r]} for p, r in form.leaving()]
            if confirming
            else [],
            "new_kk": number_for(user, form.cleaned_data.get("kk_number", ""))
            if confirming
            else "",
            "where": DwellingPick.LABELS[form.cleaned_data["where"]] if confirming else "",
            "target": target,
            "target_families": dwelling_rows(user, target) if target else [],
        },
    )


def _move_results(user, person, query: str) -> list[dict]:
    """Active families of the member's kelurahan (the service refuses others) matching the
    search, his own left out."""
    if not query:
        return []
    filters = {"q": query, "kelurahan": person.region_id, "status": codes.FamilyStatus.ACTIVE}
    families = selectors.family_list(user=user, filters=filters).exclude(pk=person.family_id)
    return [
        {
            "family": f,
            "kk": mask_number(f.kk_number),
            "head": next((h.name for h in f.heads if h.life_status == codes.LifeStatus.ACTIVE), ""),
        }
        for f in families[:MOVE_RESULTS]
    ]


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def person_move_family(request, pk: int):
    """The member moves to another family of his kelurahan, found by a search inside the user's
    area, with his relationship to its head."""
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    query = (request.POST.get("q") or request.GET.get("q") or "").strip()[:100]
    form = MemberMoveForm(request.POST or None)
    target, confirming = None, False
    if request.method == "POST" and form.is_valid():
        target = (
            selectors.families_visible(user=user)
            .select_related("region")
            .filter(pk=form.cleaned_data["family"])
            .first()
        )
        if target is None:
            form.add_error("family", form.fields["family"].error_messages["required"])
        else:
            confirming, done, _moved = confirm_or_run(
                request,
                form,
                lambda: services.person_move_family(
                    actor=user,
                    person=person,
                    family=target,
                    relationship=form.cleaned_data["relationship"],
                    reason=form.cleaned_data["reason"],
                ),
            )
            if done:
                messages.success(
                    request,
                    _("%(name)s is now a member of family KK %(kk)s.")
                    % {"name": person.name, "kk": number_for(user, target.kk_number)},
                )
                return redirect_after_post(
                    request, reverse("registry:person_detail", args=[person.pk])
                )
    log_access(request, person, "person_move_family")
    target_head = (
        target.members.filter(
            relationship=codes.Relationship.HEAD, life_status=codes.LifeStatus.ACTIVE
        ).first()
        if target
        else None
    )
    return _render(
        request,
        "registry/person_move_family.html",
        form,
        {
            "person": person,
            "family": person.family,
            "kk": number_for(user, person.family.kk_number),
            "query": query,
            "results": [] if confirming else _move_results(user, person, query),
            "chosen": form["family"].value(),
            "confirming": confirming,
            "target": target,
            "target_kk": mask_number(target.kk_number) if target else "",
            "target_head": target_head,
            "relationship": dict(codes.Relationship.choices).get(
                form.cleaned_data.get("relationship")
            )
            if confirming
            else "",
        },
    )
