"""The start-up check of the SQLite version: an SQLite too old for Padu's statements is refused
before anything runs, in Indonesian, with what to do; a new enough one and PostgreSQL pass."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from padu.core import checks


def _connections(vendor: str, version: tuple[int, int, int]) -> dict:
    database = SimpleNamespace(sqlite_version_info=version)
    return {"default": SimpleNamespace(vendor=vendor, Database=database)}


@pytest.mark.parametrize(
    ("vendor", "version", "refused"),
    [
        ("sqlite", (3, 31, 1), True),  # Ubuntu 20.04's
        ("sqlite", (3, 33, 0), False),
        ("sqlite", (3, 37, 2), False),  # Ubuntu 22.04's
        ("postgresql", (3, 31, 1), False),  # the sqlite3 module plays no part there
    ],
)
def test_an_sqlite_too_old_is_refused_at_start(monkeypatch, vendor, version, refused):
    monkeypatch.setattr(checks, "connections", _connections(vendor, version))
    with translation.override("id"):
        found = checks.sqlite_version()
    assert bool(found) is refused
    if refused:
        (error,) = found
        assert error.id == "padu.E001"
        assert "SQLite 3.31.1 terlalu lama" in error.msg and "3.33.0" in error.msg
        assert "DATABASE_URL" in error.hint


def test_the_check_is_registered():
    from django.core.checks.registry import registry

    assert checks.sqlite_version in registry.get_checks()
