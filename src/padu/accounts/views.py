from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from padu.core.errors import DomainError, ValidationFailed
from padu.core.exports import Table, dated_filename, export_response, requested_format
from padu.core.htmx import querystring_without_page, render_page_or_partial
from padu.core.scoping import has_capability, in_scope

from . import selectors, services
from .capabilities import Cap
from .decorators import capability_required
from .forms import ActiveForm, SetPasswordForm, UserCreateForm, UserEditForm, UserFilterForm

PROFILE_FIELDS = services.PROFILE_FIELDS
USERS_PER_PAGE = 50
# The status and password forms share the page with the profile form: distinct element ids.
STATUS_AUTO_ID = "status_%s"
PASSWORD_AUTO_ID = "newpw_%s"  # noqa: S105 (an element id pattern)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "failure_limit": settings.AXES_FAILURE_LIMIT}

    def form_valid(self, form):
        response = super().form_valid(form)
        # The saved language follows the user to a new device, also for pages before the next login.
        language = form.get_user().language
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        try:
            services.user_change_own_password(
                user=self.request.user, password=form.cleaned_data["new_password1"]
            )
        except DomainError as exc:
            _apply_errors(form, exc, field_map={"password": "new_password1"})
            return self.form_invalid(form)
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return redirect(self.get_success_url())


def _apply_errors(form, exc: DomainError, field_map: dict | None = None) -> None:
    field_map = field_map or {}
    if isinstance(exc, ValidationFailed):
        for field, errors in exc.errors.items():
            field = field_map.get(field, field)
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        field = field_map.get(exc.field, exc.field)
        form.add_error(field if field in form.fields else None, str(exc))


def _filters(request) -> tuple[UserFilterForm, dict]:
    form = UserFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, filters


@login_required
@capability_required(Cap.USERS_MANAGE)
@require_GET
def user_list(request):
    form, filters = _filters(request)
    users = selectors.user_list(user=request.user, filters=filters)
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    return render_page_or_partial(
        request,
        "accounts/user_list.html",
        "accounts/partials/_user_rows.html",
        {
            "form": form,
            "page": page,
            "counts": selectors.user_counts(user=request.user),
            "filtered": any(filters.values()),
            "querystring": querystring_without_page(request),
        },
    )


@login_required
@capability_required(Cap.USERS_MANAGE)
@require_GET
def user_export(request):
    _form, filters = _filters(request)
    file_format = requested_format(request)
    users = services.user_export(actor=request.user, filters=filters, file_format=file_format)
    header = [
        _("Username"),
        _("First name"),
        _("Last name"),
        _("Role"),
        _("Regions"),
        _("Organisation"),
        _("Email"),
        _("Phone"),
        _("Active"),
        _("Last login"),
        _("Joined"),
    ]
    rows = (
        [
            u.username,
            u.first_name,
            u.last_name,
            u.get_role_display(),
            " ".join(s.region_id for s in u.scopes.all()),
            u.organisation,
            u.email,
            u.phone,
            u.is_active,
            u.last_login,
            u.date_joined,
        ]
        for u in users
    )
    return export_response(
        file_format, dated_filename("padu-pengguna"), Table(header, rows, title=_("Users"))
    )


@login_required
@capability_required(Cap.USERS_MANAGE)
def user_create(request):
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                role=data["role"],
                regions=list(data["regions"]),
                **{k: data[k] for k in PROFILE_FIELDS},
            )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s was created.") % {"name": created.username})
            return redirect("accounts:user_detail", pk=created.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


def _detail_page(request, target, *, form=None, active_form=None, password_form=None, status=200):
    if form is None:
        initial = {
            **{k: getattr(target, k) for k in (*PROFILE_FIELDS, "username", "role")},
            "regions": [s.region for s in target.scopes.all()],
        }
        form = UserEditForm(actor=request.user, initial=initial)
    scopes = [
        {"scope": s, "mine": in_scope(request.user, s.region_id)} for s in target.scopes.all()
    ]
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "target": target,
            "scopes": scopes,
            "is_self": target.pk == request.user.pk,
            "can_change": selectors.user_can_change(actor=request.user, user=target),
            "active_form": active_form or ActiveForm(auto_id=STATUS_AUTO_ID),
            "password_form": password_form or SetPasswordForm(auto_id=PASSWORD_AUTO_ID),
            "can_view_audit": has_capability(request.user, Cap.AUDIT_VIEW),
        },
        status=status,
    )


@login_required
@capability_required(Cap.USERS_MANAGE)
def user_detail(request, pk: int):
    target = selectors.user_get(user=request.user, pk=pk)
    if request.method != "POST":
        return _detail_page(request, target)
    form = UserEditForm(
        request.POST,
        actor=request.user,
        initial={"username": target.username},
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=target,
                role=data["role"],
                regions=list(data["regions"]),
                reason=data["reason"],
                **{k: data[k] for k in PROFILE_FIELDS},
            )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("accounts:user_detail", pk=target.pk)
    return _detail_page(request, target, form=form)


@login_required
@capability_required(Cap.USERS_MANAGE)
@require_POST
def user_toggle_active(request, pk: int):
    """Deactivate or reactivate: the form says which (`active`), so a double submit is harmless."""
    target = selectors.user_get(user=request.user, pk=pk)
    form = ActiveForm(request.POST, auto_id=STATUS_AUTO_ID)
    if form.is_valid():
        active = form.cleaned_data["active"]
        try:
            services.user_set_active(
                actor=request.user, user=target, active=active, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            if active:
                messages.success(request, _("The account was reactivated."))
            else:
                messages.success(request, _("The account was deactivated."))
            return redirect("accounts:user_detail", pk=target.pk)
    return _detail_page(request, target, active_form=form)


@login_required
@capability_required(Cap.USERS_MANAGE)
@require_POST
def user_reset_password(request, pk: int):
    target = selectors.user_get(user=request.user, pk=pk)
    form = SetPasswordForm(request.POST, auto_id=PASSWORD_AUTO_ID)
    if form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=target, password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The new password was set. Hand it to %(name)s in person and ask for it "
                    "to be changed after the next login."
                )
                % {"name": target},
            )
            return redirect("accounts:user_detail", pk=target.pk)
    return _detail_page(request, target, password_form=form)
