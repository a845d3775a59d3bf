"""What the programs services share: model checks as ValidationFailed, optimistic locking."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from padu.core.errors import ConflictError, ValidationFailed

# The bookkeeping every model of the app carries (core.models.BaseModel), never typed by users.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "created_by", "updated_by", "version"})


def editable_fields(model: type[models.Model], *, without=()) -> tuple[str, ...]:
    """The fields of `model` a user edits: all concrete fields but the bookkeeping."""
    return tuple(
        f.name
        for f in model._meta.concrete_fields
        if f.name not in BOOKKEEPING and f.name not in without
    )


def checked(obj: models.Model, *, exclude=()) -> None:
    try:
        obj.full_clean(exclude=list(exclude), validate_constraints=True)
    except ValidationError as exc:
        raise ValidationFailed(
            {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        ) from exc


def check_version(obj, version: int | None) -> None:
    """Refuse a change made from `version` of a locked record someone has changed since (the
    caller writes nothing: its transaction rolls back). None: the caller read no version."""
    if version is not None and obj.version != version:
        raise ConflictError(
            _(
                "Someone else changed this record after you opened it; nothing was saved. "
                "Check it as it is now, then try again."
            ),
            current_version=obj.version,
        )


def bump(obj, actor) -> None:
    obj.version += 1
    obj.updated_by = actor if actor is not None and actor.is_authenticated else None


def touch(obj, actor, fields=()) -> None:
    """Save `fields` of a locked record with its version bumped. Every change made on a record
    (or below it: a payment, a package, a participant) moves its version, so that a second
    write from a page read before the change is refused, not applied over it."""
    bump(obj, actor)
    obj.save(update_fields=[*fields, "version", "updated_by", "updated_at"])
