"""The OpenAPI document as a stable text, for the drift check (tests/api/openapi.snapshot.json)."""

import json

from django.utils import translation
from ninja.responses import NinjaJSONEncoder


def openapi_document() -> dict:
    from .api import api

    # The document must not depend on the language of whoever generates it.
    # A JSON round trip: ninja's document has integer status keys and lazy strings in places.
    with translation.override("en"):
        return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
