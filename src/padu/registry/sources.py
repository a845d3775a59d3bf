"""What the `source` of a registry audit entry names, shown in a record's history as a link. An
app above the registry that writes through its services with a source of its own (the updates
app's approvals: `updates.request:<pk>`) registers how to describe its sources, so that the
history leads back to what changed the record, without the registry importing that app."""

from __future__ import annotations

from collections.abc import Callable, Iterable

# prefix → describe(user, keys) → {key: (label, url)} for the keys the user may follow.
Describe = Callable[[object, list[str]], dict[str, tuple[str, str]]]
_DESCRIBERS: dict[str, Describe] = {}


def register(prefix: str, describe: Describe) -> None:
    _DESCRIBERS[prefix] = describe


def known(source: str) -> bool:
    """Whether an app describes `source`: shown as its link, or (to who may not follow it) not
    at all, never as the bare code."""
    return (source or "").partition(":")[0] in _DESCRIBERS


def described(user, sources: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The label and link of each source a describer knows and the user may follow, one call
    per prefix (a page of history costs one query per kind of source)."""
    keys: dict[str, list[str]] = {}
    for source in set(sources):
        prefix, _colon, key = (source or "").partition(":")
        if prefix in _DESCRIBERS and key:
            keys.setdefault(prefix, []).append(key)
    return {
        f"{prefix}:{key}": shown
        for prefix, wanted in keys.items()
        for key, shown in _DESCRIBERS[prefix](user, wanted).items()
    }
