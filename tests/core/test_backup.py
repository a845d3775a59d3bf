"""`padu backup` and `padu restore`: registry, audit trail and uploaded files come back whole in a
fresh database of the same kind (SQLite in the SQLite run, a new PostgreSQL database in the
PostgreSQL run), made by `padu migrate` in another process, as on a new server."""

import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from padu.accounts.capabilities import Role
from padu.core.models import AuditEntry
from padu.registry.models import Family, Person
from tests.factories import KOTA, PersonFactory, make_audit_entry, make_user
from tests.production import padu, postgres_url, production_env

UPLOAD = "imports/2026/12/data-keluarga.csv"
UPLOADED = "nik,nama\n1371010101900001,Siti Aminah Ñ\n".encode()
# Evidence (change requests' photos, programs' proofs), outside MEDIA_ROOT: its own folder.
EVIDENCE = {
    "evidence/2026/12/rumah.jpg": b"\xff\xd8\xff\xe0foto rumah",
    "programs/2026/12/bukti-penyaluran.pdf": b"%PDF-1.4 bukti",
}


@pytest.fixture
def fresh_database(tmp_path):
    """(DATABASE_URL, run(sql) -> rows) of a new, empty database beside the test database."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def run(sql):
            with sqlite3.connect(path) as db:
                return db.execute(sql).fetchall()

        yield f"sqlite:///{path}", run
        return
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restored"
    server = postgres_url(connection.settings_dict, "postgres")
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = postgres_url(connection.settings_dict, name)

    def run(sql):
        with psycopg.connect(url) as db:
            return db.execute(sql).fetchall()

    yield url, run
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_registry_audit_trail_and_files_into_a_fresh_database(
    db, settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = settings.MEDIA_ROOT / UPLOAD
    upload.parent.mkdir(parents=True)
    upload.write_bytes(UPLOADED)
    settings.PADU_EVIDENCE_ROOT = tmp_path / "evidence"
    for name, content in EVIDENCE.items():
        (settings.PADU_EVIDENCE_ROOT / name).parent.mkdir(parents=True)
        (settings.PADU_EVIDENCE_ROOT / name).write_bytes(content)
    operator = make_user(Role.OPERATOR, KOTA, username="operator1")
    people = PersonFactory.create_batch(3)
    make_audit_entry(actor=operator, reason="dicatat sebelum cadangan")
    persons = sorted(Person.objects.unscoped().values_list("id", "nik", "name", "family_id"))
    families = sorted(Family.objects.unscoped().values_list("id", "kk_number"))
    entries = sorted(AuditEntry.objects.values_list("id", "action", "actor__username", "reason"))
    assert len(persons) == len(people) and entries  # as they were when the backup began
    archive = tmp_path / "cadangan.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert str(archive) in out.getvalue()
    with tarfile.open(archive) as tar:
        evidence = {f"evidence/{name}" for name in EVIDENCE}
        assert {"manifest.json", "database.jsonl", f"media/{UPLOAD}", *evidence} <= set(
            tar.getnames()
        )
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["files"] == {"media": 1, "evidence": 2}

    url, run = fresh_database
    home = tmp_path / "server"
    env = production_env(home, url)
    assert padu("migrate", "--no-input", env=env).returncode == 0
    restored = padu("restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "Cadangan dari" in restored.stdout

    def found():
        return (
            sorted(run("SELECT id, nik, name, family_id FROM registry_person")),
            sorted(run("SELECT id, kk_number FROM registry_family")),
            sorted(
                run(
                    "SELECT e.id, e.action, u.username, e.reason FROM core_auditentry e "
                    "LEFT JOIN accounts_user u ON u.id = e.actor_id"
                )
            ),
        )

    got_persons, got_families, got_entries = found()
    assert [tuple(r) for r in got_persons] == persons
    assert [tuple(r) for r in got_families] == families
    assert [tuple(r) for r in got_entries[: len(entries)]] == entries
    assert [r[1] for r in got_entries[len(entries) :]] == ["core.backup.restored"]
    assert (home / "var" / "media" / UPLOAD).read_bytes() == UPLOADED
    for name, content in EVIDENCE.items():  # into the server's PADU_EVIDENCE_ROOT
        assert (home / "var" / "evidence" / name).read_bytes() == content

    # A database in use is not overwritten unless asked; asked, it holds the backup only once.
    again = padu("restore", str(archive), env=env)
    assert again.returncode == 1
    assert "Basis data sudah berisi data (pengguna: 1, entri jejak audit:" in again.stderr
    forced = padu("restore", "--force", str(archive), env=env)
    assert forced.returncode == 0, forced.stderr
    got_persons, got_families, got_entries = found()
    assert [tuple(r) for r in got_persons] == persons
    assert len(got_entries) == len(entries) + 1

    # The ids go on after the restored ones (PostgreSQL's sequences were reset).
    env["PADU_ADMIN_PASSWORD"] = "kantor-dinsos-padang-2026"
    made = padu("createadmin", "--username=kepala", "--region=13.71", "--no-input", env=env)
    assert made.returncode == 0, made.stderr
    assert run("SELECT count(*) FROM accounts_user") == [(2,)]


def test_restore_refuses_what_is_no_backup_and_a_database_in_use(db, tmp_path):
    not_a_backup = tmp_path / "bukan.tar.gz"
    with tarfile.open(not_a_backup, "w:gz") as tar:
        tar.add(__file__, "catatan.txt")
    entries = AuditEntry.objects.count()
    with translation.override("id"):
        with pytest.raises(CommandError, match="bukan cadangan Padu"):
            call_command("restore", str(not_a_backup))
        with pytest.raises(CommandError, match="Tidak dapat membuka"):
            call_command("restore", str(Path(__file__)))
        archive = tmp_path / "cadangan.tar.gz"
        call_command("backup", str(archive), stdout=io.StringIO())
        for name in (
            "media/../../../etc/cron.d/padu",
            "evidence/../../etc/passwd",
            "/etc/passwd",
            "lain.txt",
            "evidence",
        ):
            planted = tmp_path / "ditanam.tar.gz"
            with tarfile.open(archive) as good, tarfile.open(planted, "w:gz") as bad:
                for member in good.getmembers():
                    bad.addfile(member, good.extractfile(member))
                bad.add(__file__, name)
            with pytest.raises(CommandError, match="tidak ditulis oleh `padu backup`"):
                call_command("restore", str(planted), "--force")
        make_user(Role.OPERATOR, KOTA)
        with pytest.raises(CommandError, match="Basis data sudah berisi data"):
            call_command("restore", str(archive))
    assert AuditEntry.objects.count() == entries + 1  # the backup's own entry, nothing restored
    assert not (Path("/etc/cron.d/padu")).exists()


def test_evidence_kept_inside_media_root_is_archived_once(db, settings, tmp_path):
    """An office that set PADU_EVIDENCE_ROOT inside MEDIA_ROOT: each file once, in its own
    folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PADU_EVIDENCE_ROOT = settings.MEDIA_ROOT / "bukti"
    (settings.MEDIA_ROOT / UPLOAD).parent.mkdir(parents=True)
    (settings.MEDIA_ROOT / UPLOAD).write_bytes(UPLOADED)
    photo = settings.PADU_EVIDENCE_ROOT / "evidence/2026/12/rumah.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"foto")
    archive = tmp_path / "cadangan.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        files = sorted(n for n in tar.getnames() if n.startswith(("media/", "evidence/")))
    assert files == ["evidence/evidence/2026/12/rumah.jpg", f"media/{UPLOAD}"]
