"""Who wants to know that a family changed. The registry's services say which families they
changed (their own fields, their dwelling's or their members'), inside their transaction; an app
above the registry (the welfare score) registers a listener in its `AppConfig.ready`. The
registry knows no listener: it only calls what was registered, so layers stay as they are."""

from __future__ import annotations

from collections.abc import Callable, Iterable

_listeners: list[Callable[[list[int]], None]] = []
_import_listeners: list[Callable[[], None]] = []


def on_families_changed(listener: Callable[[list[int]], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def on_registry_imported(listener: Callable[[], None]) -> None:
    """`listener()` after an import that created or changed families or people (written in bulk,
    so their ids are not listed: a listener redoes its work for everyone)."""
    if listener not in _import_listeners:
        _import_listeners.append(listener)


def registry_imported() -> None:
    for listener in _import_listeners:
        listener()


def families_changed(family_ids: Iterable[int | None]) -> None:
    ids = sorted({i for i in family_ids if i is not None})
    if not ids:
        return
    for listener in _listeners:
        listener(ids)


def record_changed(obj, before: dict | None = None) -> None:
    """The families a saved family, person or dwelling belongs to have changed (a person who
    moved: the family he left as well, from `before`)."""
    from .models import Dwelling, Family, Person

    if isinstance(obj, Family):
        families_changed([obj.pk])
    elif isinstance(obj, Person):
        families_changed([obj.family_id, (before or {}).get("family")])
    elif isinstance(obj, Dwelling):
        # The families of a dwelling the caller has just saved inside its scope.
        families = Family.objects.unscoped().filter(dwelling=obj)
        families_changed(families.values_list("pk", flat=True))
