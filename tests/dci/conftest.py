"""DCI test helpers: the standard's envelopes, a client that posts them with a token, the
standard's own schemas for what comes back, and a recorder in place of the callback sender."""

import datetime
import json
import uuid
from functools import cache

import pytest
from django.test import Client
from jsonschema import Draft7Validator

from padu.accounts.capabilities import Role
from padu.dci import standard
from padu.registry import codes
from tests.factories import KEL_A, KEL_A2, KEL_B, FamilyFactory, PersonFactory, make_user

BASE = "/api/dci/v1"
CALLBACK = "https://spmis.example.org/dci/registry/on-search"
STATUS_CALLBACK = "https://spmis.example.org/dci/registry/txn/on-status"


def new_id() -> str:
    return uuid.uuid4().hex


def header(action: str, *, count: int = 1, sender_uri: str | None = None, **extra) -> dict:
    out = {
        "version": "1.0.0",
        "message_id": new_id(),
        "message_ts": "2025-06-01T08:00:00+07:00",
        "action": action,
        "sender_id": "spmis.example.org",
        "receiver_id": "padu",
        "total_count": count,
        "is_msg_encrypted": False,
    }
    if sender_uri:
        out["sender_uri"] = sender_uri
    return {**out, **extra}


def criteria(query_type: str, query, **extra) -> dict:
    return {
        "version": "1.0.0",
        "reg_event_type": "REGISTER",
        "query_type": query_type,
        "query": query,
        **extra,
    }


def search_body(*items: dict, transaction_id: str | None = None, sender_uri=None, **head) -> dict:
    requests = [
        {
            "reference_id": f"ref-{i}",
            "timestamp": "2025-06-01T08:00:00+07:00",
            "search_criteria": item,
        }
        for i, item in enumerate(items, start=1)
    ]
    return {
        "signature": "unsigned",
        "header": header("search", count=len(requests), sender_uri=sender_uri, **head),
        "message": {"transaction_id": transaction_id or new_id(), "search_request": requests},
    }


def status_body(attribute_type: str, value, *, sender_uri=None) -> dict:
    return {
        "header": header("txn-status", sender_uri=sender_uri),
        "message": {
            "transaction_id": new_id(),
            "txnstatus_request": {
                "reference_id": "status-1",
                "txn_type": "search",
                "attribute_type": attribute_type,
                "attribute_value": value,
            },
        },
    }


def idtype(kind: str, value: str, **extra) -> dict:
    return criteria("idtype-value", {"type": kind, "value": value}, **extra)


def predicate(*items: dict, **extra) -> dict:
    return criteria("predicate", list(items), **extra)


def expression(query: dict, collection: str = "Group", **extra) -> dict:
    value = {"expression": {"collection": collection, "query": query}}
    return criteria("expression", {"type": "ns:org:QueryType:NoSql", "value": value}, **extra)


def exp(name: str, op: str, value) -> dict:
    return {"attribute_name": name, "operator": op, "attribute_value": value}


@cache
def published(path: str, part: str) -> Draft7Validator:
    """The standard's schema, as published (dereferenced only), of `part` of `POST path`:
    `request` (a callback Padu posts) or `default` (an answer)."""
    operation = standard.dereferenced()["paths"][path]["post"]
    if part == "request":
        return Draft7Validator(operation["requestBody"]["content"]["application/json"]["schema"])
    return standard.response_validator(path, part)


def assert_valid(validator: Draft7Validator, body) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert not errors, errors[:5]


class DciClient:
    def __init__(self):
        self.client = Client()

    def post(self, path: str, body, *, token=None, raw: bytes | None = None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.client.post(
            BASE + path,
            data=raw if raw is not None else json.dumps(body),
            content_type="application/json",
            headers=headers,
        )
        assert response["Content-Type"].startswith("application/json")
        response.data = json.loads(response.content)
        if response.status_code < 400:
            # Every answer is the standard's: the operation's default response.
            assert_valid(published(path, "default"), response.data)
        else:
            # A refusal: the standard's HttpErrorResponse and its acknowledgement ERR.
            assert_valid(published(path, "401"), response.data)
            assert_valid(published("/registry/search", "default"), response.data)
            assert response.data["message"]["ack_status"] == "ERR"
        return response


@pytest.fixture
def dci():
    return DciClient()


@pytest.fixture
def callbacks(settings):
    """The callbacks Padu posts, recorded (url, body) instead of sent."""
    settings.PADU_DCI_CALLBACK_SENDER = "tests.dci.conftest.record"
    settings.PADU_DCI_CALLBACK_ORIGINS = ["https://spmis.example.org"]
    RECORDED.clear()
    yield RECORDED
    RECORDED.clear()


RECORDED: list[tuple[str, dict]] = []


def record(url: str, body: dict) -> None:
    RECORDED.append((url, json.loads(json.dumps(body, default=str))))


@pytest.fixture
def world(db):
    """Families in kelurahan A (two), A2 and B, with people of known sex, age and desil."""
    fam_a = FamilyFactory(region_id=KEL_A, desil=1)
    head_a = PersonFactory(
        family=fam_a,
        name="Siti Rahmah",
        sex=codes.Sex.FEMALE,
        birth_date=datetime.date(1975, 3, 9),
        marital_status=codes.MaritalStatus.WIDOWED,
    )
    child_a = PersonFactory(
        family=fam_a,
        name="Muhammad Rizki",
        sex=codes.Sex.MALE,
        relationship=codes.Relationship.CHILD,
        birth_date=datetime.date(2010, 1, 2),
        disability=[codes.DisabilityType.PHYSICAL],
    )
    fam_a_2 = FamilyFactory(region_id=KEL_A, desil=5)
    head_a_2 = PersonFactory(
        family=fam_a_2,
        name="Budi Santoso",
        sex=codes.Sex.MALE,
        birth_date=datetime.date(1960, 5, 5),
    )
    fam_a2 = FamilyFactory(region_id=KEL_A2, desil=3)
    PersonFactory(
        family=fam_a2, name="Nurul Aini", sex=codes.Sex.FEMALE, birth_date=datetime.date(1990, 7, 1)
    )
    fam_b = FamilyFactory(region_id=KEL_B, desil=2)
    head_b = PersonFactory(
        family=fam_b,
        name="Rahmat Hidayat",
        sex=codes.Sex.MALE,
        birth_date=datetime.date(1980, 1, 1),
    )
    return {
        "fam_a": fam_a,
        "head_a": head_a,
        "child_a": child_a,
        "fam_a_2": fam_a_2,
        "head_a_2": head_a_2,
        "fam_a2": fam_a2,
        "fam_b": fam_b,
        "head_b": head_b,
    }


@pytest.fixture
def psm(db):
    """A field worker of kelurahan A: sees whole numbers, uses the API."""
    return make_user(Role.PSM, scope=KEL_A)


@pytest.fixture
def leader(db):
    """A leader of the whole city: masked numbers, uses the API."""
    return make_user(Role.PIMPINAN)


@pytest.fixture
def token(db):
    from tests.api.conftest import key_for

    return key_for
