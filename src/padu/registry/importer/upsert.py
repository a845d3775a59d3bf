# ruff: noqa: S608 -- SQL is built from identifiers defined in this package; values are parameters.
"""Pass 2: the checks across rows, then the set-based upserts, inside the caller's transaction.

Cross-row rules (each rejected row gets a report line; crossrow.py works them out, except the
two that need the registry):
- a NIK given again in a later row ("already used in row N");
- a NIK or KK registered outside the actor's area (never touched);
- a second head of family in one KK, or a new head for a registered family whose active head
  is not in the file;
- the family's row is the KK's first head row, else its first row; without `kode_wilayah` it is
  rejected, and when it is rejected so are the other members of the KK.

Writes: families by KK and people by NIK; only rows whose values differ are written (`version`
+1, `updated_at/by`, `last_import`); a NIK found in another family moves to the file's KK; the
desil history gains a record for a new (desil, period); PPKS links are replaced for the people
whose codes changed; one audit entry per created or changed family and person, with the changed
fields only, `source="import:<id>"`. Nothing is deleted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, connection
from django.utils.translation import gettext as _

from padu.registry.codes import LifeStatus, Relationship
from padu.registry.masks import mask_number

from ..declarations import FAMILY, PERSON
from .checks import ERROR, WARNING
from .columns import FAMILY_AUDIT, FAMILY_VALUES, PERSON_AUDIT, PERSON_VALUES, defaults
from .crossrow import FileRows
from .staging import (
    BEFORE_FAMILIES,
    BEFORE_PEOPLE,
    FAMILIES,
    KK,
    PEOPLE,
    PPKS,
    REJECT,
    STAGE,
    Dialect,
    analyze_work_tables,
    dialect,
    load,
)

log = logging.getLogger(__name__)

# Below this many new rows an import keeps the table's indexes (see Pass2._bulk_insert).
BULK_MIN_ROWS = 10_000
# For the import's transaction (Pass2.check): the joins of a million rows hash in memory at
# 256 MB (at 64 MB they spilled to disk in batches: 2 s more), and so do the index builds.
SESSION_SETTINGS = {
    "work_mem": "256MB",
    "maintenance_work_mem": "256MB",
    "synchronous_commit": "off",
}


@dataclass
class Outcome:
    families_created: int = 0
    families_updated: int = 0
    people_created: int = 0
    people_updated: int = 0
    accepted_rows: int = 0
    # row, column, level, code, message
    report: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    warned_rows: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    scope: list[str]  # region codes whose subtrees the import may touch


def _fetch(sql: str, params=()) -> list[tuple]:
    with _timed(sql), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _run(sql: str, params=()) -> int:
    with _timed(sql), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@contextmanager
def _timed(sql: str):
    """Each statement's time at DEBUG level (LOG_LEVEL=DEBUG): where a slow import spends it."""
    if not log.isEnabledFor(logging.DEBUG):
        yield
        return
    started = time.perf_counter()
    yield
    log.debug("%6.2f s  %s", time.perf_counter() - started, " ".join(sql.split())[:110])


def _count(table: str, flag: str) -> int:
    return _fetch(f"SELECT COUNT(*) FROM {table} WHERE {flag}")[0][0]


def _outside(column: str, scope: list[str]) -> tuple[str, list]:
    """SQL true when region code `column` lies outside every scope subtree."""
    if not scope:
        return "1 = 1", []
    parts, params = [], []
    for code in scope:
        parts.append(f"({column} = %s OR {column} LIKE %s)")
        params += [code, f"{code}.%"]
    return f"NOT ({' OR '.join(parts)})", params


