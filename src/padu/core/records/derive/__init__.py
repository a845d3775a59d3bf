"""What the other layers derive from a declared field, by its kind: its model field(s) and
columns (`storage`), its form field (`forms`), its API type (`api`), and its text for people
(`text`). Each is a `functools.singledispatch` on the field's kind, so that a domain app's own
kinds (the registry's NIK, region and category kinds) register their derivations beside their
declaration: `derive.model_fields.register`.
"""

from .api import api_type
from .forms import (
    CHOOSE,
    NOT_RECORDED,
    NUMERIC,
    form_fields,
    form_initial,
    form_options,
    form_value,
)
from .storage import (
    Stored,
    abstract_model,
    model_fields,
    model_options,
    read,
    record_values,
    record_write,
    stage_exprs,
    storage,
    write,
)
from .text import code_list, describe, display

__all__ = [
    "CHOOSE",
    "NOT_RECORDED",
    "NUMERIC",
    "Stored",
    "abstract_model",
    "api_type",
    "code_list",
    "describe",
    "display",
    "form_fields",
    "form_initial",
    "form_options",
    "form_value",
    "model_fields",
    "model_options",
    "read",
    "record_values",
    "record_write",
    "stage_exprs",
    "storage",
    "write",
]
