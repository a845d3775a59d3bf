"""The asynchronous search and the transaction status: an acknowledgement, then the answer
posted to the client's callback (checked against the standard's on-search and txn/on-status
requests); what a transaction keeps; and a real POST to a local server."""

import http.server
import json
import threading

import pytest

from padu.accounts.capabilities import Role
from padu.core.models import AccessLog
from padu.dci import callbacks as sender
from padu.dci.models import DciTransaction
from tests.factories import make_user

from .conftest import (
    CALLBACK,
    STATUS_CALLBACK,
    assert_valid,
    idtype,
    published,
    search_body,
    status_body,
)

ASYNC = "/registry/search"
SYNC = "/registry/sync/search"


def ack_of(response) -> str:
    assert response.status_code == 200
    assert response.data["message"]["ack_status"] == "ACK"
    return response.data["message"]["correlation_id"]


def test_search_is_acknowledged_then_answered_at_the_callback(
    dci, world, psm, token, callbacks, django_capture_on_commit_callbacks
):
    body = search_body(idtype("KK", world["fam_a"].kk_number), sender_uri=CALLBACK)
    with django_capture_on_commit_callbacks(execute=True):
        response = dci.post(ASYNC, body, token=token(psm))
    correlation = ack_of(response)
    [(url, posted)] = callbacks
    assert url == CALLBACK
    assert_valid(published("/registry/on-search", "request"), posted)
    assert posted["header"]["action"] == "on-search"
    assert posted["header"]["receiver_id"] == "spmis.example.org"
    assert posted["message"]["transaction_id"] == body["message"]["transaction_id"]
    assert posted["message"]["correlation_id"] == correlation
    [item] = posted["message"]["search_response"]
    [group] = item["data"]["reg_records"]
    assert group["group_identifier"][0]["identifier_value"] == world["fam_a"].kk_number
    txn = DciTransaction.objects.get()
    assert (txn.status, txn.delivery, txn.request) == ("succ", "delivered", None)
    log = AccessLog.objects.get()
    assert (log.user, log.purpose, log.rows) == (psm, "dci_search", 1)


def test_before_the_commit_the_request_waits(dci, world, psm, token, callbacks):
    body = search_body(idtype("KK", world["fam_a"].kk_number), sender_uri=CALLBACK)
    ack_of(dci.post(ASYNC, body, token=token(psm)))
    txn = DciTransaction.objects.get()
    assert (txn.status, txn.delivery) == ("pdng", "queued")
    assert txn.request == body["message"]
    assert callbacks == []
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize(
    ("uri", "words"),
    [
        (None, "sender_uri"),
        ("https://evil.example.com/on-search", "https://evil.example.com"),
        ("ftp://spmis.example.org/on-search", "ftp://"),
    ],
)
def test_a_callback_address_not_allowed_is_refused(dci, world, psm, token, callbacks, uri, words):
    body = search_body(idtype("KK", world["fam_a"].kk_number), sender_uri=uri)
    response = dci.post(ASYNC, body, token=token(psm))
    assert response.status_code == 400
    assert response.data["message"]["error"]["code"] == "err.sender_uri.invalid"
    assert words in response.data["message"]["error"]["message"]
    assert DciTransaction.objects.count() == 0


def test_a_bad_header_of_an_async_request_is_an_error(dci, world, psm, token, callbacks):
    body = search_body(idtype("KK", "1" * 16), sender_uri=CALLBACK, version="0.9")
    response = dci.post(ASYNC, body, token=token(psm))
    assert response.data["message"]["error"]["code"] == "err.version.not_supported"
    assert DciTransaction.objects.count() == 0


def test_a_failed_callback_is_recorded(
    dci, world, psm, token, settings, django_capture_on_commit_callbacks
):
    settings.PADU_DCI_CALLBACK_ORIGINS = ["http://127.0.0.1:9"]
    settings.PADU_DCI_CALLBACK_TIMEOUT_SECONDS = 2
    body = search_body(idtype("KK", "1" * 16), sender_uri="http://127.0.0.1:9/on-search")
    with django_capture_on_commit_callbacks(execute=True):
        ack_of(dci.post(ASYNC, body, token=token(psm)))
    txn = DciTransaction.objects.get()
    assert txn.delivery == "failed"
    assert txn.delivery_error
    assert txn.request is None


def test_a_client_that_lost_its_access_gets_no_answer(
    dci, world, psm, token, callbacks, django_capture_on_commit_callbacks
):
    body = search_body(idtype("KK", world["fam_a"].kk_number), sender_uri=CALLBACK)
    key = token(psm)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        ack_of(dci.post(ASYNC, body, token=key))
    psm.is_active = False
    psm.save(update_fields=["is_active"])
    for run in queued:
        run()
    assert callbacks == []
    txn = DciTransaction.objects.get()
    assert (txn.status, txn.delivery, txn.request) == ("rjct", "failed", None)
    assert AccessLog.objects.count() == 0


def test_an_answered_transaction_is_not_answered_twice(
    dci, world, psm, token, callbacks, django_capture_on_commit_callbacks
):
    from padu.dci.answers import transaction_answer

    body = search_body(idtype("KK", world["fam_a"].kk_number), sender_uri=CALLBACK)
    with django_capture_on_commit_callbacks(execute=True):
        ack_of(dci.post(ASYNC, body, token=token(psm)))
    transaction_answer(transaction_pk=DciTransaction.objects.get().pk)
    assert len(callbacks) == 1


