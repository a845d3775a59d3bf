"""The desil correction page of a family: the form (desil, period, reason) above the family's
desil over time (each period, and where the desil came from), which the family page shows too."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.errors import ConflictError, DomainError, ValidationFailed
from padu.core.htmx import redirect_after_post

from .. import selectors, services
from ..forms import DesilCorrectionForm
from .editing import apply_errors, error_summary, log_access, number_for


@login_required
@capability_required(Cap.REGISTRY_VIEW, Cap.DESIL_CORRECT)
@require_http_methods(["GET", "POST"])
def family_desil(request, pk: int):
    user = request.user
    family = selectors.family_get(user=user, pk=pk)
    initial = {
        "version": family.version,
        "desil": family.desil,
        "period": family.desil_period,
    }
    if request.method == "POST":
        form = DesilCorrectionForm(request.POST, initial=initial)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.family_correct_desil(
                    actor=user,
                    family=family,
                    expected_version=data["version"],
                    desil=data.get("desil"),
                    period=data.get("period"),
                    reason=data["reason"],
                )
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            except ConflictError:
                form.add_error(
                    None,
                    _(
                        "Someone else changed this family while you were correcting its desil. "
                        "The history below is the current one: check it, then correct again."
                    ),
                )
                family = selectors.family_get(user=user, pk=pk)
                form.data = form.data.copy()
                form.data["version"] = family.version
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The family's desil has been corrected."))
                return redirect_after_post(
                    request, reverse("registry:family_detail", args=[family.pk]) + "#desil"
                )
    else:
        form = DesilCorrectionForm(initial=initial)
    log_access(request, family, "family_desil")
    return render(
        request,
        "registry/family_desil.html",
        {
            "family": family,
            "kk": number_for(user, family.kk_number),
            "desil_timeline": selectors.family_desil_timeline(user=user, family=family),
            "form": form,
            "errors": error_summary([("", form)]),
        },
    )
