"""One archive (.tar.gz) with the whole database and the files kept beside it, and its way back.

The database goes in as Django's JSON Lines dump of every app, with each row's own id: the same
archive restores into SQLite or PostgreSQL, needs nothing beyond Padu's own dependencies (no
pg_dump), and restores into a database that `padu migrate` has just made. Content types and
permissions are left out (migrate makes them; the rows that refer to them do so by natural key),
and so are sessions (everyone signs in again). Reads use the base managers: a backup is system
work and must see every person, not one user's area.

The archive holds `manifest.json` (format, Padu version, database vendor, the migrations applied,
the files of each folder), `database.jsonl`, `media/` (MEDIA_ROOT: import files and their
reports) and `evidence/` (PADU_EVIDENCE_ROOT: the photos and documents of change requests and
verification tasks, and programs' proofs, kept outside MEDIA_ROOT so that they are never served
as media). A restore puts each folder back into the server's own directory.
"""

import json
import os
import shutil
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers import deserialize, sort_dependencies
from django.core.serializers.jsonl import Serializer as JsonlSerializer
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.core.audit import audit_record
from padu.core.errors import DomainError
from padu.core.models import AuditEntry

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
MEDIA = "media"
EVIDENCE = "evidence"
LEFT_OUT = ["contenttypes", "auth.Permission", "sessions"]


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: int
    files: int
    bytes: int


def _padu_version() -> str:
    try:
        return version("padu")
    except PackageNotFoundError:  # a checkout that was never installed
        return "unknown"


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def _file_roots() -> dict[str, Path]:
    """The directories of files the database refers to, by their folder in the archive."""
    return {MEDIA: Path(settings.MEDIA_ROOT), EVIDENCE: Path(settings.PADU_EVIDENCE_ROOT)}


def _inside(path: Path, root: Path) -> bool:
    path, root = path.resolve(), root.resolve()
    return path != root and path.is_relative_to(root)


def _archived_files(roots: dict[str, Path]) -> dict[str, list[tuple[Path, str]]]:
    """Each folder's files and their names in the archive. A directory set inside another (the
    evidence inside MEDIA_ROOT) is archived once, in its own folder."""
    out = {}
    for folder, root in roots.items():
        nested = [other for other in roots.values() if _inside(other, root)]
        out[folder] = [
            (file, f"{folder}/{file.relative_to(root).as_posix()}")
            for file in _media_files(root)
            if not any(_inside(file, other) for other in nested)
        ]
    return out


def _by_natural_key() -> list[str]:
    """The models that refer to content types or permissions, whose ids differ from one database
    to another: they are written with natural keys. The rest refer to each other by id, which
    costs no query per row (a natural key of each row's `created_by` would)."""
    keyed = (ContentType, Permission)
    models = [
        model
        for model in apps.get_models()
        if model not in keyed
        and any(
            field.related_model in keyed
            for field in model._meta.get_fields()
            if field.is_relation and not field.auto_created
        )
    ]
    # Those a row names by natural key come first: groups, then users, then the admin's log.
    return [model._meta.label for model in sort_dependencies([(None, models)], allow_cycles=True)]


class _Serializer(JsonlSerializer):
    """Django's JSON Lines, in the same form, fast enough for a whole registry: each line encoded
    by the C encoder (`json.dump` to a stream runs the Python one), and the many-to-many ids
    taken from the prefetched rows without building a query for each row first."""

    def end_object(self, obj):
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None

    def handle_m2m_field(self, obj, field):
        prefetched = getattr(obj, "_prefetched_objects_cache", {})
        if field.name in prefetched and not self.use_natural_foreign_keys:
            self._current[field.name] = [
                self._value_from_field(related, related._meta.pk)
                for related in prefetched[field.name]
            ]
        else:
            super().handle_m2m_field(obj, field)


