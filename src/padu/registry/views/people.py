"""The person pages: detail with history, add a member, edit (with optimistic locking) and the
status transitions. Views only shape requests: services decide and selectors scope."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.errors import ConflictError, DomainError, ValidationFailed, WarningsNeedConfirmation
from padu.core.htmx import redirect_after_post
from padu.core.records.derive import record_values
from padu.core.scoping import has_capability

from .. import codes, selectors, services
from ..declarations import PERSON
from ..declarations.person import age_on
from ..disclosure import Disclosure, age_band
from ..forms import PersonEditForm, PersonForm, PersonStatusForm
from ..masks import mask_number
from .editing import (
    apply_errors,
    confirm_requested,
    error_summary,
    log_access,
    number_for,
    status_choices,
)
from .history import ValueFormatter, conflict_rows, merged_after_conflict, timeline_page

# Shown by the disability records' own section (and the summary above it).
DISABILITY_FIELDS = ("disability", "disability_severity", "disability_national")


def _national_code(person) -> str:
    return record_values(PERSON, person, ["disability_national"])["disability_national"]


@login_required
@capability_required(Cap.REGISTRY_VIEW)
@require_GET
def person_detail(request, pk: int):
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    disclosure = Disclosure(user)
    log_access(request, person, "person_detail")
    page, rows = timeline_page(
        request,
        selectors.person_timeline(user=user, person=person),
        partial(selectors.import_registrations, user=user, person=person),
    )
    context = {
        "timeline_page": page,
        "timeline": rows,
        "timeline_url": reverse("registry:person_detail", args=[pk]),
        "show_subject": False,
    }
    if getattr(request, "htmx", False) and "history" in request.GET:
        return render(request, "registry/partials/_record_timeline.html", context)
    family = person.family
    fmt = ValueFormatter(user=user)

    def shown(group: str, skip=()) -> list[tuple[str, str]]:
        return [
            (f.title(), fmt.text("registry.person", f.name, getattr(person, f.name)))
            for f in PERSON.fields
            if f.group == group and f.name not in skip
        ]

    fields = shown("identity", skip=("nik",)) + shown("work")
    health = [
        (_("Disability"), person.disability_label or _("none recorded")),
        (
            _("National disability code"),
            fmt.text("registry.person", "disability_national", _national_code(person)) or "—",
        ),
        *shown("health", skip=DISABILITY_FIELDS),
    ]
    context.update(
        {
            "person": person,
            "family": family,
            "nik": disclosure.number(person.nik),
            "kk": disclosure.number(family.kk_number),
            "age": age_on(person.birth_date, timezone.localdate()) if disclosure.full else None,
            "age_band": "" if disclosure.full else age_band(person.birth_date),
            "fields": fields,
            "health": health,
            "ppks": list(person.ppks.all()),
            "disabilities": selectors.person_disabilities(user=user, person=person),
            "assessments": selectors.person_ppks_assessments(user=user, person=person),
            "can_edit": has_capability(user, Cap.REGISTRY_EDIT),
            # A head of family moves only after another member is made the head (splits.py).
            "can_move_family": person.life_status == codes.LifeStatus.ACTIVE
            and person.relationship != codes.Relationship.HEAD,
            "can_view_nik": disclosure.full,
            "can_view_access": has_capability(user, Cap.ACCESS_LOG_VIEW),
            # The programs app fills its section in (htmx): this page knows only the verb.
            "may_see_programs": has_capability(user, Cap.PROGRAM_VIEW),
        }
    )
    return render(request, "registry/person_detail.html", context)


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def member_add(request, pk: int):
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    warnings = []
    has_head = any(
        p.life_status == codes.LifeStatus.ACTIVE and p.relationship == codes.Relationship.HEAD
        for p in selectors.family_members(user=user, family=family)
    )
    initial = {"relationship": codes.Relationship.CHILD if has_head else codes.Relationship.HEAD}
    if request.method == "POST":
        form = PersonForm(request.POST, initial=initial)
        if form.is_valid():
            try:
                person = services.person_add(
                    actor=user,
                    family=family,
                    data=form.to_data(),
                    confirm_warnings=confirm_requested(request),
                )
            except WarningsNeedConfirmation as exc:
                warnings = exc.warnings
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("%(name)s has been added to the family.") % {"name": person.name}
                )
                return redirect_after_post(
                    request, reverse("registry:family_detail", args=[family.pk])
                )
    else:
        form = PersonForm(initial=initial)
    log_access(request, family, "member_add")
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "family": family,
            "kk": number_for(user, family.kk_number),
            "creating": True,
            "warnings": warnings,
            "family_active": family.status == codes.FamilyStatus.ACTIVE,
            "errors": error_summary([(None, form)]),
        },
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    kept = list(person.ppks.values_list("code", flat=True))
    warnings, conflict = [], None
    if request.method == "POST":
        form = PersonEditForm(request.POST, ppks_kept=kept)
        if form.is_valid():
            try:
                services.person_update(
                    actor=user,
                    person=person,
                    expected_version=form.cleaned_data["version"],
                    data=form.to_data(),
                    reason=form.cleaned_data["reason"],
                    confirm_warnings=confirm_requested(request),
                )
            except ConflictError as exc:
                conflict = conflict_rows(exc, "registry.person", user=user)
                merged = merged_after_conflict(exc, form.to_data())
                initial = {
                    **PersonForm.initial_from_data(merged),
                    "version": exc.current_version,
                    "reason": form.cleaned_data["reason"],
                }
                form = PersonEditForm(initial=initial, ppks_kept=kept)
            except WarningsNeedConfirmation as exc:
                warnings = exc.warnings
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("The data of %(name)s has been saved.") % {"name": person.name}
                )
                return redirect_after_post(
                    request, reverse("registry:person_detail", args=[person.pk])
                )
    else:
        form = PersonEditForm(
            initial={**PersonForm.initial_from_instance(person), "version": person.version},
            ppks_kept=kept,
        )
    log_access(request, person, "person_edit")
    return render(
        request,
        "registry/person_form.html",
        {
            "form": form,
            "person": person,
            "family": person.family,
            "kk": number_for(user, person.family.kk_number),
            "creating": False,
            "warnings": warnings,
            "conflict": conflict,
            "errors": error_summary([(None, form)]),
        },
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def person_status(request, pk: int):
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    statuses = status_choices(services.PERSON_TRANSITIONS, person.life_status, codes.LifeStatus)
    successors = []
    if (
        person.relationship == codes.Relationship.HEAD
        and person.life_status == codes.LifeStatus.ACTIVE
    ):
        successors = [
            p
            for p in selectors.family_members(user=user, family=person.family)
            if p.life_status == codes.LifeStatus.ACTIVE and p.pk != person.pk
        ]
    form = PersonStatusForm(request.POST or None, statuses=statuses, successors=successors)
    if request.method == "POST" and form.is_valid():
        new_head_pk = form.cleaned_data.get("new_head")
        new_head = next((p for p in successors if p.pk == new_head_pk), None)
        try:
            services.person_change_status(
                actor=user,
                person=person,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                new_head=new_head,
            )
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except DomainError as exc:
            form.add_error("status" if exc.field == "status" else None, str(exc))
        else:
            messages.success(
                request, _("The status of %(name)s has been changed.") % {"name": person.name}
            )
            return redirect_after_post(request, reverse("registry:person_detail", args=[person.pk]))
    log_access(request, person, "person_status")
    return render(
        request,
        "registry/person_status.html",
        {
            "person": person,
            "family": person.family,
            "nik": person.nik
            if has_capability(user, Cap.REGISTRY_VIEW_NIK)
            else mask_number(person.nik),
            "form": form,
            "errors": error_summary([(None, form)]),
        },
    )
