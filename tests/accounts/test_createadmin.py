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


def _empty_region_tree():
    """A fresh install: no region at all (the test database starts with Kota Padang; the rows go
    in one statement each, the foreign keys between them checked at the commit that never
    comes: the test's transaction is rolled back)."""
    from django.db import connection

    from padu.regions.models import Decree, Region, RegionChange

    with connection.cursor() as cursor:
        for model in (RegionChange, Region, Decree):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 (model names)
    assert not Region.objects.exists()


def test_createadmin_leaves_a_loaded_region_tree_alone(db, monkeypatch):
    from padu.regions.models import Region

    before = Region.objects.count()
    monkeypatch.setenv("PADU_ADMIN_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command("createadmin", "--username=kepala", "--region=13.71", "--no-input", stdout=out)
    _created("kepala")
    assert Region.objects.count() == before
    assert "Kepmendagri" not in out.getvalue()


def test_an_empty_region_tree_is_loaded_from_the_national_list_once(db):
    from padu.regions import national
    from padu.regions.models import Region
    from padu.regions.services import regions_load_national_if_empty

    _empty_region_tree()
    report = regions_load_national_if_empty(within="13.71")
    assert report.ok and report.created == Region.objects.count()
    assert set(Region.objects.values_list("decree__number", flat=True)) == {national.DECREE}
    assert Region.objects.filter(code="13.71.01.1001").exists()
    assert regions_load_national_if_empty(within="13.71") is None


@pytest.mark.slow  # loads all Indonesia (about 15 s on SQLite)
def test_createadmin_on_a_fresh_install_loads_all_indonesia_first(db, monkeypatch):
    from padu.regions.models import Region

    _empty_region_tree()
    monkeypatch.setenv("PADU_ADMIN_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command("createadmin", "--username=kepala", "--region=13.71", "--no-input", stdout=out)
    _created("kepala")
    provinces = Region.objects.filter(code__regex=r"^\d\d$").count()
    assert provinces == 38
    assert Region.objects.filter(level__in=("kelurahan", "desa")).count() >= 83000
    assert "Kepmendagri 300.2.2-2138/2025" in out.getvalue()
