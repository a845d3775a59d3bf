"""The family pages: detail with history and members, register (with its members), edit (with
optimistic locking), the shared dwelling, and the status and head-of-family transitions. Views only
shape requests: services decide and selectors scope."""

import re
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.errors import ConflictError, DomainError, ValidationFailed, WarningsNeedConfirmation
from padu.core.htmx import redirect_after_post
from padu.core.scoping import has_capability

from .. import codes, selectors, services
from ..declarations.dwelling import HOUSING_FIELDS
from ..declarations.person import age_on
from ..disclosure import Disclosure, age_band
from ..forms import (
    MEMBERS_PREFIX,
    FamilyEditForm,
    FamilyForm,
    HeadChangeForm,
    MemberFormSet,
    StatusForm,
)
from ..household_forms import RegisterDwellingForm
from ..masks import mask_number
from ..models import PPKSCategory
from .editing import (
    apply_errors,
    confirm_requested,
    error_summary,
    log_access,
    number_for,
    status_choices,
)
from .history import conflict_rows, merged_after_conflict, timeline_page
from .households import picked_dwelling

HEAD_INITIAL = [{"relationship": codes.Relationship.HEAD}]
# The register form's dwelling fields: their own names, beside the family's and the members'.
DWELLING_PREFIX = "dwelling"


def _member_rows(members, disclosure: Disclosure) -> list[dict]:
    """The members as the family page lists them: NIK masked (a list), age as the user may see
    it (a band of years for a masked role)."""
    return [
        {
            "person": person,
            "nik": mask_number(person.nik),
            "age": age_on(person.birth_date, disclosure.today)
            if disclosure.full
            else age_band(person.birth_date, disclosure.today),
            "ppks": list(person.ppks.all()),
        }
        for person in members
    ]


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def family_detail(request, pk: int):
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    disclosure = Disclosure(user)
    log_access(request, family, "family_detail")
    page, rows = timeline_page(
        request,
        selectors.family_timeline(user=user, family=family),
        partial(selectors.import_registrations, user=user, family=family),
    )
    context = {
        "timeline_page": page,
        "timeline": rows,
        "timeline_url": reverse("registry:family_detail", args=[pk]),
        "show_subject": True,
    }
    if getattr(request, "htmx", False) and "history" in request.GET:
        return render(request, "registry/partials/_record_timeline.html", context)
    members = list(selectors.family_members(user=user, family=family))
    active = [m for m in members if m.life_status == codes.LifeStatus.ACTIVE]
    context.update(
        {
            "family": family,
            "kk": disclosure.number(family.kk_number),
            "kelurahan": family.region,
            "kecamatan": family.region.parent,
            "members": _member_rows(members, disclosure),
            "active_count": len(active),
            "head": next((m for m in active if m.relationship == codes.Relationship.HEAD), None),
            "desil_timeline": selectors.family_desil_timeline(user=user, family=family),
            "can_correct_desil": has_capability(user, Cap.DESIL_CORRECT),
            # The programs app fills its section in (htmx): this page knows only the verb.
            "may_see_programs": has_capability(user, Cap.PROGRAM_VIEW),
            "dwelling": family.dwelling,
            "livestock": [
                (codes.Livestock(k).label, n)
                for k, n in (family.livestock or {}).items()
                if k in codes.Livestock.values
            ],
            "can_edit": has_capability(user, Cap.REGISTRY_EDIT),
            "is_active": family.status == codes.FamilyStatus.ACTIVE,
            "household": [
                {"family": other, "kk": mask_number(other.kk_number)}
                for other in (
                    selectors.dwelling_families(
                        user=user, dwelling=family.dwelling, exclude=family.pk
                    )
                    if family.dwelling_id
                    else []
                )
            ],
        }
    )
    return render(request, "registry/family_detail.html", context)


def _formset(user, data=None):
    categories = list(PPKSCategory.objects.all())
    return MemberFormSet(
        data,
        prefix=MEMBERS_PREFIX,
        initial=HEAD_INITIAL,
        form_kwargs={"ppks_categories": categories},
    )


