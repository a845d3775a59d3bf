"""Checks Django runs before a command or the server starts (`padu check`, `padu demo`, …)."""

from __future__ import annotations

from django.core import checks
from django.db import connections
from django.utils.translation import gettext as _

from .sql import SQLITE_MINIMUM


def sqlite_version(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """An SQLite older than Padu's statements need fails at the first import or targeting run,
    deep in a job; say it at start instead, with what to do."""
    found = []
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "sqlite":
            continue
        version = connection.Database.sqlite_version_info
        if version < SQLITE_MINIMUM:
            found.append(
                checks.Error(
                    _("SQLite %(found)s is too old: Padu needs SQLite %(needed)s or newer.")
                    % {
                        "found": ".".join(map(str, version)),
                        "needed": ".".join(map(str, SQLITE_MINIMUM)),
                    },
                    hint=_(
                        "Use a Python built with a newer SQLite (python.org's, Debian 12, "
                        "Ubuntu 22.04 or newer), or PostgreSQL through DATABASE_URL."
                    ),
                    id="padu.E001",
                )
            )
    return found
