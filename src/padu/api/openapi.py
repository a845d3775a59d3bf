"""The OpenAPI document as a stable text, for the drift check (tests/api/openapi.snapshot.json)."""

import json

from .document import document_of


def openapi_document() -> dict:
    from .api import api

    return document_of(api)


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
