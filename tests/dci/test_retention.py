"""DCI transactions are kept PADU_DCI_TRANSACTION_RETENTION_DAYS days: `padu dci prune` removes
the older ones, answered or not, and keeps the rest untouched."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from padu.dci.models import DciTransaction
from padu.dci.services import transactions_prune
from tests.factories import DciTransactionFactory


def _received(days_ago: float, **fields) -> DciTransaction:
    txn = DciTransactionFactory(**fields)
    at = timezone.now() - datetime.timedelta(days=days_ago)
    DciTransaction.objects.filter(pk=txn.pk).update(created_at=at)
    return txn


def test_prune_removes_only_transactions_past_the_retention(db, settings):
    settings.PADU_DCI_TRANSACTION_RETENTION_DAYS = 30
    old = _received(31)
    stuck = _received(45, delivery=DciTransaction.Delivery.QUEUED, request={"search_request": []})
    recent = _received(29)
    out = io.StringIO()
    call_command("dci", "prune", stdout=out)
    assert set(DciTransaction.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not DciTransaction.objects.filter(pk__in=[old.pk, stuck.pk]).exists()
    assert "2" in out.getvalue()
    recent_outcome = recent.outcome
    recent.refresh_from_db()
    assert recent.outcome == recent_outcome


def test_prune_follows_the_setting(db, settings):
    _received(10)
    settings.PADU_DCI_TRANSACTION_RETENTION_DAYS = 11
    assert transactions_prune() == 0
    settings.PADU_DCI_TRANSACTION_RETENTION_DAYS = 9
    assert transactions_prune() == 1
    assert not DciTransaction.objects.exists()


def test_a_pruned_transaction_is_unknown_to_txn_status(dci, world, psm, token, settings):
    from .conftest import status_body

    mine = _received(100, user=psm, created_by=psm, updated_by=psm, transaction_id="t-old")
    body = status_body("transaction_id", "t-old")
    before = dci.post("/registry/sync/txn/status", body, token=token(psm))
    found = before.data["message"]["txnstatus_response"]["txn_status"]
    assert found["correlation_id"] == mine.correlation_id
    settings.PADU_DCI_TRANSACTION_RETENTION_DAYS = 90
    transactions_prune()
    after = dci.post(
        "/registry/sync/txn/status", status_body("transaction_id", "t-old"), token=token(psm)
    )
    [item] = after.data["message"]["txnstatus_response"]["txn_status"]["search_response"]
    assert item["status_reason_code"] == "rjct.reference_id.invalid"


def test_a_received_transaction_carries_its_client_as_author(dci, world, psm, token):
    from .conftest import idtype, search_body

    dci.post("/registry/sync/search", search_body(idtype("UIN", "1" * 16)), token=token(psm))
    txn = DciTransaction.objects.get()
    assert (txn.created_by, txn.updated_by) == (psm, psm)
    assert txn.version == 2  # received, then answered
