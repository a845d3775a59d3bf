"""Who may call, and requests that cannot be processed: each refused in the standard's shape
(HttpErrorResponse for 401/403, the acknowledgement ERR with an err.* code otherwise, a header
rejected with its rjct.* reason), in Indonesian, and nothing written."""

import copy
import json

import pytest
from django.test import Client
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.core.models import AccessLog
from padu.dci import standard
from padu.dci.models import DciTransaction
from tests.factories import make_user

from .conftest import BASE, DciClient, idtype, new_id, search_body, status_body

SYNC = "/registry/sync/search"
PATHS = [
    "/registry/sync/search",
    "/registry/search",
    "/registry/sync/txn/status",
    "/registry/txn/status",
]


def indonesian(msgid: str) -> str:
    """The message as a client reading Indonesian (the default) gets it."""
    with translation.override("id"):
        return translation.gettext(msgid)


def nothing_written():
    return DciTransaction.objects.count() == 0 and AccessLog.objects.count() == 0


@pytest.mark.parametrize("path", PATHS)
def test_without_a_token_is_401_in_the_standard_shape(dci, db, path):
    response = dci.post(path, search_body(idtype("NIK", "1" * 16)))
    assert response.status_code == 401
    [error] = response.data["errors"]
    assert error["code"] == "err.request.unauthorized"
    assert "Authorization: Bearer" in error["message"]
    assert nothing_written()


def test_an_unknown_token_is_401(dci, db):
    response = dci.post(SYNC, search_body(idtype("NIK", "1" * 16)), token="padu_nope")
    assert response.status_code == 401
    assert response.data["errors"][0]["message"] == "Token API tidak sah."


@pytest.mark.parametrize("role", [Role.MITRA, Role.PRIVACY])
def test_a_role_without_registry_api_access_is_403(dci, db, token, role):
    user = make_user(role)
    response = dci.post(SYNC, search_body(idtype("NIK", "1" * 16)), token=token(user))
    assert response.status_code == 403
    assert response.data["errors"][0]["code"] == "err.request.forbidden"
    assert nothing_written()


@pytest.mark.parametrize("path", PATHS)
def test_get_is_a_json_405(db, path):
    response = Client().get(BASE + path)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert json.loads(response.content)


def _without(body: dict, *path) -> dict:
    body = copy.deepcopy(body)
    node = body
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return body


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda b: _without(b, "message"), "message"),
        (lambda b: _without(b, "header", "message_id"), "message_id"),
        (lambda b: {**b, "header": {**b["header"], "action": "subscribe"}}, "action"),
        (
            lambda b: _without(b, "message", "search_request", 0, "search_criteria", "query_type"),
            "query_type",
        ),
        (lambda b: {**b, "message": {**b["message"], "transaction_id": "x" * 100}}, "long"),
    ],
)
def test_a_request_against_the_schema_is_err_request_bad(dci, psm, token, mutate, words):
    body = mutate(search_body(idtype("NIK", "1" * 16)))
    response = dci.post(SYNC, body, token=token(psm))
    assert response.status_code == 400
    message = response.data["message"]
    assert message["ack_status"] == "ERR"
    assert message["error"]["code"] == "err.request.bad"
    assert message["error"]["message"].startswith(
        indonesian("The request does not follow the DCI standard: %(problem)s").split("%")[0]
    )
    assert words in message["error"]["message"]
    assert nothing_written()


@pytest.mark.parametrize(("name", "length"), [("message_id", 201), ("sender_id", 201)])
def test_a_header_longer_than_padu_keeps_is_refused(dci, psm, token, name, length):
    body = search_body(idtype("NIK", "1" * 16), **{name: "x" * length})
    response = dci.post(SYNC, body, token=token(psm))
    assert response.status_code == 400
    assert name in response.data["message"]["error"]["message"]
    assert nothing_written()


def test_the_service_requires_registry_access(db):
    from padu.core.errors import PermissionDeniedError
    from padu.dci.services import transaction_receive

    with pytest.raises(PermissionDeniedError):
        transaction_receive(
            actor=make_user(Role.MITRA),
            action="search",
            header=search_body()["header"],
            message={},
            synchronous=True,
        )
    assert nothing_written()


def test_not_json_is_err_request_bad(dci, psm, token):
    response = dci.post(SYNC, None, token=token(psm), raw=b"{not json")
    assert response.data["message"]["error"]["code"] == "err.request.bad"
    assert nothing_written()


def test_a_null_character_is_refused(dci, psm, token):
    body = search_body(idtype("NIK", "1" * 16))
    body["message"]["transaction_id"] = "a\x00b"
    response = dci.post(SYNC, body, token=token(psm))
    assert response.status_code == 400
    assert response.data["message"]["error"]["message"] == indonesian(
        "Remove the character that cannot be saved (a null or broken character)."
    )
    assert nothing_written()