def _rows(model):
    """All rows of `model` (the base manager: no area scope), with their many-to-many ids
    fetched per chunk: Django's dumpdata asks for them one row at a time."""
    many = [
        field.name
        for field in model._meta.many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    rows = model._base_manager.order_by(model._meta.pk.name)
    return rows.prefetch_related(*many).iterator(chunk_size=2000)


def _dump(out) -> None:
    """Every row of every app into `out`, one JSON object per line; the models with natural
    keys first, so the users are there before the rows that name them."""
    keyed = _by_natural_key()
    others = [
        model._meta.label
        for model in apps.get_models()
        if not model._meta.proxy
        and model._meta.label not in keyed
        and model._meta.app_label not in LEFT_OUT
        and model._meta.label not in LEFT_OUT
    ]
    for label in [*keyed, *others]:
        _Serializer().serialize(
            _rows(apps.get_model(label)), stream=out, use_natural_foreign_keys=label in keyed
        )


def backup_write(path: Path) -> BackupSummary:
    """Write the archive to `path`; a half-written one never carries the final name."""
    partial = path.with_name(f".{path.name}.partial")
    with tempfile.TemporaryDirectory(prefix="padu-backup-") as tmp:
        dump = Path(tmp) / DATABASE
        # One transaction, one snapshot: rows written while the dump runs are all in or all out.
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            with dump.open("w", encoding="utf-8") as out:
                _dump(out)
            migrations = _applied_migrations()
        with dump.open("rb") as handle:
            rows = sum(1 for _line in handle)
        folders = _archived_files(_file_roots())
        files = [entry for entries in folders.values() for entry in entries]
        manifest = {
            "format": FORMAT,
            "padu": _padu_version(),
            "database": connection.vendor,
            "created_at": timezone.now().isoformat(),
            "rows": rows,
            "files": {folder: len(entries) for folder, entries in folders.items()},
            "migrations": migrations,
        }
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(tmp) / MANIFEST, MANIFEST)
            tar.add(dump, DATABASE)
            for file, name in files:
                tar.add(file, name)
    os.replace(partial, path)
    with transaction.atomic():  # a copy of everyone's data is recorded like a download
        audit_record(
            actor=None,
            action="core.backup.written",
            object_type="core.backup",
            object_repr=path.name,
            after={"rows": rows, "files": len(files), "folders": manifest["files"]},
            source="padu backup",
            only_changes=False,
        )
    return BackupSummary(path=path, rows=rows, files=len(files), bytes=path.stat().st_size)


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError, AttributeError) as exc:
        raise DomainError(_("This file is not a Padu backup (it has no manifest).")) from exc
    if manifest.get("format") != FORMAT:
        raise DomainError(
            _("This backup has format %(format)s; this Padu reads format %(expected)s.")
            % {"format": manifest.get("format"), "expected": FORMAT}
        )
    return manifest


def _check_migrations(manifest: dict) -> None:
    """Rows fit only the tables of the same migrations: restore with the version that wrote them."""
    archived = {tuple(m) for m in manifest["migrations"]}
    here = {tuple(m) for m in _applied_migrations()}
    if not here:
        raise DomainError(_("The database has no tables yet: run `padu migrate` first."))
    if archived - here:
        raise DomainError(
            _(
                "The backup was made by a newer Padu (%(version)s), or this database is not fully "
                "migrated: install that version and run `padu migrate`, then restore."
            )
            % {"version": manifest["padu"]}
        )
    if here - archived:
        raise DomainError(
            _(
                "This database has migrations the backup does not have: restore it with the Padu "
                "version that made it (%(version)s), then upgrade."
            )
            % {"version": manifest["padu"]}
        )


def _check_empty() -> None:
    users = get_user_model()._base_manager.count()
    entries = AuditEntry.objects.count()
    if users or entries:
        raise DomainError(
            _(
                "The database already holds data (users: %(users)d, audit entries: %(entries)d). "
                "Restore into a new, migrated database, or add --force to delete everything in "
                "it first."
            )
            % {"users": users, "entries": entries}
        )


