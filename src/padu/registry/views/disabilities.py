"""A person's disability records and PPKS assessments: recording an assessment, ending a record,
and assessing against a PPKS category. Each form is a page of its own, and an htmx fragment when
the person's page asks for it inline; the lists are fragments of the person's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.htmx import redirect_after_post, render_page_or_partial

from .. import selectors, services
from ..forms import DisabilityEndForm, DisabilityForm, PPKSAssessmentForm
from .editing import error_summary, form_service, log_access


def _done(request, person, message: str):
    messages.success(request, message)
    return redirect_after_post(request, reverse("registry:person_detail", args=[person.pk]))


def _page(request, person, form, *, title: str, action: str, submit: str, extra=None):
    context = {
        "form_id": action.strip("/").replace("/", "-"),
        "person": person,
        "family": person.family,
        "form": form,
        "title": title,
        "action": action,
        "submit": submit,
        "errors": error_summary([(None, form)]),
        **(extra or {}),
    }
    return render_page_or_partial(
        request,
        "registry/person_record_form.html",
        "registry/partials/_person_record_form.html",
        context,
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def disability_add(request, pk: int):
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    form = DisabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, record = form_service(
            form,
            lambda: services.person_disability_record(
                actor=user, person=person, data=form.to_data()
            ),
        )
        if ok:
            return _done(
                request,
                person,
                _("The disability “%(type)s” of %(name)s has been recorded.")
                % {"type": record.get_type_display(), "name": person.name},
            )
    log_access(request, person, "disability_add")
    return _page(
        request,
        person,
        form,
        title=_("Record a disability of %(name)s") % {"name": person.name},
        action=reverse("registry:disability_add", args=[person.pk]),
        submit=_("Record the disability"),
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def disability_end(request, pk: int):
    user = request.user
    record = selectors.disability_get(user=user, pk=pk)
    person = selectors.person_get(user=user, pk=record.person_id)
    form = DisabilityEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _ended = form_service(
            form,
            lambda: services.person_disability_end(
                actor=user,
                disability=record,
                reason=form.cleaned_data["reason"],
                ended_on=form.cleaned_data["ended_on"],
            ),
        )
        if ok:
            return _done(
                request,
                person,
                _("The disability record “%(type)s” of %(name)s has been ended.")
                % {"type": record.get_type_display(), "name": person.name},
            )
    log_access(request, person, "disability_end")
    return _page(
        request,
        person,
        form,
        title=_("End the disability record “%(type)s” of %(name)s")
        % {"type": record.get_type_display(), "name": person.name},
        action=reverse("registry:disability_end", args=[record.pk]),
        submit=_("End the record"),
        extra={"record": record},
    )


@login_required
@capability_required(Cap.REGISTRY_EDIT)
@require_http_methods(["GET", "POST"])
def ppks_assess(request, pk: int):
    user = request.user
    person = selectors.person_get(user=user, pk=pk)
    form = PPKSAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, assessment = form_service(
            form,
            lambda: services.person_ppks_assess(
                actor=user,
                person=person,
                category_code=form.cleaned_data["category"],
                data=form.to_data(),
            ),
        )
        if ok:
            return _done(
                request,
                person,
                _("The PPKS assessment of %(name)s (%(category)s) has been recorded.")
                % {"name": person.name, "category": assessment.category},
            )
    log_access(request, person, "ppks_assess")
    return _page(
        request,
        person,
        form,
        title=_("Assess %(name)s for a PPKS category") % {"name": person.name},
        action=reverse("registry:ppks_assess", args=[person.pk]),
        submit=_("Record the assessment"),
    )
