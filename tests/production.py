"""Running `padu` as a separate process with production settings (serve, backup and restore
tests): the environment an office's environment file gives it, and the URL of a database."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

PADU = [sys.executable, "-m", "padu"]


def postgres_url(settings_dict: dict, name: str | None = None) -> str:
    """DATABASE_URL of the PostgreSQL database the tests use, or of another one on its server."""
    user = quote(settings_dict["USER"] or "", safe="")
    password = quote(settings_dict["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{auth}{host}:{port}/{name or settings_dict['NAME']}"


def production_env(home: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The variables of deploy/padu.env.example, and none of the test suite's own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PADU_", "DJANGO_", "PYTEST_", "DEBUG")) and key != "SECRET_KEY"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="padu.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        PADU_HOME=str(home),
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def padu(*args: str, env: dict[str, str], input: str | None = None) -> subprocess.CompletedProcess:
    """Run one `padu` command to its end; its output is text."""
    return subprocess.run(
        [*PADU, *args], env=env, input=input, capture_output=True, text=True, timeout=300
    )
