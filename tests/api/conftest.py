"""API test helpers: tokens for users, and a client that checks every response it receives
against the OpenAPI document (the documented status and the documented body schema).

Schemathesis (test_fuzz.py) generates requests and checks their answers; here the aim is that
the responses of the hand-written tests match the document too, which a jsonschema check of each
response does deterministically and in microseconds."""

import datetime
import json
import re
from functools import cache

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from padu.accounts.models import ApiToken
from padu.accounts.tokens import token_create
from padu.api.openapi import openapi_document


@cache
def spec() -> dict:
    return openapi_document()


@cache
def _operations() -> list[tuple[re.Pattern, str]]:
    out = []
    for template in spec()["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        out.append((re.compile(f"^{pattern}$"), template))
    return out


def operation_for(path: str, method: str) -> tuple[str, dict]:
    path = path.split("?", 1)[0]
    for pattern, template in _operations():
        if pattern.match(path) and method.lower() in spec()["paths"][template]:
            return template, spec()["paths"][template][method.lower()]
    raise AssertionError(f"{method} {path} is not in the OpenAPI document")


def assert_matches_schema(method: str, path: str, response) -> None:
    """The response's status is documented for the operation and its body fits that schema."""
    template, operation = operation_for(path, method)
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, (
        f"{method} {template} answered {response.status_code}, which is not documented "
        f"(documented: {sorted(operation['responses'])}); body: {response.content[:300]!r}"
    )
    schema = documented["content"]["application/json"]["schema"]
    validator = Draft202012Validator(
        {**schema, "components": spec()["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    body = json.loads(response.content)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{method} {template} {response.status_code}: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5]
    )


class ApiClient:
    """`client.get("/api/v1/families", token=key)`: JSON in, JSON out, schema-checked."""

    def __init__(self):
        self.client = Client()

    def request(self, method: str, path: str, *, token=None, data=None, headers=None, **params):
        headers = dict(headers or {})
        if token is not None:
            headers.setdefault("Authorization", f"Bearer {token}")
        kwargs = {"headers": headers}
        if method == "GET":
            response = self.client.get(path, data=params or None, **kwargs)
        else:
            response = getattr(self.client, method.lower())(
                path,
                data=json.dumps(data if data is not None else {}),
                content_type="application/json",
                **kwargs,
            )
        assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
        assert_matches_schema(method, path, response)
        response.data = json.loads(response.content)
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data=None, **kwargs):
        return self.request("POST", path, data=data, **kwargs)

    def patch(self, path, data=None, **kwargs):
        return self.request("PATCH", path, data=data, **kwargs)


@pytest.fixture
def api():
    return ApiClient()


def key_for(user, *, days: int = 30) -> str:
    """A working API key for `user` (directly in the table for a role that may not create one)."""
    if user.has_capability("api.use"):
        return token_create(actor=user, name="test", expires_in_days=days)[1]
    from django.utils import timezone

    from padu.accounts.tokens import KEY_PREFIX, hash_key

    raw = f"{KEY_PREFIX}test-{user.pk}"
    ApiToken.objects.create(
        user=user,
        name="test",
        prefix=raw[:12],
        key_hash=hash_key(raw),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    return raw


@pytest.fixture
def token_for(db):
    return key_for
