"""The public page's writes: the lookup log, and the rate limits counted in it.

A citizen has no account, so these take no actor: what they record is the lookup itself, by keyed
hashes (`keys.py`), and whether it matched (`models.Lookup`).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from padu.core.errors import DomainError

from .models import Lookup
from .selectors import lookup_window_start, lookups_since


class TooManyLookupsError(DomainError):
    """Over a rate limit: the page answers 429 with `retry_after` seconds."""

    code = "too_many_lookups"

    def __init__(self):
        super().__init__(
            _(
                "Too many checks have been made from this connection or for this NIK. "
                "Please try again in %(minutes)s minutes."
            ),
            params={"minutes": settings.PADU_PORTAL_WINDOW_MINUTES},
        )
        self.retry_after = settings.PADU_PORTAL_WINDOW_MINUTES * 60


def lookup_throttle(*, client_digest: str, nik_digest: str = "", sending: bool = False) -> None:
    """Refuse (`TooManyLookupsError`) when the address has had its lookups for the window
    (`PADU_PORTAL_LOOKUPS_PER_ADDRESS`), the NIK its lookups (`PADU_PORTAL_LOOKUPS_PER_NIK`), or,
    `sending` a proposal or objection, the address its submissions
    (`PADU_PORTAL_REQUESTS_PER_ADDRESS`). Every lookup counts, matched or not: a NIK tried with
    many names is refused as one tried with one. Two requests at the same instant may both pass
    the last free place; the limit is a brake on guessing, not an exact quota."""
    counts = lookups_since(
        since=lookup_window_start(), client_digest=client_digest, nik_digest=nik_digest
    )
    if (
        counts.by_client >= settings.PADU_PORTAL_LOOKUPS_PER_ADDRESS
        or (nik_digest and counts.by_nik >= settings.PADU_PORTAL_LOOKUPS_PER_NIK)
        or (sending and counts.sent_by_client >= settings.PADU_PORTAL_REQUESTS_PER_ADDRESS)
    ):
        raise TooManyLookupsError()


def lookup_record(*, kind: str, client_digest: str, nik_digest: str = "", family=None) -> Lookup:
    """Log one lookup of `kind` (`Lookup.Kind`); `family`: the family it matched, or None."""
    return Lookup.objects.create(
        kind=kind,
        nik_digest=nik_digest,
        client_digest=client_digest,
        found=family is not None,
        family=family,
    )
