"""API schemas derived from declarations (django-ninja's pydantic schemas).

`record_schema(name, fields, mode=...)` builds a schema whose properties are the declared fields,
by their API name (`Field.api_name`, else the name), typed by their kind (`derive.api_type`):
- "in": what a client sends to create a record (required fields required, the rest optional with
  the field's empty value as default);
- "patch": every field optional, null meaning "not sent" (only the fields sent change);
- "out": what the API answers (optional values may be null).
Descriptions are the fields' help texts in English, so that the API document does not change with
the language of the request that first builds it.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from ninja import Schema
from pydantic import Field as SchemaField
from pydantic import create_model

from .derive import api_type
from .record import Field


def api_name(f: Field) -> str:
    return f.api_name or f.name


def _property(f: Field, mode: str) -> tuple[Any, Any]:
    annotation, options = api_type(f.kind, f)
    options = dict(options)
    if "description" not in options and f.help_text:
        with translation.override("en"):
            options["description"] = str(f.help_text)
    if mode == "patch":
        return annotation | None, SchemaField(None, **options)
    if mode == "out":
        # An answer is documented, not checked: a masked NIK does not match the input's pattern.
        described = {k: v for k, v in options.items() if k == "description"}
        nullable = f.empty is None and not f.required
        return (annotation | None if nullable else annotation), SchemaField(**described)
    if f.required:
        return annotation, SchemaField(**options)
    empty = f.empty
    if isinstance(empty, list | dict):
        return annotation, SchemaField(default_factory=type(empty), **options)
    if empty is None:
        return annotation | None, SchemaField(None, **options)
    return annotation, SchemaField(empty, **options)


def record_schema(
    name: str,
    fields,
    *,
    mode: str,
    base: type[Schema] = Schema,
    overrides: dict | None = None,
    doc: str = "",
) -> type[Schema]:
    """A schema of `fields` (declared fields); `overrides`: API name → (annotation, default) for
    a property shown otherwise than its kind says (a list of codes shown as objects)."""
    overrides = overrides or {}
    properties = {api_name(f): _property(f, mode) for f in fields}
    properties.update(overrides)
    model = create_model(name, __base__=base, __module__=base.__module__, **properties)
    model.__doc__ = doc or base.__doc__
    return model
