"""SQL fragments that differ between PostgreSQL and SQLite, written once for every app that
builds set-based statements (the import, the welfare score, the period close)."""

from __future__ import annotations

from django.db import connection

# The oldest SQLite Padu's statements run on: `UPDATE … FROM` (the import, the targeting) came in
# 3.33. Older ones are refused at start by core.checks, with what to do instead.
SQLITE_MINIMUM = (3, 33, 0)


def not_same(left: str, right: str, vendor: str | None = None) -> str:
    """Null-safe "not the same value": `IS DISTINCT FROM` came to SQLite only in 3.39; its `IS
    NOT` means the same there."""
    if (vendor or connection.vendor) == "postgresql":
        return f"{left} IS DISTINCT FROM {right}"
    return f"{left} IS NOT {right}"


def same(left: str, right: str, vendor: str | None = None) -> str:
    """Null-safe "the same value" (two empty values are the same)."""
    if (vendor or connection.vendor) == "postgresql":
        return f"{left} IS NOT DISTINCT FROM {right}"
    return f"{left} IS {right}"
