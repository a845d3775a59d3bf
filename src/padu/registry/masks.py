"""Masks of NIK and KK numbers for the roles that may not see them whole (docs/privacy.md).

A mask keeps the kab/kota's four digits (the region an address shows anyway), hides the other
twelve, and ends in a tag made from the whole number with the deployment's secret key, so that
masks of different people differ without telling anything of their digits: ``1371••••••••KQXA``.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from django.conf import settings

MASK_TAG_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: read as 1 and 0
MASK_TAG_LENGTH = 4


@lru_cache(maxsize=4)
def _tag_key(secret: str) -> bytes:
    """The key of `django.utils.crypto.salted_hmac("padu.mask", ...)`, derived once per secret
    rather than once per number (an import names every family it changes: 130,000 at once)."""
    return hashlib.sha1(b"padu.mask" + secret.encode()).digest()  # noqa: S324 -- salted_hmac's


def mask_tag(value: str) -> str:
    digest = hmac.new(_tag_key(settings.SECRET_KEY), value.encode(), hashlib.sha1).digest()
    number = int.from_bytes(digest[:8], "big")
    letters = []
    for _i in range(MASK_TAG_LENGTH):
        number, index = divmod(number, len(MASK_TAG_LETTERS))
        letters.append(MASK_TAG_LETTERS[index])
    return "".join(letters)


def mask_number(value: str) -> str:
    """`1371••••••••KQXA`: the kab/kota, hidden digits, and the number's tag."""
    if not value or len(value) != 16:
        return "•" * len(value or "")
    return f"{value[:4]}{'•' * 8}{mask_tag(value)}"
