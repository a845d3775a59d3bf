# ruff: noqa: S608 -- SQL is built from identifiers defined in this package; values are parameters.
"""The statements of pass 2 (rejects.py, upsert.py, bulk.py), each timed at DEBUG level."""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager

from django.db import connection

log = logging.getLogger(__name__)


def fetch(sql: str, params=()) -> list[tuple]:
    with timed(sql), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def run(sql: str, params=()) -> int:
    with timed(sql), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def count(table: str, flag: str) -> int:
    return fetch(f"SELECT COUNT(*) FROM {table} WHERE {flag}")[0][0]


@contextmanager
def timed(sql: str):
    """Each statement's time at DEBUG level (LOG_LEVEL=DEBUG): where a slow import spends it."""
    if not log.isEnabledFor(logging.DEBUG):
        yield
        return
    started = time.perf_counter()
    yield
    log.debug("%6.2f s  %s", time.perf_counter() - started, " ".join(sql.split())[:110])
