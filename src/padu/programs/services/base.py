"""What the programs services share: model checks as ValidationFailed, optimistic locking."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

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
    if version is not None and obj.version != version:
        raise ConflictError(current_version=obj.version)


def bump(obj, actor) -> None:
    obj.version += 1
    obj.updated_by = actor if actor is not None and actor.is_authenticated else None
