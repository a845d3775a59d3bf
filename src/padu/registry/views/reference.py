"""PPKS categories: the list with how many people in the admin's area have each, create, rename,
retire and bring back. Categories are never deleted: people's records refer to them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from padu.accounts.capabilities import Cap
from padu.accounts.decorators import capability_required
from padu.core.htmx import redirect_after_post

from .. import selectors, services
from ..forms import PPKSCategoryForm, PPKSStatusForm
from ..models import PPKSCategory
from .editing import error_summary, form_service


@login_required
@capability_required(Cap.REFERENCE_MANAGE)
@require_GET
def ppks_list(request):
    categories = list(selectors.ppks_categories_with_counts(user=request.user))
    return render(
        request,
        "registry/ppks_list.html",
        {
            "categories": categories,
            "active_count": sum(1 for c in categories if c.is_active),
        },
    )


def _next_code() -> int:
    last = PPKSCategory.objects.order_by("-code").values_list("code", flat=True).first()
    return (last or 0) + 1


@login_required
@capability_required(Cap.REFERENCE_MANAGE)
@require_http_methods(["GET", "POST"])
def ppks_create(request):
    form = PPKSCategoryForm(request.POST or None, initial={"code": _next_code()})
    if request.method == "POST" and form.is_valid():
        ok, category = form_service(
            form, lambda: services.ppks_category_create(actor=request.user, **form.cleaned_data)
        )
        if ok:
            messages.success(
                request, _("Category %(name)s has been added.") % {"name": category.name}
            )
            return redirect_after_post(request, reverse("registry:ppks_list"))
    return render(
        request,
        "registry/ppks_form.html",
        {"form": form, "creating": True, "errors": error_summary([(None, form)])},
    )


@login_required
@capability_required(Cap.REFERENCE_MANAGE)
@require_http_methods(["GET", "POST"])
def ppks_edit(request, pk: int):
    category = get_object_or_404(PPKSCategory, pk=pk)
    initial = {"name": category.name, "source": category.source}
    form = PPKSCategoryForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        ok, _saved = form_service(
            form,
            lambda: services.ppks_category_update(
                actor=request.user, category=category, **form.cleaned_data
            ),
        )
        if ok:
            messages.success(request, _("The category has been saved."))
            return redirect_after_post(request, reverse("registry:ppks_list"))
    return render(
        request,
        "registry/ppks_form.html",
        {
            "form": form,
            "category": category,
            "creating": False,
            "status_form": PPKSStatusForm(auto_id="status_%s"),
            "errors": error_summary([(None, form)]),
        },
    )


@login_required
@capability_required(Cap.REFERENCE_MANAGE)
@require_POST
def ppks_status(request, pk: int):
    category = get_object_or_404(PPKSCategory, pk=pk)
    status_form = PPKSStatusForm(request.POST, auto_id="status_%s")
    active = request.POST.get("active") == "1"
    if status_form.is_valid():
        ok, _saved = form_service(
            status_form,
            lambda: services.ppks_category_set_active(
                actor=request.user,
                category=category,
                active=active,
                reason=status_form.cleaned_data["reason"],
            ),
        )
        if ok:
            if active:
                messages.success(
                    request, _("Category %(name)s is in use again.") % {"name": category.name}
                )
            else:
                messages.success(
                    request, _("Category %(name)s is no longer in use.") % {"name": category.name}
                )
            return redirect_after_post(request, reverse("registry:ppks_list"))
    form = PPKSCategoryForm(
        initial={"name": category.name, "source": category.source}, editing=True
    )
    return render(
        request,
        "registry/ppks_form.html",
        {
            "form": form,
            "category": category,
            "creating": False,
            "status_form": status_form,
            "errors": error_summary([(_("Status"), status_form)]),
        },
        status=400,
    )