def _with_extra_member(post):
    data = post.copy()
    try:
        total = max(1, int(data.get(f"{MEMBERS_PREFIX}-TOTAL_FORMS") or 1))
    except ValueError:
        total = 1
    data[f"{MEMBERS_PREFIX}-TOTAL_FORMS"] = str(min(total + 1, MemberFormSet.absolute_max))
    return data, total


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def family_create(request):
    user = request.user
    if request.method == "GET" and "member" in request.GET:
        return _member_fragment(request)
    warnings, member_errors, new_member = [], [], None
    if request.method == "POST" and "add_member" in request.POST:
        data, new_member = _with_extra_member(request.POST)
        family_form, formset = FamilyForm(data, user=user), _formset(user, data)
        dwelling_form = RegisterDwellingForm(data, prefix=DWELLING_PREFIX)
        family_form.hold_errors()
        dwelling_form.hold_errors()
        formset.hold_errors()
        if new_member < len(formset.forms):
            formset.forms[new_member].fields["nik"].widget.attrs["autofocus"] = True
    elif request.method == "POST":
        family_form, formset = FamilyForm(request.POST, user=user), _formset(user, request.POST)
        dwelling_form = RegisterDwellingForm(request.POST, prefix=DWELLING_PREFIX)
        forms_ok = family_form.is_valid() & formset.is_valid() & dwelling_form.is_valid()
        found, dwelling = picked_dwelling(user, dwelling_form) if forms_ok else (False, None)
        if found:
            member_forms = [
                f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                family = services.family_register(
                    actor=user,
                    data=family_form.to_data(),
                    members=[f.to_data() for f in member_forms],
                    housing=dwelling_form.housing() if dwelling is None else None,
                    dwelling=dwelling,
                    confirm_warnings=confirm_requested(request),
                )
            except WarningsNeedConfirmation as exc:
                warnings = exc.warnings
            except ValidationFailed as exc:
                member_errors = _apply_register_errors(
                    family_form, member_forms, exc.errors, dwelling_form=dwelling_form
                )
            except DomainError as exc:
                target = dwelling_form if exc.field == "dwelling" else family_form
                target.add_error("reference" if target is dwelling_form else None, str(exc))
            else:
                messages.success(request, _("The family has been registered."))
                return redirect_after_post(
                    request, reverse("registry:family_detail", args=[family.pk])
                )
        else:
            member_errors = list(formset.non_form_errors())
    else:
        family_form, formset = FamilyForm(user=user), _formset(user)
        dwelling_form = RegisterDwellingForm(prefix=DWELLING_PREFIX)
    titles = [(None, family_form), (_("Dwelling"), dwelling_form)] + [
        (_("Member %(number)d") % {"number": i + 1}, f) for i, f in enumerate(formset.forms)
    ]
    return render(
        request,
        "registry/family_form.html",
        {
            "form": family_form,
            "formset": formset,
            "dwelling_form": dwelling_form,
            "creating": True,
            "warnings": warnings,
            "member_errors": member_errors,
            "errors": []
            if new_member is not None
            else [{"href": "#members", "text": e} for e in member_errors] + error_summary(titles),
            "new_member": new_member,
            "next_member": formset.total_form_count(),
            "max_members": MemberFormSet.absolute_max,
        },
    )


def _apply_register_errors(family_form, member_forms, errors: dict, *, dwelling_form) -> list[str]:
    member_errors = []
    family_errors, housing_errors = {}, {}
    for key, messages_ in errors.items():
        match = re.match(r"^members\.(\d+)\.(\w+)$", key)
        if match and int(match.group(1)) < len(member_forms):
            apply_errors(member_forms[int(match.group(1))], {match.group(2): messages_})
        elif key == "members":
            member_errors.extend(messages_)
        elif key in HOUSING_FIELDS:
            housing_errors[key] = messages_
        else:
            family_errors[key] = messages_
    apply_errors(family_form, family_errors)
    apply_errors(dwelling_form, housing_errors)
    return member_errors


def _member_fragment(request):
    """htmx: the form of one more member, and the updated form count (out of band)."""
    try:
        index = int(request.GET.get("member", ""))
    except ValueError as exc:
        raise Http404 from exc
    if not 0 <= index < MemberFormSet.absolute_max:
        raise Http404
    formset = _formset(request.user)
    form = formset.form(
        auto_id=formset.auto_id,
        prefix=formset.add_prefix(index),
        empty_permitted=True,
        use_required_attribute=False,
        renderer=formset.renderer,
        **formset.get_form_kwargs(None),
    )
    formset.add_fields(form, None)
    return render(
        request,
        "registry/partials/_family_member_form.html",
        {
            "member": form,
            "index": index,
            "number": index + 1,
            "oob": True,
            "next_member": index + 1,
            "max_members": MemberFormSet.absolute_max,
            "total_forms_name": f"{MEMBERS_PREFIX}-TOTAL_FORMS",
        },
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def family_edit(request, pk: int):
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    conflict = None
    warnings = []
    if request.method == "POST":
        form = FamilyEditForm(request.POST, user=user, keep_region=family.region_id)
        if form.is_valid():
            try:
                services.family_update(
                    actor=user,
                    family=family,
                    expected_version=form.cleaned_data["version"],
                    data=form.to_data(),
                    reason=form.cleaned_data["reason"],
                    confirm_warnings=confirm_requested(request),
                )
            except ConflictError as exc:
                conflict = conflict_rows(exc, "registry.family", user=user)
                merged = merged_after_conflict(exc, form.to_data())
                initial = {
                    **FamilyForm.initial_from_data(merged),
                    "version": exc.current_version,
                    "reason": form.cleaned_data["reason"],
                }
                form = FamilyEditForm(initial=initial, user=user, keep_region=family.region_id)
            except WarningsNeedConfirmation as exc:
                warnings = exc.warnings
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The family's data has been saved."))
                return redirect_after_post(
                    request, reverse("registry:family_detail", args=[family.pk])
                )
    else:
        form = FamilyEditForm(
            initial={**FamilyForm.initial_from_instance(family), "version": family.version},
            user=user,
            keep_region=family.region_id,
        )
    log_access(request, family, "family_edit")
    return render(
        request,
        "registry/family_form.html",
        {
            "form": form,
            "family": family,
            "kk": number_for(user, family.kk_number),
            "creating": False,
            "conflict": conflict,
            "warnings": warnings,
            "errors": error_summary([(None, form)]),
        },
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def family_status(request, pk: int):
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    statuses = status_choices(services.FAMILY_TRANSITIONS, family.status, codes.FamilyStatus)
    active = [
        p
        for p in selectors.family_members(user=user, family=family)
        if p.life_status == codes.LifeStatus.ACTIVE
    ]
    head = next((p for p in active if p.relationship == codes.Relationship.HEAD), None)
    candidates = [p for p in active if p.relationship != codes.Relationship.HEAD]
    which = request.POST.get("form") if request.method == "POST" else None
    status_form = StatusForm(
        request.POST if which == "status" else None, statuses=statuses, prefix="status"
    )
    head_form = HeadChangeForm(
        request.POST if which == "head" else None,
        candidates=candidates,
        has_head=head is not None,
        prefix="head",
    )
    if which == "status" and status_form.is_valid():
        try:
            services.family_change_status(
                actor=user,
                family=family,
                status=status_form.cleaned_data["status"],
                reason=status_form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            apply_errors(status_form, exc.errors)
        except DomainError as exc:
            status_form.add_error("status" if exc.field == "status" else None, str(exc))
        else:
            messages.success(request, _("The family's status has been changed."))
            return redirect_after_post(request, reverse("registry:family_detail", args=[family.pk]))
    elif which == "head" and head_form.is_valid():
        new_head = next(p for p in candidates if p.pk == head_form.cleaned_data["new_head"])
        try:
            services.family_change_head(
                actor=user,
                family=family,
                new_head=new_head,
                former_head_relationship=head_form.cleaned_data.get("former_head_relationship"),
                reason=head_form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            apply_errors(head_form, exc.errors)
        except DomainError as exc:
            head_form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("%(name)s is now the head of family.") % {"name": new_head.name}
            )
            return redirect_after_post(request, reverse("registry:family_detail", args=[family.pk]))
    elif which not in (None, "status", "head"):
        raise Http404
    log_access(request, family, "family_status")
    return render(
        request,
        "registry/family_status.html",
        {
            "family": family,
            "kk": number_for(user, family.kk_number),
            "status_form": status_form,
            "head_form": head_form if candidates else None,
            "head": head,
            "active_count": len(active),
            "errors": error_summary([(_("Status"), status_form), (_("Head of family"), head_form)]),
        },
    )
