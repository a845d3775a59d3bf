"""Bearer-token authentication for the API (keys from accounts.tokens)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from padu.accounts.capabilities import Cap
from padu.accounts.tokens import TokenRejected, token_authenticate
from padu.core.errors import PermissionDeniedError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`. A missing, unknown, revoked or expired key, or one whose
    owner is inactive, is a 401 saying which; an owner whose role may not use the API is a 403.
    Cookies play no part, so no CSRF token is needed (and none is accepted as a substitute)."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get(self.header, "")
        if not header:
            raise TokenRejected(
                _(
                    "Authentication required: send an API token in the header "
                    "Authorization: Bearer <token>."
                )
            )
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise TokenRejected(
                _("Send the API token in the header Authorization: Bearer <token>.")
            )
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str):
        user, api_token = token_authenticate(token)
        if not user.has_capability(Cap.API_USE):
            raise PermissionDeniedError(_("Your role may not use the API."))
        request.user = user
        request.api_token = api_token
        return user
