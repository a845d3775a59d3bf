"""Answering a DCI transaction: a synchronous one in the request, an asynchronous one in the
task (`tasks.dci_answer`) that posts the answer to the client's callback."""

from __future__ import annotations

import types

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from padu.accounts.capabilities import Cap
from padu.core.scoping import has_capability

from . import envelope, search, selectors, signing
from .models import DciTransaction

Status = DciTransaction.Status
Delivery = DciTransaction.Delivery


def transaction_complete(*, txn: DciTransaction, outcome: list[dict]) -> None:
    """Keep what txn/status reports (no records) and forget the request."""
    txn.outcome = outcome
    txn.status = Status.SUCCEEDED
    txn.request = None
    txn.completed_at = timezone.now()
    txn.version += 1
    txn.save(
        update_fields=["outcome", "status", "request", "completed_at", "version", "updated_at"]
    )


def _search_answer(txn: DciTransaction, message: dict) -> dict:
    """The on-search callback of an asynchronous search, run as the client now."""
    shim = types.SimpleNamespace(META={"REMOTE_ADDR": txn.client_ip})
    responses = search.run(user=txn.user, message=message, purpose="dci_search", request=shim)
    transaction_complete(txn=txn, outcome=search.outcome(responses))
    return {
        "header": envelope.callback_header(
            "on-search",
            receiver_id=txn.sender_id,
            status="succ",
            total=len(responses),
            completed=len(responses),
        ),
        "message": {
            "transaction_id": txn.transaction_id,
            "correlation_id": txn.correlation_id,
            "search_response": responses,
        },
    }


def _status_answer(txn: DciTransaction, message: dict) -> dict:
    body = selectors.txn_status_message(
        user=txn.user, message=message, correlation_id=txn.correlation_id
    )
    transaction_complete(txn=txn, outcome=[])
    return {
        "header": envelope.callback_header(
            "txn-on-status", receiver_id=txn.sender_id, status="succ", total=1, completed=1
        ),
        "message": body,
    }


def _client_allowed(user) -> bool:
    """The client may still read the registry through the API (its token's owner may have been
    deactivated, or lost the right, since it asked)."""
    return has_capability(user, Cap.API_USE) and has_capability(user, Cap.REGISTRY_VIEW)


def transaction_answer(*, transaction_pk: int) -> None:
    """Answer an asynchronous transaction and post the answer to its callback address, once.
    The answer is computed (and the read logged) in one short transaction that marks it as
    being sent; the POST happens after it commits, so that a slow client holds no lock."""
    with transaction.atomic():
        txn = (
            DciTransaction.objects.select_for_update()
            .select_related("user")
            .filter(pk=transaction_pk, delivery=Delivery.QUEUED)
            .first()
        )
        if txn is None:
            return  # answered already (a task run twice)
        message = txn.request or {}
        with translation.override(txn.language or settings.LANGUAGE_CODE):
            if not _client_allowed(txn.user):
                txn.status, txn.request = Status.REJECTED, None
                txn.delivery = Delivery.FAILED
                txn.delivery_error = "the client may no longer read the registry"
                txn.version += 1
                txn.save(
                    update_fields=[
                        *("status", "request", "delivery", "delivery_error"),
                        *("version", "updated_at"),
                    ]
                )
                return
            if txn.action == DciTransaction.Action.SEARCH:
                body = _search_answer(txn, message)
            else:
                body = _status_answer(txn, message)
        txn.delivery = Delivery.SENDING
        txn.version += 1
        txn.save(update_fields=["delivery", "version", "updated_at"])
    delivery, error = Delivery.DELIVERED, ""
    try:
        import_string(settings.PADU_DCI_CALLBACK_SENDER)(txn.callback_url, signing.signed(body))
    except Exception as exc:  # any failure of the client's server is recorded
        delivery, error = Delivery.FAILED, f"{type(exc).__name__}: {exc}"[:500]
    DciTransaction.objects.filter(pk=txn.pk).update(
        delivery=delivery,
        delivery_error=error,
        delivered_at=timezone.now(),
        updated_at=timezone.now(),
        version=F("version") + 1,
    )
