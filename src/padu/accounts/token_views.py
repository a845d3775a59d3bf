"""Pages where a user manages his own API tokens (create: the key is shown once; revoke)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from padu.core.errors import DomainError, ValidationFailed

from . import tokens
from .capabilities import Cap
from .decorators import capability_required

EXPIRY_CHOICES = [
    (30, gettext_lazy("30 days")),
    (90, gettext_lazy("90 days")),
    (180, gettext_lazy("180 days")),
    (365, gettext_lazy("1 year")),
]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy(
            "What the token is for, e.g. the program or server that will use it."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    expires_in_days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        choices=EXPIRY_CHOICES,
        coerce=int,
        initial=tokens.DEFAULT_DAYS,
    )


@never_cache
@login_required
@capability_required(Cap.API_TOKENS)
def token_list(request):
    """The user's tokens and a form for a new one. After a successful POST the new key is shown
    in this response only: it is never stored, so it cannot be shown again."""
    form = TokenCreateForm(request.POST or None)
    created = raw_key = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw_key = tokens.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except DomainError as exc:
            if isinstance(exc, ValidationFailed):
                for field, errors in exc.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                form.add_error(None, str(exc))
        else:
            form = TokenCreateForm()
    return render(
        request,
        "accounts/token_list.html",
        {
            "form": form,
            "tokens": tokens.tokens_of(user=request.user),
            "created": created,
            "raw_key": raw_key,
        },
    )


@login_required
@capability_required(Cap.API_TOKENS)
@require_POST
def token_revoke(request, pk: int):
    token = tokens.token_get(user=request.user, pk=pk)
    try:
        tokens.token_revoke(actor=request.user, token=token)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("accounts:token_list")