def _checked_members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    """The archive's files by name, once each is known to be what `backup_write` writes: plain
    files, named without absolute paths or "..". (Python's own extraction filters are missing
    from the Python 3.11.2 of Debian 12.)"""
    members = {}
    for member in tar.getmembers():
        parts = PurePosixPath(member.name).parts
        if (
            not parts
            or not member.isfile()
            or member.name.startswith("/")
            or ".." in parts
            or not (
                member.name in (MANIFEST, DATABASE)
                or (parts[0] in (MEDIA, EVIDENCE) and len(parts) > 1)
            )
        ):
            raise DomainError(
                _(
                    "This backup holds %(name)s, which `padu backup` does not write; nothing "
                    "was restored."
                )
                % {"name": member.name}
            )
        members[member.name] = member
    if DATABASE not in members:
        raise DomainError(_("This backup has no database."))
    return members


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tar.extractfile(member) as source, target.open("wb") as out:
        shutil.copyfileobj(source, out)


def _load(dump: Path) -> None:
    """The rows of `dump` into this empty database. The natural-key models' rows are saved one by
    one (the next may name a user just saved); the rest go in 1,000 at a time with their own ids
    and timestamps (raw inserts, as loaddata's saves, which cost two queries a row). Foreign keys
    are checked once at the end; then the id sequences continue after the loaded rows."""
    keyed = set(_by_natural_key())
    loaded: set[type] = set()
    batch: list = []
    links: dict[type, list] = defaultdict(list)  # many-to-many rows, by their through model
    deferred = []

    def insert():
        if batch:
            model = type(batch[0])
            fields = model._meta.local_concrete_fields
            for start in range(0, len(batch), 1000):
                model._base_manager._insert(batch[start : start + 1000], fields=fields, raw=True)
            batch.clear()

    with dump.open(encoding="utf-8") as lines:
        for item in deserialize("jsonl", lines, handle_forward_references=True):
            model = type(item.object)
            if model not in loaded:
                # What migrate seeded (the PPKS categories) is in the backup too: its rows replace
                # them. A plain DELETE: no cascade to the rows restored so far, and the foreign
                # keys are checked at the end.
                model._base_manager.all()._raw_delete(connection.alias)
                loaded.add(model)
            if model._meta.label in keyed or model._meta.parents:
                insert()
                item.save()
                if item.deferred_fields:
                    deferred.append(item)
                continue
            if batch and (type(batch[0]) is not model or len(batch) >= 1000):
                insert()
            batch.append(item.object)
            for name, ids in item.m2m_data.items():
                field = model._meta.get_field(name)
                through = field.remote_field.through
                links[through].extend(
                    through(
                        **{field.m2m_column_name(): item.object.pk, field.m2m_reverse_name(): i}
                    )
                    for i in ids
                )
        insert()
    for through, rows in links.items():
        through._base_manager.all()._raw_delete(connection.alias)
        through._base_manager.bulk_create(rows, batch_size=1000)
    for item in deferred:
        item.save_deferred_fields()
    connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), loaded):
            cursor.execute(sql)


def backup_restore(path: Path, *, force: bool = False) -> dict:
    """Load the archive's rows into this (empty, migrated) database and its files into
    MEDIA_ROOT and PADU_EVIDENCE_ROOT; with `force`, empty the database first. Returns the
    archive's manifest."""
    try:
        tar = tarfile.open(path, "r:gz")  # noqa: SIM115 (closed by the `with` below)
    except (OSError, tarfile.TarError) as exc:
        raise DomainError(
            _("Cannot open %(file)s as a Padu backup: %(error)s") % {"file": path, "error": exc}
        ) from exc
    with tar, tempfile.TemporaryDirectory(prefix="padu-restore-") as tmp:
        manifest = _read_manifest(tar)
        _check_migrations(manifest)
        if not force:
            _check_empty()
        members = _checked_members(tar)
        dump = Path(tmp) / DATABASE
        _extract(tar, members[DATABASE], dump)
        with transaction.atomic():
            if force:
                call_command("flush", interactive=False, verbosity=0)
            _load(dump)
            audit_record(
                actor=None,
                action="core.backup.restored",
                object_type="core.backup",
                object_repr=path.name,
                after={"created_at": manifest["created_at"], "rows": manifest["rows"]},
                source="padu restore",
                only_changes=False,
            )
        roots = _file_roots()
        for name, member in members.items():
            folder, _slash, rest = name.partition("/")
            if folder in roots and rest:
                _extract(tar, member, roots[folder] / rest)
    return manifest
