"""Keyed hashes of what the public page must count but never keep: a NIK and a client address.

An HMAC with the deployment's secret key (Django's `salted_hmac`, a salt per purpose), so that the
log and the rate limits can tell two lookups of the same NIK apart from others without holding
the number: a plain hash of a NIK could be reversed by hashing every possible NIK of a
kecamatan and birth date (a few million), a keyed one cannot without the key.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac


def nik_digest(nik: str) -> str:
    return salted_hmac("padu.portal.nik", nik).hexdigest()


def client_digest(address: str) -> str:
    return salted_hmac("padu.portal.client", address).hexdigest()


def client_address(request) -> str:
    """The citizen's address: `REMOTE_ADDR`, or behind `PADU_TRUSTED_PROXIES` proxies the entry
    of X-Forwarded-For that the outermost trusted proxy appended (entries further left are the
    client's own to forge)."""
    proxies = settings.PADU_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
