"""The record a page's or an endpoint's path names, read in the user's area: one gatekeeper for
the programs pages and API alike, so that both answer 404 the same way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.http import Http404

T = TypeVar("T")


def in_area(read: Callable[..., T | None], user, pk: int) -> T:
    """`read(user=user, pk=pk)` (a scoped read of `selectors` or `benefit_selectors`), or 404:
    a record that is missing and one outside the user's area answer alike, before any service
    is called."""
    found = read(user=user, pk=pk)
    if found is None:
        raise Http404
    return found
