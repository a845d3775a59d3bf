"""API schemas shared by every app's router (`<app>/api.py`): the error bodies, which mirror
`padu.core.errors`, and the page envelope. Here rather than in `padu.api`, which sits on top and
assembles the routers: the apps below it import these."""

from typing import Annotated, Any

from annotated_types import Ge, Le
from ninja import Field, Schema

# The largest whole number a database compares or stores (PostgreSQL bigint, SQLite INTEGER). A
# number a client sends is bounded where its type is declared, here: a larger one fails inside the
# query, as an error 500, where it must be refused like any other invalid value.
DB_INT_MAX = 2**63 - 1
PAGE_MAX = 200
# Far beyond any registry; with a page's limit added, still a number the database holds.
OFFSET_MAX = 10**18

# An id of a stored record (a path parameter, a reference in a body).
RecordId = Annotated[int, Ge(1), Le(DB_INT_MAX)]
# A record's `version` as the client read it (optimistic locking); versions start at 1.
Version = Annotated[int, Ge(1), Le(DB_INT_MAX)]


class ErrorOut(Schema):
    """Every error the API answers with has this shape."""

    detail: str = Field(
        description="What went wrong, in the request's language (Indonesian by default)."
    )
    code: str = Field(
        description=(
            "Machine-readable kind of error: `unauthenticated`, `permission_denied`, `not_found`, "
            "`invalid`, `conflict`, `warnings`, or a more specific code of a business rule."
        )
    )
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description=(
            "Messages per field; nested fields are dotted (`members.0.nik`); `__all__` for the "
            "request as a whole."
        ),
    )


class ChangeOut(Schema):
    """One field someone else changed since the version the client read."""

    field: str
    label: str = Field(description="The field's name for people, in the request's language.")
    theirs: Any = Field(description="The value now stored.")
    yours: Any = Field(description="The value the client sent (or the stored one, if not sent).")
    original: Any = Field(description="The value at the client's version.")
    yours_changed: bool = Field(description="Whether the client changed this field too.")


class ConflictOut(ErrorOut):
    """409: someone saved the record after the version the client read."""

    current_version: int | None = Field(
        description="The version now stored; re-read the record and resend with it."
    )
    changed_fields: list[str] = Field(
        description="Fields someone else changed since the client's version."
    )
    changes: list[ChangeOut] = Field(
        description="What changed, as the service reports it (field, before, after)."
    )


class WarningsOut(ErrorOut):
    """422: the data is valid but unusual and nothing was saved; resend with
    `confirm_warnings: true` to save it."""

    warnings: list[str] = Field(description="The warnings; each names the field it is about.")
    confirm_warnings: bool = Field(
        description="Always true: resend the request with `confirm_warnings` true to save anyway."
    )


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=PAGE_MAX, description=f"Items per page (1–{PAGE_MAX}).")
    offset: int = Field(0, ge=0, le=OFFSET_MAX, description="Items to skip.")


# The error responses every authenticated endpoint may give.
COMMON_ERRORS = {401: ErrorOut, 403: ErrorOut}
# A read with parameters (a query string out of its range answers 400), and a read of one record
# (404 when it is missing or outside the caller's area, alike).
READ_ERRORS = {**COMMON_ERRORS, 400: ErrorOut}
DETAIL_ERRORS = {**READ_ERRORS, 404: ErrorOut}
# A write to a versioned record: 409 when someone saved it first.
WRITE_ERRORS = {**DETAIL_ERRORS, 409: ConflictOut}