def test_an_encrypted_message_is_refused(dci, psm, token):
    body = search_body(idtype("NIK", "1" * 16), is_msg_encrypted=True)
    response = dci.post(SYNC, body, token=token(psm))
    assert response.data["message"]["error"]["code"] == "err.encryption.invalid"
    assert nothing_written()


@pytest.mark.parametrize(
    ("head", "code"),
    [
        ({"version": "2.0.0"}, "rjct.version.invalid"),
        ({"total_count": 2}, "rjct.total_count.invalid"),
        ({"message_ts": "yesterday"}, "rjct.message_ts.invalid"),
        ({"message_ts": "2025-06-01T08:00:00"}, "rjct.message_ts.invalid"),
    ],
)
def test_a_bad_header_is_rejected_with_its_reason(dci, psm, token, head, code):
    body = search_body(idtype("NIK", "1" * 16), **head)
    response = dci.post(SYNC, body, token=token(psm))
    assert response.status_code == 200
    assert response.data["header"]["status"] == "rjct"
    assert response.data["header"]["status_reason_code"] == code
    assert "message" not in response.data
    assert nothing_written()


def test_too_many_requests_in_one_message(dci, psm, token):
    body = search_body(*[idtype("NIK", "1" * 16)] * 11)
    response = dci.post(SYNC, body, token=token(psm))
    assert response.data["header"]["status_reason_code"] == "rjct.total_count.limit_exceeded"


def test_a_message_id_is_used_once(dci, psm, token):
    key = token(psm)
    body = search_body(idtype("NIK", "1" * 16))
    assert dci.post(SYNC, body, token=key).data["header"]["status"] == "succ"
    again = dci.post(SYNC, body, token=key)
    assert again.data["header"]["status_reason_code"] == "rjct.message_id.duplicate"
    assert DciTransaction.objects.count() == 1


def test_english_when_asked(psm, token):
    client = DciClient()
    client.client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(SYNC, _without(search_body(), "message"), token=token(psm))
    assert response.data["message"]["error"]["message"].startswith(
        "The request does not follow the DCI standard"
    )


def test_the_document_is_the_standards_with_this_server(db):
    response = Client().get(BASE + "/openapi.json")
    document = json.loads(response.content)
    assert document["info"]["title"] == "Interoperability APIs - Social Registry"
    assert document["servers"][0]["url"].endswith("/api/dci/v1")
    assert set(PATHS) <= set(document["paths"])


def test_the_corrections_of_the_standard_are_needed_and_enough():
    """The published schema refuses the standard's own expression example and an integer
    value; Padu's reading takes both, and still refuses a query of the wrong shape."""
    path = "/registry/sync/search"
    published = standard.Draft7Validator(
        standard.dereferenced()["paths"][path]["post"]["requestBody"]["content"][
            "application/json"
        ]["schema"]
    )
    example = {"collection": "Group", "query": {"$and": [{"poverty_score": {"$lt": 5}}]}}
    body = search_body(
        {
            "query_type": "expression",
            "query": {"type": "ns:org:QueryType:NoSql", "value": {"expression": example}},
        },
        {
            "query_type": "predicate",
            "query": [
                {"expression1": {"attribute_name": "age", "operator": "lt", "attribute_value": 25}}
            ],
        },
    )
    assert not published.is_valid(body)
    assert standard.first_error(standard.request_validator(path), body) is None
    wrong = search_body({"query_type": "predicate", "query": {"type": "UIN", "value": "1"}})
    assert standard.first_error(standard.request_validator(path), wrong) is not None


def test_new_ids_differ():
    assert new_id() != new_id()


def test_status_body_is_valid_for_the_standard():
    assert (
        standard.first_error(
            standard.request_validator("/registry/sync/txn/status"),
            status_body("transaction_id", "t"),
        )
        is None
    )


@pytest.mark.parametrize("role", list(Role))
def test_every_role(dci, world, token, role):
    """Who may call, and whether the numbers come whole: the roles' capabilities decide."""
    from padu.accounts.capabilities import Cap, capabilities_for
    from tests.factories import KEL_A

    from .conftest import exp, predicate

    user = make_user(role, scope=KEL_A)
    allowed = capabilities_for(role)
    body = search_body(predicate({"expression1": exp("region", "eq", KEL_A)}))
    response = dci.post(SYNC, body, token=token(user))
    if not {Cap.API_USE, Cap.REGISTRY_VIEW} <= allowed:
        assert response.status_code == 403
        assert nothing_written()
        return
    found = response.data["message"]["search_response"][0]["data"]["reg_records"]
    assert len(found) == 3
    whole = Cap.REGISTRY_VIEW_NIK in allowed
    assert all(("•" not in m["member_identifier"][0]["identifier_value"]) is whole for m in found)
