"""The writes of the DCI endpoints: a transaction received (and, for an asynchronous one, its
callback queued after the commit). Answering it is `answers`."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from padu.accounts.capabilities import Cap
from padu.core.audit import audit_record
from padu.core.errors import DomainError
from padu.core.scoping import require

from . import envelope, signing
from .models import DciClientKey, DciTransaction

Status = DciTransaction.Status
Delivery = DciTransaction.Delivery


class DuplicateMessage(DomainError):
    code = "rjct.message_id.duplicate"


class CallbackRefused(DomainError):
    code = "err.sender_uri.invalid"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def callback_check(url: str | None) -> str:
    """The callback address of an asynchronous request: the header's `sender_uri`, taken only
    when its origin is one the office allowed (PADU_DCI_CALLBACK_ORIGINS): Padu posts people's
    records there, so a client cannot send them anywhere it likes."""
    allowed = {o.rstrip("/").lower() for o in settings.PADU_DCI_CALLBACK_ORIGINS}
    if not url:
        raise CallbackRefused(_("Send the address of your callback in header.sender_uri."))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or _origin(url) not in allowed:
        raise CallbackRefused(
            _(
                "Padu posts callbacks only to the addresses the office allowed "
                "(PADU_DCI_CALLBACK_ORIGINS); %(origin)s is not one of them."
            )
            % {"origin": _origin(url) if parts.netloc else url}
        )
    return url


def transaction_receive(
    *, actor, action: str, header: dict, message: dict, synchronous: bool, request=None
) -> DciTransaction:
    """Record a request. An asynchronous one keeps its message until answered, and its answer
    is computed and posted by `tasks.dci_answer` once this transaction commits."""
    require(actor, Cap.API_USE)
    require(actor, Cap.REGISTRY_VIEW)
    callback = "" if synchronous else callback_check(header.get("sender_uri"))
    try:
        with transaction.atomic():
            txn = DciTransaction.objects.create(
                user=actor,
                created_by=actor,
                updated_by=actor,
                action=action,
                synchronous=synchronous,
                transaction_id=message.get("transaction_id", ""),
                correlation_id=envelope.new_id(),
                message_id=header["message_id"],
                sender_id=header["sender_id"],
                callback_url=callback,
                language=translation.get_language() or "",
                client_ip=request.META.get("REMOTE_ADDR") if request is not None else None,
                request=None if synchronous else message,
                status=Status.RECEIVED if synchronous else Status.PENDING,
                delivery=Delivery.NONE if synchronous else Delivery.QUEUED,
            )
            if not synchronous:
                from .tasks import dci_answer

                transaction.on_commit(lambda: dci_answer.enqueue(txn.pk))
    except IntegrityError as exc:
        raise DuplicateMessage(
            _("This message_id was used already: send each message with a new one.")
        ) from exc
    return txn


def transactions_prune(*, now: datetime.datetime | None = None) -> int:
    """Remove the transactions received more than PADU_DCI_TRANSACTION_RETENTION_DAYS ago, their
    callback delivered or not (one still waiting that long will not be sent any more, and it
    holds the client's query): `registry/txn/status` then answers for them as for an unknown
    transaction. Returns how many were removed. A system job: no actor."""
    days = settings.PADU_DCI_TRANSACTION_RETENTION_DAYS
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    removed, _detail = DciTransaction.objects.filter(created_at__lt=cutoff).delete()
    return removed


def client_keys(user) -> dict[str, str]:
    """The client's active signing keys, {key id: public key}: what its signatures are checked
    against (none: it need not sign, unless PADU_DCI_SIGNATURES_REQUIRED)."""
    active = DciClientKey.objects.filter(user=user, revoked_at__isnull=True)
    return dict(active.values_list("key_id", "public_key"))


def client_key_add(*, actor, client, key_id: str, public_key: str) -> DciClientKey:
    """Register a signing key for a DCI client (an API user): from then on the client signs
    every request. A system step of the office (`padu dci key-add`): `actor` is who does it."""
    require(actor, Cap.USERS_MANAGE)
    key_id, public_key = (key_id or "").strip(), (public_key or "").strip()
    if not key_id or "|" in key_id or len(key_id) > 100:
        raise DomainError(_("A key id is 1 to 100 characters, without “|”."), field="key_id")
    try:
        signing.public_key(public_key)
    except ValueError as exc:
        raise DomainError(
            _("The public key is the base64 of a 32-byte ed25519 public key."),
            field="public_key",
        ) from exc
    with transaction.atomic():
        if DciClientKey.objects.select_for_update().filter(user=client, key_id=key_id).exists():
            raise DomainError(
                _("This client has a key %(key)s already: give the new one another id.")
                % {"key": key_id},
                field="key_id",
            )
        key = DciClientKey.objects.create(
            user=client, key_id=key_id, public_key=public_key, created_by=actor, updated_by=actor
        )
        audit_record(
            actor=actor,
            action="dci.client_key.added",
            obj=key,
            object_repr=str(key),
            after={"client": client.username, "key_id": key_id, "public_key": public_key},
        )
    return key


def client_key_revoke(*, actor, client, key_id: str) -> DciClientKey:
    """Revoke a client's signing key; revoking twice changes nothing."""
    require(actor, Cap.USERS_MANAGE)
    with transaction.atomic():
        key = DciClientKey.objects.select_for_update().filter(user=client, key_id=key_id).first()
        if key is None:
            raise DomainError(_("This client has no key %(key)s.") % {"key": key_id})
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.updated_by = actor
            key.version += 1
            key.save(update_fields=["revoked_at", "updated_by", "version", "updated_at"])
            audit_record(
                actor=actor, action="dci.client_key.revoked", obj=key, object_repr=str(key)
            )
    return key
