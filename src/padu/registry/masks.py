"""Masks of NIK and KK numbers for the roles that may not see them whole (docs/privacy.md).

A mask keeps the kab/kota's four digits (the region an address shows anyway), hides the other
twelve, and ends in a tag made from the whole number with the deployment's secret key, so that
masks of different people differ without telling anything of their digits: ``1371••••••••KQXA``.
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

MASK_TAG_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: read as 1 and 0
MASK_TAG_LENGTH = 4


def mask_tag(value: str) -> str:
    number = int.from_bytes(salted_hmac("padu.mask", value).digest()[:8], "big")
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
