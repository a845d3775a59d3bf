"""`padu serve`: refuses unsafe settings with its reasons; on PostgreSQL it serves a login."""

import http.client
import re
import signal
import socket
import subprocess
import time
from http.cookies import SimpleCookie

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import translation

from padu.accounts.capabilities import Role
from tests.factories import KOTA, make_user
from tests.production import PADU, postgres_url, production_env

GOOD_KEY = "k3y-" + "x1y2z3" * 10
SAFE = {
    "SECRET_KEY": GOOD_KEY,
    "DEBUG": False,
    "DEVELOPMENT": False,
    "ALLOWED_HOSTS": ["padu.example.go.id"],
    "PADU_HTTPS": True,
}


@pytest.mark.parametrize(
    ("unsafe", "reason"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY belum diisi"),
        ({"SECRET_KEY": "pendek-sekali"}, "atau terlalu pendek (kurang dari 50 karakter)"),
        (
            {"SECRET_KEY": "padu-insecure-development-key-never-use-in-production"},
            "SECRET_KEY adalah kunci bawaan demo",
        ),
        ({"DEBUG": True, "DEVELOPMENT": True}, "DEBUG menyala"),
        ({"DEVELOPMENT": True}, "PADU_DEMO atau PADU_TESTING diisi"),
        ({"ALLOWED_HOSTS": []}, "ALLOWED_HOSTS belum diisi"),
        ({"ALLOWED_HOSTS": ["*"]}, "ALLOWED_HOSTS berisi *"),
        ({"PADU_HTTPS": False}, "PADU_HTTPS mati"),
    ],
)
def test_serve_refuses_each_unsafe_setting_in_indonesian(db, unsafe, reason):
    with (
        override_settings(**{**SAFE, **unsafe}),
        translation.override("id"),
        pytest.raises(CommandError) as refused,
    ):
        call_command("serve", "--port", "1")  # port 1 is never reached: nothing starts
    message = str(refused.value)
    assert message.startswith("Padu tidak dijalankan dengan pengaturan ini:")
    assert reason in message
    assert message.count("\n- ") == 1, message


def test_serve_refuses_a_database_that_is_not_migrated(db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["one"])
    with (
        override_settings(**SAFE),
        translation.override("id"),
        pytest.raises(CommandError, match=r"1 migrasi belum diterapkan.*padu migrate"),
    ):
        call_command("serve", "--port", "1")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(port, method, path, *, cookies, body=None, headers=None):
    """One HTTP request as the HTTPS reverse proxy forwards it; cookies are kept in `cookies`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    conn.request(method, path, body=body, headers={**sent, **(headers or {})})
    response = conn.getresponse()
    text = response.read().decode()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
    conn.close()
    return response, text


def _wait_until_listening(server: subprocess.Popen, port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[0]
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise AssertionError(f"padu serve did not listen on {port} within {seconds} s")


@pytest.mark.postgres
def test_serve_runs_gunicorn_and_the_worker_and_a_user_logs_in(regions, tmp_path):
    password = "sandi-kantor-yang-panjang-7"
    user = make_user(Role.ADMIN, KOTA, username="kepala")
    # The server hashes with the production hashers, not the test suite's fast MD5.
    user.password = PBKDF2PasswordHasher().encode(password, "garamkantorpadu")
    user.save(update_fields=["password"])
    port = _free_port()
    env = production_env(tmp_path, postgres_url(connection.settings_dict))
    server = subprocess.Popen(
        [*PADU, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_listening(server, port, seconds=90)
        cookies: dict[str, str] = {}
        response, page = _request(port, "GET", "/akun/masuk/", cookies=cookies)
        assert response.status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        # Static files are collected and served by the application (hashed names, WhiteNoise).
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        assert _request(port, "GET", stylesheet, cookies={})[0].status == 200
        response, _ = _request(
            port,
            "POST",
            "/akun/masuk/",
            cookies=cookies,
            body=f"csrfmiddlewaretoken={token}&username=kepala&password={password}",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": "https://127.0.0.1",
                "Referer": "https://127.0.0.1/akun/masuk/",
            },
        )
        assert response.status == 302
        assert response.headers["Location"] == "/"
        response, home = _request(port, "GET", "/", cookies=cookies)
        assert response.status == 200
        assert user.first_name in home
        assert "keluar" in home.lower()
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output
    assert "Booting worker" in output  # gunicorn's
    assert "Starting worker" in output  # db_worker's
    assert output.rstrip().endswith("Padu dihentikan."), output
