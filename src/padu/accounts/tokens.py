"""API tokens: create, revoke, and resolve a presented key to its owner.

A key is `padu_` + `secrets.token_urlsafe(32)` (256 random bits). Only its SHA-256 is stored, so a
leaked database does not leak usable keys; the prefix (the first characters of the key) is kept
in clear so that a user can tell his tokens apart. The key is shown once, when it is created.
A fast hash is enough here: the secret is random, not a password a person chose.
"""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.core.audit import audit_record
from padu.core.errors import DomainError, PermissionDeniedError, ValidationFailed
from padu.core.scoping import require

from .capabilities import Cap
from .models import ApiToken, User

KEY_PREFIX = "padu_"
PREFIX_LENGTH = 12  # "padu_" and 7 characters of the secret: enough to recognise, useless to guess
MAX_DAYS = 365
DEFAULT_DAYS = 90
# last_used_at is written at most once a minute per token, so a busy client does not turn every
# API read into a write on the same row.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def hash_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def token_create(
    *, actor: User, name: str, expires_in_days: int = DEFAULT_DAYS, source: str = ""
) -> tuple[ApiToken, str]:
    """A new token for `actor` himself. Returns the token and the raw key, which is not stored."""
    require(actor, Cap.API_USE)
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the token a name, e.g. the program that will use it.")]
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = [_("The name is too long.")]
    if not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= MAX_DAYS:
        errors["expires_in_days"] = [
            _("A token must expire after 1 to %(max)d days.") % {"max": MAX_DAYS}
        ]
    if errors:
        raise ValidationFailed(errors)
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=raw_key[:PREFIX_LENGTH],
            key_hash=hash_key(raw_key),
            expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
        )
        audit_record(
            actor=actor,
            action="accounts.api_token.created",
            obj=token,
            before=None,
            after={"name": token.name, "prefix": token.prefix, "expires_at": token.expires_at},
            source=source,
        )
    return token, raw_key


def token_revoke(*, actor: User, token: ApiToken, reason: str = "") -> ApiToken:
    """Revoke a token: its owner may, and so may a user manager. Revoking twice changes nothing."""
    if token.user_id != actor.pk and not actor.has_capability(Cap.USERS_MANAGE):
        raise PermissionDeniedError()
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action="accounts.api_token.revoked",
            obj=locked,
            before={"revoked_at": None},
            after={"revoked_at": locked.revoked_at},
            reason=reason,
        )
    return locked


class TokenRejected(DomainError):
    """The presented key does not authenticate anyone (unknown, revoked, expired, inactive user)."""

    code = "unauthenticated"


def token_authenticate(raw_key: str) -> tuple[User, ApiToken]:
    """The user a key belongs to, or TokenRejected with a message saying why."""
    token = (
        ApiToken.objects.select_related("user").filter(key_hash=hash_key(raw_key or "")).first()
        if raw_key
        else None
    )
    if token is None:
        raise TokenRejected(_("The API token is not valid."))
    now = timezone.now()
    if token.revoked_at is not None:
        raise TokenRejected(_("This API token has been revoked."))
    if token.expires_at <= now:
        raise TokenRejected(_("This API token has expired."))
    if not token.user.is_active:
        raise TokenRejected(_("The account this API token belongs to is not active."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_get(*, user: User, pk: int) -> ApiToken:
    from django.http import Http404

    token = tokens_of(user=user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token
