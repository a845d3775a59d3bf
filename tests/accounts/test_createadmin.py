"""`padu createadmin`: the first administrator, asked for on a terminal or given by a script."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.accounts.models import User
from padu.core.models import AuditEntry
from tests.factories import make_user

PASSWORD = "kantor-dinsos-padang-2026"


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def _created(username: str) -> User:
    user = User.objects.get(username=username)
    assert user.role == Role.ADMIN
    assert user.check_password(PASSWORD)
    assert user.scope_codes() == ["13.71"]
    entry = AuditEntry.objects.get(action="accounts.user.created", object_id=str(user.pk))
    assert entry.actor is None
    assert entry.source == "padu createadmin"
    assert entry.region_code == "13.71"
    return user


def test_createadmin_takes_a_password_file_for_automation(db, tmp_path):
    secret = tmp_path / "sandi"
    secret.write_text(PASSWORD + "\n")
    out = io.StringIO()
    call_command(
        "createadmin",
        "--username=kepala",
        "--region=13.71",
        f"--password-file={secret}",
        "--no-input",
        stdout=out,
    )
    _created("kepala")
    assert "Administrator kepala dibuat untuk 13.71" in out.getvalue()


def test_createadmin_takes_the_password_from_the_environment(db, monkeypatch, settings):
    settings.PADU_ROOT_REGION = "13.71"
    monkeypatch.setenv("PADU_ADMIN_PASSWORD", PASSWORD)
    call_command("createadmin", "--username=kepala", "--no-input", stdout=io.StringIO())
    _created("kepala")


def test_createadmin_asks_again_until_the_password_is_typed_twice_and_is_strong(db, monkeypatch):
    monkeypatch.delenv("PADU_ADMIN_PASSWORD", raising=False)
    answers = iter(["kepala", ""])  # username; the region as offered (PADU_ROOT_REGION)
    typed = iter(
        [PASSWORD, "salah-ketik-sekali", "pendek", "pendek", PASSWORD, PASSWORD]  # two tries fail
    )
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    err = io.StringIO()
    call_command("createadmin", stdout=io.StringIO(), stderr=err)
    _created("kepala")
    assert "Kata sandi tidak cocok." in err.getvalue()
    assert "terlalu pendek" in err.getvalue()
    assert next(typed, None) is None


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--username=operator1"], PASSWORD, "Nama pengguna ini sudah dipakai."),
        (["--username=nama salah!"], PASSWORD, "Masukkan nama pengguna valid."),
        (["--username=kepala", "--region=99.99"], PASSWORD, "Wilayah 99.99 tidak ada"),
        (["--username=kepala", "--region=13.71.01"], PASSWORD, "Padang Selatan adalah Kecamatan"),
        (["--username=kepala"], "12345678901234", "seluruhnya terdiri dari angka"),
        (["--username=kepala"], "", "terlalu pendek"),
    ],
)
def test_createadmin_refuses_bad_input_and_writes_nothing(db, tmp_path, args, password, message):
    make_user(Role.OPERATOR, username="operator1")
    users, entries = User.objects.count(), AuditEntry.objects.count()
    secret = tmp_path / "sandi"
    secret.write_text(password)
    with pytest.raises(CommandError) as refused:
        call_command("createadmin", *args, f"--password-file={secret}", "--no-input")
    assert message in str(refused.value)
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, entries)


def test_createadmin_without_input_needs_the_username_and_a_password(db, tmp_path, monkeypatch):
    monkeypatch.delenv("PADU_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="--username"):
        call_command("createadmin", "--no-input")
    with pytest.raises(CommandError, match="--password-file atau PADU_ADMIN_PASSWORD"):
        call_command("createadmin", "--username=kepala", "--no-input")
    with pytest.raises(CommandError, match="Tidak dapat membaca"):
        call_command(
            "createadmin", "--username=kepala", f"--password-file={tmp_path / 'tidak-ada'}"
        )
    assert not User.objects.filter(username="kepala").exists()