class Pass2:
    def __init__(self, *, batch_id: int, actor: Actor, now, reason: str, rows: FileRows):
        """`rows`: the keys of the staged rows (staging.Loader.rows)."""
        self.d: Dialect = dialect()
        self.rows = rows
        self.batch_id = batch_id
        self.actor = actor
        self.now = connection.ops.adapt_datetimefield_value(now)
        self.source = f"import:{batch_id}"
        self.reason = reason
        self.out = Outcome()

    # ------------------------------------------------------------------------------ checks

    def _reject(
        self, rows: list[tuple], column: str, code: str, message: Callable[[tuple], str]
    ) -> None:
        """Reject `rows` (each starting with its row number) with a report line each."""
        if not rows:
            return
        for row in rows:
            self.out.report.append((row[0], column, ERROR, code, message(row)))
        self.rows.reject(row[0] for row in rows)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {REJECT}")
            cursor.executemany(
                f"INSERT INTO {REJECT} (row_no) VALUES (%s)", [(r[0],) for r in rows]
            )
            cursor.execute(
                f"UPDATE {STAGE} SET ok = %s WHERE row_no IN (SELECT row_no FROM {REJECT})",
                [False],
            )
            cursor.execute(f"DELETE FROM {PPKS} WHERE row_no IN (SELECT row_no FROM {REJECT})")

    def check(self) -> None:
        """The rules across rows, on the keys of the staged rows; the rules that need the
        registry run in SQL."""
        rows = self.rows
        if self.d.pg:
            # For this transaction only: sorts and hash joins in memory, index builds with room
            # to sort, and no wait for the WAL flush at commit (a crash can lose the import's
            # commit, never corrupt anything; the batch would then show as unfinished).
            for setting, value in SESSION_SETTINGS.items():
                _run(f"SET LOCAL {setting} = '{value}'")
        self._reject(
            rows.repeated_niks(),
            "nik",
            "repeated",
            lambda r: _("NIK: already used in row %(row)d of this file.") % {"row": r[1]},
        )
        outside, params = _outside("p.region_id", self.actor.scope)
        found = _fetch(
            f"SELECT s.row_no, s.nik FROM {STAGE} s JOIN registry_person p ON p.nik = s.nik "
            f"WHERE s.ok AND {outside}",
            params,
        )
        self._reject(
            found,
            "nik",
            "registered_elsewhere",
            lambda r: (
                _(
                    "%(nik)s is already registered to a person outside your area. Ask the Dinas "
                    "Sosial to check it."
                )
                % {"nik": mask_number(r[1])}
            ),
        )
        outside, params = _outside("f.region_id", self.actor.scope)
        found = _fetch(
            f"SELECT s.row_no, s.kk_number FROM {STAGE} s "
            "JOIN registry_family f ON f.kk_number = s.kk_number "
            f"WHERE s.ok AND {outside}",
            params,
        )
        self._reject(
            found,
            "no_kk",
            "registered_elsewhere",
            lambda r: (
                _(
                    "%(kk)s is already registered to a family outside your area. Ask the Dinas "
                    "Sosial to check it."
                )
                % {"kk": mask_number(r[1])}
            ),
        )
        self._reject(
            rows.second_heads(),
            "hubungan_keluarga",
            "second_head",
            lambda r: _("this KK already has a head of family in row %(row)d.") % {"row": r[1]},
        )
        # A family has one head: a new head for a registered family whose active head is not
        # in the file (to step down or move) would make two. The registry's head changes on
        # the family's page, or by a file that lists the former head too.
        found = _fetch(
            f"SELECT s.row_no, p.nik FROM {STAGE} s "
            "JOIN registry_family f ON f.kk_number = s.kk_number "
            "JOIN registry_person p ON p.family_id = f.id "
            "WHERE s.ok AND s.relationship = %s AND p.relationship = %s AND p.life_status = %s "
            f"AND p.nik <> s.nik AND NOT EXISTS (SELECT 1 FROM {STAGE} o "
            "WHERE o.nik = p.nik AND o.ok)",
            [Relationship.HEAD, Relationship.HEAD, LifeStatus.ACTIVE],
        )
        self._reject(
            found,
            "hubungan_keluarga",
            "head_elsewhere",
            lambda r: (
                _(
                    "this KK is registered with another head of family, %(nik)s, who is not in "
                    "this file. Change the head of family on the family's page first, or list "
                    "the former head in the file too."
                )
                % {"nik": mask_number(r[1])}
            ),
        )
        families = rows.family_rows()
        load(KK, rows.kk_text(families))
        self._reject(
            rows.without_region(families),
            "kode_wilayah",
            "required",
            lambda r: _("this field is required on the row the family is taken from."),
        )
        self._reject(
            rows.members_of_rejected(families),
            "no_kk",
            "family_rejected",
            lambda r: (
                _("the family's row %(row)d has errors, so this member is not imported either.")
                % {"row": r[1]}
            ),
        )
        self._age_warnings(rows.age_conflicts(families))

    def _age_warnings(self, rows: list[tuple]) -> None:
        for row_no, relationship, birth, head, head_birth in rows:
            params = {
                "date": _ddmmyyyy(birth),
                "head": head,
                "head_date": _ddmmyyyy(head_birth),
            }
            if relationship == Relationship.PARENT:
                text = (
                    _(
                        "a parent born on %(date)s is not older than the head of family "
                        "%(head)s (born on %(head_date)s)."
                    )
                    % params
                )
            else:
                params["relationship"] = str(Relationship(relationship).label).lower()
                text = (
                    _(
                        "a %(relationship)s born on %(date)s is not younger than the head of "
                        "family %(head)s (born on %(head_date)s)."
                    )
                    % params
                )
            self.out.report.append((row_no, "tanggal_lahir", WARNING, "age_head", text))
            self.out.warned_rows.add(row_no)

    # ------------------------------------------------------------------------------ writes

    def write(self) -> Outcome:
        self._families()
        self._people()
        self.out.accepted_rows = self.rows.accepted()
        written = self.out.people_created + self.out.people_updated
        if self.d.pg and written >= BULK_MIN_ROWS:
            # The name search's first step plans by the keys' statistics: without fresh ones
            # the first searches after a large import scan every key (autovacuum comes later).
            _run("ANALYZE registry_namekey")
        return self.out

    def _analyze(self, table: str, *index_columns: str) -> None:
        """Make a work table fit for joins: PostgreSQL needs its statistics to choose hash joins
        over per-row lookups; SQLite only joins by nested loops and needs indexes."""
        if self.d.pg:
            analyze_work_tables(table)
            return
        for column in index_columns:
            _run(f"CREATE INDEX {table}_{column} ON {table} ({column})")

    def _new_id(self, table: str) -> str:
        """SQL for the id of a row about to be created in `table`: on PostgreSQL drawn from the
        table's sequence up front, so that the rows need no lookup by key after the insert; on
        SQLite NULL (the insert assigns it, and the work table is updated from the key)."""
        if not self.d.pg:
            return "NULL"
        (sequence,) = _fetch("SELECT pg_get_serial_sequence(%s, 'id')", [table])[0]
        return f"nextval('{sequence}')"

    def _audit_changes(
        self,
        *,
        table: str,
        before: str,
        action: str,
        spec,
        repr_sql: str,
        extra_after: dict[str, str] | None = None,
    ) -> None:
        """One audit entry per changed object, with the changed fields before and after.
        `before` holds the changed objects' rows as they were (plain columns, compared column by
        column); `extra_after` adds keys computed from the work table `w` rather than from the
        object `o`, and `before` holds their old values in columns of the same name. Created
        objects get no entry of their own: they point to the import (`created_import`), whose
        entry counts them."""
        d = self.d
        work, id_col = (FAMILIES, "fam_id") if table == "registry_family" else (PEOPLE, "person_id")
        extra_after = extra_after or {}
        object_type = "registry.family" if table == "registry_family" else "registry.person"
        keys = [(k.key, k.sql(d, "b"), k.sql(d, "o"), k.kind) for k in spec] + [
            (key, f"b.{key}", value, "json") for key, value in extra_after.items()
        ]
        old = [(k, d.json_value(b_, kind), d.ne(b_, a_, kind)) for k, b_, a_, kind in keys]
        new = [(k, d.json_value(a_, kind), d.ne(b_, a_, kind)) for k, b_, a_, kind in keys]
        _run(
            "INSERT INTO core_auditentry (at, actor_id, action, object_type, object_id, "
            "object_repr, region_code, before, after, reason, source) "
            f"SELECT %s, %s, %s, %s, CAST(o.id AS text), {repr_sql}, o.region_id, "
            f"{d.json_changed(old)}, {d.json_changed(new)}, %s, %s FROM {before} b "
            f"JOIN {work} w ON w.{id_col} = b.id JOIN {table} o ON o.id = b.id",
            [
                self.now,
                self.actor.user_id,
                action,
                object_type,
                self.reason,
                self.source,
            ],
        )

    def _families(self) -> None:
        d = self.d
        differs = [d.ne(f"f.{v.column}", f"s.{v.stage}", v.kind) for v in FAMILY_VALUES]

        def new_desil(s: str) -> str:
            """Whether the file's desil of the family (in `s`) is news for the registry's `f`."""
            return (
                f"({s}.desil IS NOT NULL OR {s}.desil_period IS NOT NULL) AND "
                f"({d.ne('f.desil', f'{s}.desil')} OR "
                f"{d.ne('f.desil_period', f'{s}.desil_period')}) AND ({s}.desil_period IS NULL "
                f"OR f.desil_period IS NULL OR {s}.desil_period >= f.desil_period)"
            )

        # One pass over the families of the file: their values, the registered family (if
        # any) and whether the file changes it; the writes below read this table alone. A
        # family whose row was rejected is left out.
        _run(
            f"CREATE TEMPORARY TABLE {FAMILIES} AS SELECT k.kk, k.src, "
            f"{', '.join(f's.{v.stage}' for v in FAMILY_VALUES)}, s.desil, s.desil_period, "
            f"CASE WHEN f.id IS NULL THEN {self._new_id('registry_family')} ELSE f.id END "
            f"AS fam_id, f.id IS NULL AS created, (f.id IS NOT NULL AND ({' OR '.join(differs)} OR "
            f"({new_desil('s')}))) AS changed FROM {KK} k JOIN {STAGE} s ON s.row_no = k.src "
            "LEFT JOIN registry_family f ON f.kk_number = k.kk WHERE s.ok"
        )
        self._analyze(FAMILIES, "kk", "fam_id")
        # The statements for changed families (their old values, the update, the audit) are
        # left out when there are none, as in a first import: each would read every family.
        changed = _count(FAMILIES, "changed")
        if changed:
            _run(
                f"CREATE TEMPORARY TABLE {BEFORE_FAMILIES} AS SELECT o.* FROM {FAMILIES} w "
                "JOIN registry_family o ON o.id = w.fam_id WHERE w.changed"
            )
        sets = ", ".join(f"{v.column} = w.{v.stage}" for v in FAMILY_VALUES)
        self.out.families_updated = changed and _run(
            f"UPDATE registry_family AS f SET {sets}, "
            f"desil = CASE WHEN {new_desil('w')} THEN w.desil ELSE f.desil END, "
            f"desil_period = CASE WHEN {new_desil('w')} THEN w.desil_period "
            "ELSE f.desil_period END, "
            "version = f.version + 1, updated_at = %s, updated_by_id = %s, last_import_id = %s "
            f"FROM {FAMILIES} w WHERE f.id = w.fam_id AND w.changed",
            [self.now, self.actor.user_id, self.batch_id],
        )
        fixed = defaults(FAMILY)
        columns = [v.column for v in FAMILY_VALUES] + list(fixed)
        names = [f"w.{v.stage}" for v in FAMILY_VALUES] + ["%s"] * len(fixed)
        created = _count(FAMILIES, "created")
        id_column, id_value = ("id, ", "w.fam_id, ") if d.pg else ("", "")
        # The desil history of the new families is written with them (keys checked alike).
        with self._bulk_insert("registry_family", created, also=("registry_desilrecord",)):
            self.out.families_created = _run(
                f"INSERT INTO registry_family ({id_column}kk_number, {', '.join(columns)}, "
                "desil, desil_period, version, created_at, updated_at, created_by_id, "
                f"updated_by_id, last_import_id, created_import_id) SELECT {id_value}w.kk, "
                f"{', '.join(names)}, w.desil, w.desil_period, 1, %s, %s, %s, %s, %s, %s "
                f"FROM {FAMILIES} w WHERE w.created",
                [
                    *fixed.values(),
                    self.now,
                    self.now,
                    self.actor.user_id,
                    self.actor.user_id,
                    self.batch_id,
                    self.batch_id,
                ],
            )
            if created and not d.pg:
                _run(
                    f"UPDATE {FAMILIES} SET fam_id = f.id FROM registry_family f "
                    f"WHERE f.kk_number = {FAMILIES}.kk AND {FAMILIES}.created"
                )
                self._analyze(FAMILIES)
            _run(
                "INSERT INTO registry_desilrecord (family_id, desil, period, source, recorded_at, "
                f"recorded_by_id) SELECT w.fam_id, w.desil, w.desil_period, %s, %s, %s FROM "
                f"{FAMILIES} w WHERE (w.desil IS NOT NULL OR w.desil_period IS NOT NULL) AND "
                "(w.created OR NOT EXISTS (SELECT 1 FROM registry_desilrecord r WHERE "
                f"r.family_id = w.fam_id AND {d.eq('r.desil', 'w.desil')} AND "
                f"{d.eq('r.period', 'w.desil_period')}))",
                [self.source, self.now, self.actor.user_id],
            )
        prefix = _("Family KK %(kk)s") % {"kk": "\x00"}
        before, after = (part.replace("'", "''") for part in prefix.split("\x00"))
        masked = "substr(o.kk_number, 1, 4) || 'xxxxxxxx' || substr(o.kk_number, 13, 4)"
        if changed:
            self._audit_changes(
                table="registry_family",
                before=BEFORE_FAMILIES,
                action="registry.family.updated",
                spec=FAMILY_AUDIT,
                repr_sql=f"'{before}' || {masked} || '{after}'",
            )

    def _people(self) -> None:
        d = self.d
        differs = [d.ne(f"p.{v.column}", f"s.{v.stage}", v.kind) for v in PERSON_VALUES]
        differs += [d.ne("p.family_id", "w.fam_id"), d.ne("p.region_id", "w.region")]
        # The accepted rows whose NIK is registered: their values, family and kelurahan, the
        # person, and whether the file changes his values (PPKS links are compared below). The
        # other accepted rows are new people, written straight from the staging table.
        _run(
            f"CREATE TEMPORARY TABLE {PEOPLE} AS SELECT s.row_no, w.fam_id, w.region, "
            f"{', '.join(f's.{v.stage}' for v in PERSON_VALUES)}, s.ppks, p.id AS person_id, "
            f"({' OR '.join(differs)}) AS changed, FALSE AS ppks_changed FROM {STAGE} s "
            f"JOIN registry_person p ON p.nik = s.nik JOIN {FAMILIES} w ON w.kk = s.kk_number "
            "WHERE s.ok"
        )
        self._analyze(PEOPLE, "row_no", "person_id")
        (registered,) = _fetch(f"SELECT COUNT(*) FROM {PEOPLE}")[0]
        links = "registry_person_ppks pp JOIN registry_ppkscategory c ON c.id = pp.ppkscategory_id"
        # A registered person's PPKS codes differ from the file's when one side has a code the
        # other lacks (two anti-joins, so that either database plans them as set operations).
        # As for families, the statements about registered people are left out when the file
        # has none: each would read every row.
        if registered:
            _run(
                f"UPDATE {PEOPLE} SET ppks_changed = TRUE, changed = TRUE WHERE row_no IN ("
                f"SELECT w.row_no FROM {PEOPLE} w JOIN {PPKS} x ON x.row_no = w.row_no "
                f"WHERE NOT EXISTS (SELECT 1 FROM {links} "
                "WHERE pp.person_id = w.person_id AND c.code = x.code) "
                f"UNION SELECT w.row_no FROM {PEOPLE} w JOIN registry_person_ppks pp "
                "ON pp.person_id = w.person_id JOIN registry_ppkscategory c "
                "ON c.id = pp.ppkscategory_id "
                f"WHERE NOT EXISTS (SELECT 1 FROM {PPKS} x WHERE x.row_no = w.row_no "
                "AND x.code = c.code))"
            )
        db_codes = f"SELECT c.code FROM {links} WHERE pp.person_id = o.id"
        changed = registered and _count(PEOPLE, "changed")
        if changed:
            _run(
                f"CREATE TEMPORARY TABLE {BEFORE_PEOPLE} AS SELECT o.*, {d.json_codes(db_codes)} "
                f"AS ppks FROM {PEOPLE} w JOIN registry_person o ON o.id = w.person_id "
                "WHERE w.changed"
            )
        sets = ", ".join(f"{v.column} = w.{v.stage}" for v in PERSON_VALUES)
        self.out.people_updated = changed and _run(
            f"UPDATE registry_person AS p SET {sets}, family_id = w.fam_id, region_id = w.region, "
            "version = p.version + 1, updated_at = %s, updated_by_id = %s, last_import_id = %s "
            f"FROM {PEOPLE} w WHERE p.id = w.person_id AND w.changed",
            [self.now, self.actor.user_id, self.batch_id],
        )
        if changed:
            _run(
                "DELETE FROM registry_person_ppks WHERE person_id IN "
                f"(SELECT person_id FROM {PEOPLE} WHERE ppks_changed)"
            )
        # The search keys of the file's names (registry.models.NameKey) and the PPKS links are
        # written with the people. Keys of unchanged people are there already, and skipping
        # them would cost more (a join) than finding them there.
        people_tables = ("registry_namekey", "registry_person_ppks")
        created = self.rows.accepted() - registered
        with self._bulk_insert("registry_person", created, also=people_tables):
            _run(
                f"INSERT INTO registry_namekey (key) SELECT DISTINCT name_key FROM {STAGE} "
                "WHERE ok AND name_key <> '' ON CONFLICT (key) DO NOTHING"
            )
            fixed = defaults(PERSON)
            columns = [v.column for v in PERSON_VALUES] + list(fixed)
            values = [f"s.{v.stage}" for v in PERSON_VALUES] + ["%s"] * len(fixed)
            self.out.people_created = created and _run(
                f"INSERT INTO registry_person (nik, family_id, region_id, {', '.join(columns)}, "
                "version, created_at, updated_at, created_by_id, "
                "updated_by_id, last_import_id, created_import_id) "
                f"SELECT s.nik, w.fam_id, w.region, {', '.join(values)}, "
                f"1, %s, %s, %s, %s, %s, %s FROM {STAGE} s "
                f"JOIN {FAMILIES} w ON w.kk = s.kk_number WHERE s.ok AND NOT EXISTS "
                f"(SELECT 1 FROM {PEOPLE} r WHERE r.row_no = s.row_no)",
                [
                    *fixed.values(),
                    self.now,
                    self.now,
                    self.actor.user_id,
                    self.actor.user_id,
                    self.batch_id,
                    self.batch_id,
                ],
            )
            # The links of the new people and of the people whose codes changed; the codes of
            # rejected rows left the PPKS table with them (_reject).
            _run(
                "INSERT INTO registry_person_ppks (person_id, ppkscategory_id) SELECT p.id, c.id "
                f"FROM {PPKS} x JOIN registry_person p ON p.nik = x.nik "
                "JOIN registry_ppkscategory c ON c.code = x.code WHERE NOT EXISTS "
                f"(SELECT 1 FROM {PEOPLE} w WHERE w.row_no = x.row_no AND NOT w.ppks_changed)"
            )
        # After the write a person's PPKS codes are the file's (validated: known, active, sorted,
        # distinct), so the audit takes them from the staged row instead of a lookup per person.
        if changed:
            self._audit_changes(
                table="registry_person",
                before=BEFORE_PEOPLE,
                action="registry.person.updated",
                spec=PERSON_AUDIT,
                extra_after={"ppks": d.json_list("w.ppks")},
                repr_sql="substr(o.name, 1, 200)",
            )

    @contextmanager
    def _bulk_insert(self, table: str, rows: int, also: tuple[str, ...] = ()):
        """Around inserting `rows` rows into `table`. When they are more than the table holds
        (a first import), PostgreSQL builds the table's plain indexes and its unique constraints
        that no foreign key uses (NIK, KK number) once afterwards, which is many times faster
        than updating them row by row; the primary key stays. The tables in `also`, written
        inside the block, get the same for their plain indexes. The drops and the rebuilds are
        part of the import's transaction: a failed import leaves the tables as they were.

        The foreign keys are checked once for the whole table instead of row by row (Django's
        deferred constraints queue one check per row and key: 20 s at a million people), where
        the database role may switch triggers off for its own transaction
        (`session_replication_role`: a superuser, or on PostgreSQL 15+ a role granted
        `SET ON PARAMETER session_replication_role`). Dropping the constraints instead would
        lock the tables they point to (users, regions) against every reader until commit."""
        if not self.d.pg or rows < BULK_MIN_ROWS:
            yield
            return
        (present,) = _fetch(f"SELECT COUNT(*) FROM {table}")[0]
        if rows <= present:
            yield
            return
        indexes = [
            index
            for name in (table, *also)
            for index in _fetch(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                [name],
            )
        ]
        # Unique constraints other than the primary key, that no foreign key points to (NIK,
        # KK number): rebuilt like the indexes. The rows were checked for duplicates before
        # (pass 2's checks), and the rebuild would fail the import if one slipped through.
        uniques = _fetch(
            "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.conrelid = %s::regclass AND c.contype = 'u' AND NOT EXISTS ("
            "SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)",
            [table],
        )
        for name, _definition in uniques:
            _run(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            _run(f"DROP INDEX {connection.ops.quote_name(name)}")
        keys = None
        if _may_skip_triggers():
            keys = {name: _foreign_keys(name) for name in (table, *also)}
            if None in keys.values():
                keys = None
        if keys is not None:
            _run("SET LOCAL session_replication_role = replica")
        yield
        if keys is not None:
            _run("SET LOCAL session_replication_role = origin")
            # The columns that every new row fills with the import's own user and batch need
            # one look each; the others are checked over the whole table.
            constants = {
                "created_by_id": self.actor.user_id,
                "updated_by_id": self.actor.user_id,
                "recorded_by_id": self.actor.user_id,
                "last_import_id": self.batch_id,
                "created_import_id": self.batch_id,
            }
            for name, table_keys in keys.items():
                for column, target, target_column in table_keys:
                    if column in constants:
                        _check_value(name, column, target, target_column, constants[column])
                _check_foreign_keys(name, [k for k in table_keys if k[0] not in constants])
        # The rows' queued checks (when triggers ran) are due at commit, and an index cannot be
        # built on a table with checks pending: they run now.
        _run("SET CONSTRAINTS ALL IMMEDIATE")
        for name, definition in uniques:
            quoted = connection.ops.quote_name(name)
            _run(f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition}")
        for _name, definition in indexes:
            _run(definition)
        _run("SET CONSTRAINTS ALL DEFERRED")


def _may_skip_triggers() -> bool:
    """Whether this PostgreSQL role may set `session_replication_role`."""
    if connection.pg_version >= 150000:
        sql = "SELECT has_parameter_privilege('session_replication_role', 'SET')"
    else:
        sql = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    return bool(_fetch(sql)[0][0])


def _foreign_keys(table: str) -> list[tuple[str, str, str]] | None:
    """(column, referenced table, referenced column) of every foreign key of `table`; None when
    one spans several columns (not checked here: the triggers then stay on)."""
    rows = _fetch(
        "SELECT array_length(c.conkey, 1), a.attname, c.confrelid::regclass::text, fa.attname "
        "FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1] "
        "WHERE c.conrelid = %s::regclass AND c.contype = 'f'",
        [table],
    )
    if any(width != 1 for width, *_rest in rows):
        return None
    return [(column, target, target_column) for _width, column, target, target_column in rows]


def _check_value(table: str, column: str, target: str, target_column: str, value) -> None:
    """The check of a key column that every new row fills with `value`: one look."""
    q = connection.ops.quote_name
    if value is not None and not _fetch(
        f"SELECT 1 FROM {target} WHERE {q(target_column)} = %s", [value]
    ):
        raise IntegrityError(f"{table}.{column} = {value!r} has no row in {target}")


def _check_foreign_keys(table: str, keys: list[tuple[str, str, str]]) -> None:
    """What the skipped triggers would have checked of `keys` (column, referenced table,
    referenced column), for the whole table in one pass: a value with nothing to point to fails
    the import (and rolls it back)."""
    if not keys:
        return
    q = connection.ops.quote_name
    joins, missing, values = [], [], []
    for i, (column, target, target_column) in enumerate(keys):
        joins.append(f"LEFT JOIN {target} r{i} ON r{i}.{q(target_column)} = t.{q(column)}")
        missing.append(f"(t.{q(column)} IS NOT NULL AND r{i}.{q(target_column)} IS NULL)")
        values.append(f"t.{q(column)}")
    found = _fetch(
        f"SELECT {', '.join(missing)}, {', '.join(values)} FROM {table} t {' '.join(joins)} "
        f"WHERE {' OR '.join(missing)} LIMIT 1"
    )
    if found:
        flags, found_values = found[0][: len(keys)], found[0][len(keys) :]
        i = flags.index(True)
        column, target, target_column = keys[i]
        raise IntegrityError(
            f"{table}.{column} = {found_values[i]!r} has no row in {target}.{target_column}"
        )


def _ddmmyyyy(value) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"{text[8:10]}-{text[5:7]}-{text[0:4]}"
