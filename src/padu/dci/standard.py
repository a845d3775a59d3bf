"""The DCI Social Registry standard as Padu reads it: `data/spdci/social_api_v1.0.0.yaml`, copied
unchanged from spdci/api-standards (Apache-2.0, see data/spdci/README.md).

Requests are checked against the request schema of their operation, taken from the document with
two corrections of the standard's own ambiguities (the same ones the OpenSPP compliance suite
works around, its `filterAmbiguousOneOfErrors`):

- `search_criteria.query` is `oneOf` three shapes, and an expression (`{type, value: {...}}`) also
  matches the identifier shape (whose value may be any object): no expression would ever pass.
  The shape is chosen by `query_type` instead, which the standard says it names.
- an attribute or identifier value is `oneOf` string, integer, number, boolean and object, and an
  integer is also a number: `25` would be refused while `"25"` passes. It is `anyOf` here.
- a txn-status request's `attribute_value` is `oneOf` a transaction id and a correlation id, both
  any text: no text would pass. It is `anyOf` here too.

Answers are checked (in the tests) against the document as published, dereferenced only.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import yaml
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

SPEC_FILE = Path(__file__).parent / "data" / "spdci" / "social_api_v1.0.0.yaml"
VALUE_TYPES = ["string", "integer", "number", "boolean", "object"]
# The branches of `search_criteria.query`, in the order the standard lists them.
QUERY_BRANCHES = ("expression", "idtype-value", "predicate")


@functools.cache
def document() -> dict:
    """The standard's OpenAPI document, as published (read once: it holds no personal data)."""
    with SPEC_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _lookup(doc: dict, pointer: str):
    """The node a local `#/...` pointer names. The standard points through references (into
    `message/oneOf/0/properties/...`, where `oneOf/0` is a `$ref`): those are followed."""
    node = doc
    for raw in pointer.lstrip("#/").split("/"):
        while isinstance(node, dict) and "$ref" in node:
            node = _lookup(doc, node["$ref"])
        key = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def _dereference(doc: dict, node, depth: int = 0):
    if depth > 64:
        raise ValueError("the DCI document's references nest too deeply")
    if isinstance(node, dict):
        if "$ref" in node:
            return _dereference(doc, _lookup(doc, node["$ref"]), depth + 1)
        return {k: _dereference(doc, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_dereference(doc, v, depth + 1) for v in node]
    return node


@functools.cache
def dereferenced() -> dict:
    doc = document()
    return {**doc, "paths": _dereference(doc, doc["paths"])}


def _value_any_of(node) -> None:
    """The value `oneOf` (string, integer, number, boolean, object) → `anyOf`, in place."""
    if isinstance(node, dict):
        one_of = node.get("oneOf")
        if isinstance(one_of, list) and [b.get("type") for b in one_of] == VALUE_TYPES:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _value_any_of(value)
    elif isinstance(node, list):
        for value in node:
            _value_any_of(value)


def _attribute_value_any_of(request_schema: dict) -> None:
    """`txnstatus_request.attribute_value` `oneOf` → `anyOf`, in place."""
    for candidate in request_schema["properties"]["message"].get("oneOf", []):
        ask = candidate.get("properties", {}).get("txnstatus_request", {}).get("properties", {})
        if "oneOf" in ask.get("attribute_value", {}):
            ask["attribute_value"]["anyOf"] = ask["attribute_value"].pop("oneOf")


def _query_by_type(request_schema: dict) -> None:
    """`search_criteria.query`: the shape that `query_type` names, in place."""
    message = request_schema["properties"]["message"]
    for candidate in message.get("oneOf", []):
        items = candidate.get("properties", {}).get("search_request", {}).get("items", {})
        criteria = items.get("properties", {}).get("search_criteria")
        if criteria is None:
            continue
        branches = criteria["properties"]["query"].pop("oneOf")
        criteria["allOf"] = [
            {
                "if": {"properties": {"query_type": {"const": name}}, "required": ["query_type"]},
                "then": {"properties": {"query": branch}},
            }
            for name, branch in zip(QUERY_BRANCHES, branches, strict=True)
        ]


def _operation(doc: dict, path: str) -> dict:
    return doc["paths"][path]["post"]


@functools.cache
def request_validator(path: str) -> Draft7Validator:
    """The validator of a request body of `POST path` (e.g. `/registry/sync/search`)."""
    content = _operation(dereferenced(), path)["requestBody"]["content"]
    schema = copy.deepcopy(content["application/json"]["schema"])
    _query_by_type(schema)
    _value_any_of(schema)
    _attribute_value_any_of(schema)
    return Draft7Validator(schema)


@functools.cache
def response_validator(path: str, status: str = "default") -> Draft7Validator:
    """The validator of an answer to `POST path`, as the standard publishes it."""
    responses = _operation(dereferenced(), path)["responses"]
    return Draft7Validator(responses[status]["content"]["application/json"]["schema"])


@functools.cache
def schema_validator(path: str, pointer: str) -> Draft7Validator:
    """The validator of a part of the request of `POST path` (e.g. the callback's message)."""
    return Draft7Validator(_lookup(dereferenced(), f"#/paths/{path.replace('/', '~1')}/{pointer}"))


def first_error(validator: Draft7Validator, body) -> str | None:
    """Where and why `body` breaks the schema, in the standard's terms, or None."""
    error = best_match(validator.iter_errors(body))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"{where}: {error.message}"[:999]
