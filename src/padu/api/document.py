"""The OpenAPI document of an API as plain JSON data, the same whoever asks (openapi.py for the
drift check, docs.py for the documentation page)."""

import json

from django.utils import translation
from ninja.responses import NinjaJSONEncoder


def document_of(api) -> dict:
    # The document must not depend on the language of whoever generates it.
    # A JSON round trip: ninja's document has integer status keys and lazy strings in places.
    with translation.override("en"):
        return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