# ------------------------------------------------------------------------- transaction status


def searched(dci, key, world, **kwargs) -> dict:
    body = search_body(idtype("KK", world["fam_a"].kk_number), idtype("UIN", "x"), **kwargs)
    response = dci.post(SYNC, body, token=key)
    return {"body": body, "correlation_id": response.data["message"]["correlation_id"]}


def status_items(response) -> dict:
    assert response.status_code == 200
    assert response.data["header"]["action"] == "txn-on-status"
    return response.data["message"]["txnstatus_response"]["txn_status"]


@pytest.mark.parametrize("attribute", ["transaction_id", "correlation_id"])
def test_status_of_a_search_by_its_ids(dci, world, psm, token, attribute):
    key = token(psm)
    done = searched(dci, key, world)
    value = (
        done["body"]["message"]["transaction_id"]
        if attribute == "transaction_id"
        else done["correlation_id"]
    )
    status = status_items(
        dci.post("/registry/sync/txn/status", status_body(attribute, value), token=key)
    )
    assert status["correlation_id"] == done["correlation_id"]
    assert [(i["reference_id"], i["status"]) for i in status["search_response"]] == [
        ("ref-1", "succ"),
        ("ref-2", "succ"),
    ]
    assert all("data" not in i for i in status["search_response"])


def test_status_by_reference_ids(dci, world, psm, token):
    key = token(psm)
    searched(dci, key, world)
    body = status_body("reference_id_list", ["ref-2"])
    status = status_items(dci.post("/registry/sync/txn/status", body, token=key))
    assert [i["reference_id"] for i in status["search_response"]] == ["ref-2"]


def test_status_of_another_clients_search_is_not_found(dci, world, psm, token):
    done = searched(dci, token(psm), world)
    other = make_user(Role.PSM, scope=world["fam_a"].region_id)
    body = status_body("correlation_id", done["correlation_id"])
    status = status_items(dci.post("/registry/sync/txn/status", body, token=token(other)))
    [item] = status["search_response"]
    assert (item["status"], item["status_reason_code"]) == ("rjct", "rjct.reference_id.invalid")


def test_status_of_a_pending_search(dci, world, psm, token, callbacks):
    key = token(psm)
    body = search_body(idtype("KK", world["fam_a"].kk_number), sender_uri=CALLBACK)
    ack_of(dci.post(ASYNC, body, token=key))  # not committed: not answered yet
    ask = status_body("transaction_id", body["message"]["transaction_id"])
    status = status_items(dci.post("/registry/sync/txn/status", ask, token=key))
    assert [i["status"] for i in status["search_response"]] == ["pdng"]


def test_async_status_is_posted_to_the_callback(
    dci, world, psm, token, callbacks, django_capture_on_commit_callbacks
):
    key = token(psm)
    done = searched(dci, key, world)
    ask = status_body("correlation_id", done["correlation_id"], sender_uri=STATUS_CALLBACK)
    with django_capture_on_commit_callbacks(execute=True):
        correlation = ack_of(dci.post("/registry/txn/status", ask, token=key))
    [(url, posted)] = callbacks
    assert url == STATUS_CALLBACK
    assert_valid(published("/registry/txn/on-status", "request"), posted)
    assert posted["header"]["action"] == "txn-on-status"
    assert posted["message"]["transaction_id"] == ask["message"]["transaction_id"]
    assert posted["message"]["correlation_id"] == correlation
    inner = posted["message"]["txnstatus_response"]["txn_status"]
    assert inner["correlation_id"] == done["correlation_id"]


# ------------------------------------------------------------------------------ a real POST


class Receiver(http.server.BaseHTTPRequestHandler):
    received: list = []
    answer = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Receiver.received.append(
            (self.path, self.headers["Content-Type"], json.loads(self.rfile.read(length)))
        )
        self.send_response(Receiver.answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Receiver.received, Receiver.answer = [], 200
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_the_callback_is_a_json_post(receiver, settings):
    settings.PADU_DCI_CALLBACK_TIMEOUT_SECONDS = 5
    sender.post_json(f"{receiver}/registry/on-search", {"message": {"a": 1}})
    assert Receiver.received == [("/registry/on-search", "application/json", {"message": {"a": 1}})]


def test_a_callback_answered_with_an_error_fails(receiver, settings):
    settings.PADU_DCI_CALLBACK_TIMEOUT_SECONDS = 5
    Receiver.answer = 500
    with pytest.raises(Exception, match="500"):
        sender.post_json(f"{receiver}/registry/on-search", {"message": {}})


def test_end_to_end_to_a_local_server(
    dci, world, psm, token, settings, receiver, django_capture_on_commit_callbacks
):
    settings.PADU_DCI_CALLBACK_ORIGINS = [receiver]
    body = search_body(idtype("KK", world["fam_a"].kk_number), sender_uri=f"{receiver}/on-search")
    with django_capture_on_commit_callbacks(execute=True):
        correlation = ack_of(dci.post(ASYNC, body, token=token(psm)))
    [(path, _type, posted)] = Receiver.received
    assert path == "/on-search"
    assert posted["message"]["correlation_id"] == correlation
    assert_valid(published("/registry/on-search", "request"), posted)
    assert DciTransaction.objects.get().delivery == "delivered"
