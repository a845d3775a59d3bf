"""The client's own transactions, read back by `registry/txn/status`: a client sees only the
transactions it sent (its token's owner), whatever its area."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from . import envelope
from .models import DciTransaction

# A status asked by reference ids looks through the client's latest searches only.
RECENT = 500


def transactions_of(*, user) -> QuerySet[DciTransaction]:
    return DciTransaction.objects.filter(user=user, action=DciTransaction.Action.SEARCH)


def transaction_find(*, user, attribute_type: str, value) -> tuple[DciTransaction | None, list]:
    """The search transaction a txn-status request names, and the reference ids it asks about
    (none: all of the transaction's)."""
    mine = transactions_of(user=user).order_by("-created_at", "-pk")
    if attribute_type == "transaction_id":
        return mine.filter(transaction_id=str(value)).first(), []
    if attribute_type == "correlation_id":
        return mine.filter(correlation_id=str(value)).first(), []
    wanted = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    for txn in mine[:RECENT]:
        known = {o.get("reference_id") for o in txn.outcome} | {
            r.get("reference_id") for r in (txn.request or {}).get("search_request", [])
        }
        if known & set(wanted):
            return txn, wanted
    return None, wanted


def _items(txn: DciTransaction, references: list) -> list[dict]:
    """The status of each search of the transaction: its outcome once answered, pending before."""
    if txn.outcome:
        items = [{k: v for k, v in o.items() if k != "total_count"} for o in txn.outcome]
    else:
        items = [
            {
                "reference_id": r.get("reference_id", ""),
                "timestamp": envelope.now(),
                "status": txn.status,
            }
            for r in (txn.request or {}).get("search_request", [])
        ]
    return [i for i in items if not references or i["reference_id"] in references]


def txn_status_message(*, user, message: dict, correlation_id: str) -> dict:
    """TxnStatusResponse for a (schema-valid) TxnStatusRequest of `user`."""
    ask = message["txnstatus_request"]
    found, references = transaction_find(
        user=user, attribute_type=ask["attribute_type"], value=ask["attribute_value"]
    )
    if found is None:
        status = {
            "transaction_id": message["transaction_id"],
            "correlation_id": "",
            "search_response": [
                {
                    "reference_id": ask["reference_id"],
                    "timestamp": envelope.now(),
                    "status": "rjct",
                    "status_reason_code": "rjct.reference_id.invalid",
                    "status_reason_message": _("You sent no search with this id."),
                }
            ],
        }
    else:
        status = {
            "transaction_id": found.transaction_id,
            "correlation_id": found.correlation_id,
            "search_response": _items(found, references),
        }
    return {
        "transaction_id": message["transaction_id"],
        "correlation_id": correlation_id,
        "txnstatus_response": {"txn_type": ask["txn_type"], "txn_status": status},
    }
