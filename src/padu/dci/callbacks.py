"""Posting a callback to a DCI client. The sender is a setting (PADU_DCI_CALLBACK_SENDER, a dotted
path to a function `(url, body)`), so that tests can record callbacks instead of posting them."""

from __future__ import annotations

import json
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder


class CallbackFailed(Exception):
    pass


def post_json(url: str, body: dict) -> None:
    """POST `body` as JSON to `url`; a status other than 2xx is a failure."""
    data = json.dumps(body, cls=DjangoJSONEncoder).encode()
    request = urllib.request.Request(  # noqa: S310 (http(s) only: services.callback_check)
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    timeout = settings.PADU_DCI_CALLBACK_TIMEOUT_SECONDS
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise CallbackFailed(f"HTTP {response.status}")
