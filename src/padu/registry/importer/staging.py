# ruff: noqa: S608 -- SQL is built from identifiers defined in this package; values are parameters.
"""The staging tables of an import and the little SQL that differs between PostgreSQL and SQLite.

Pass 1 loads the typed rows of each chunk into a temporary table (PostgreSQL: `COPY`; SQLite:
`executemany`), so that pass 2 can check and upsert them with a handful of set-based statements.
Temporary tables live in the import's own database session and vanish with it.
"""

from __future__ import annotations

import io
import logging

import polars as pl
from django.db import DatabaseError, connection, transaction

from padu.core.sql import not_same, same

from .columns import STAGE_COLUMNS
from .crossrow import FileRows, row_keys
from .sql import fetch, run

log = logging.getLogger(__name__)

STAGE = "padu_import_stage"
PPKS = "padu_import_ppks"
FAMILIES = "padu_import_family"
PEOPLE = "padu_import_person"
BEFORE_FAMILIES = "padu_import_family_before"
BEFORE_PEOPLE = "padu_import_person_before"
FAMILY_NAMES = "padu_import_family_names"
REJECT = "padu_import_reject"
KK = "padu_import_kk"
# The accepted families' rows (rejects.Rejects._family_rows).
FAMILY_ROWS = "padu_import_family_row"
# The dwellings step (dwellings.py): each family's dwelling ID, and the file's dwellings.
FAMILY_DWELLINGS = "padu_import_family_dwelling"
DWELLINGS = "padu_import_dwelling"
BEFORE_DWELLINGS = "padu_import_dwelling_before"
LEFT = "padu_import_dwelling_left"
STALE = "padu_import_dwelling_stale"
HEADS = "padu_import_dwelling_head"
# PostgreSQL session memory of an import (_session_memory).
TEMP_BUFFERS = "1GB"
WORK_MAINTENANCE_MEMORY = "256MB"
# pg_statistic sample size for the work tables (PostgreSQL's default is 100).
WORK_STATISTICS_TARGET = 10
TABLES = (
    STAGE,
    PPKS,
    KK,
    FAMILY_ROWS,
    FAMILIES,
    PEOPLE,
    BEFORE_FAMILIES,
    BEFORE_PEOPLE,
    FAMILY_NAMES,
    REJECT,
    FAMILY_DWELLINGS,
    DWELLINGS,
    BEFORE_DWELLINGS,
    LEFT,
    STALE,
    HEADS,
)


class Dialect:
    """SQL fragments per vendor; everything else is plain SQL both understand."""

    def __init__(self, vendor: str):
        self.vendor = vendor
        self.pg = vendor == "postgresql"

    def type(self, kind: str) -> str:
        pg = {"decimal": "numeric(9,6)", "json": "jsonb", "int": "integer", "bool": "boolean"}
        lite = {"decimal": "text", "json": "text", "date": "text", "bool": "integer"}
        return (pg if self.pg else lite).get(kind, kind)

    def ne(self, a: str, b: str, kind: str = "") -> str:
        """`a` and `b` differ (NULL-safe); on SQLite decimals and JSON compared as PostgreSQL
        compares them (by value, not by their text)."""
        if not self.pg and kind == "decimal":
            a, b = self._dec(a), self._dec(b)
        elif not self.pg and kind == "json":
            a, b = f"json({a})", f"json({b})"
        return not_same(a, b, self.vendor)

    def eq(self, a: str, b: str) -> str:
        return same(a, b, self.vendor)

    @staticmethod
    def _dec(a: str) -> str:
        return f"(CASE WHEN {a} IS NULL THEN NULL ELSE printf('%.6f', {a}) END)"

    def json_value(self, column: str, kind: str) -> str:
        """A column as the audit trail stores it (audit.snapshot: dates ISO, decimals as text)."""
        if kind == "decimal":
            return f"CAST({column} AS text)" if self.pg else self._dec(column)
        if kind == "json" and not self.pg:
            return f"json({column})"
        if kind == "bool" and not self.pg:
            return f"(CASE WHEN {column} THEN json('true') ELSE json('false') END)"
        return column

    def json_object(self, pairs: dict[str, str]) -> str:
        args = ", ".join(f"'{key}', {value}" for key, value in pairs.items())
        return f"{'jsonb_build_object' if self.pg else 'json_object'}({args})"

    def codes_by_key(self, select: str) -> str:
        """Per key, the JSON array of its codes in order, from `select` of (key, code) pairs: a
        query with the columns `key` and `codes`."""
        if self.pg:
            return (
                "SELECT q.key, jsonb_agg(q.code ORDER BY q.code) AS codes "
                f"FROM ({select}) q GROUP BY q.key"
            )
        # SQLite (before 3.44) has no ORDER BY in an aggregate; it aggregates in the order of
        # the sub-select.
        return (
            "SELECT q.key, json_group_array(q.code) AS codes "
            f"FROM ({select} ORDER BY 1, 2) q GROUP BY q.key"
        )

    @property
    def json_empty_list(self) -> str:
        return "'[]'::jsonb" if self.pg else "json('[]')"

    def json_flags(self, alias: str, flags: dict[str, str]) -> str:
        """A JSON array of the codes whose boolean column (`flags`: code → column) is true on
        `alias`, in the flags' order."""
        cases = ", ".join(
            f"CASE WHEN {alias}.{column} THEN '{code}' END" for code, column in flags.items()
        )
        if self.pg:
            return f"to_jsonb(array_remove(ARRAY[{cases}]::text[], NULL))"
        return (
            f"json((SELECT json_group_array(value) FROM json_each(json_array({cases})) "
            "WHERE value IS NOT NULL))"
        )

    def json_list(self, codes: str) -> str:
        """A JSON array of the numbers in `codes`, a text column like "9;24" (null: empty)."""
        array = f"'[' || replace(COALESCE({codes}, ''), ';', ',') || ']'"
        return f"CAST({array} AS jsonb)" if self.pg else f"json({array})"

    def json_changed(self, pairs: list[tuple[str, str, str]]) -> str:
        """A JSON object of the (key, value, differs) pairs whose `differs` holds: the changed
        fields of an audit entry, compared column by column."""
        if not pairs:
            return "'{}'::jsonb" if self.pg else "json('{}')"
        if self.pg:
            # Only the changed keys are built; an unchanged one adds an empty object.
            return (
                "("
                + " || ".join(
                    f"CASE WHEN {differs} THEN jsonb_build_object('{key}', {value}) "
                    "ELSE '{}'::jsonb END"
                    for key, value, differs in pairs
                )
                + ")"
            )
        # SQLite builds the whole object and removes the unchanged keys (a path to a key that
        # is not there removes nothing).
        paths = ", ".join(
            f"CASE WHEN {differs} THEN '$.\"-\"' ELSE '$.{key}' END" for key, _v, differs in pairs
        )
        return f"json_remove({self.json_object({k: v for k, v, _d in pairs})}, {paths})"


def dialect() -> Dialect:
    return Dialect(connection.vendor)


def drop_all() -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        if connection.vendor == "postgresql":
            cursor.execute("RESET maintenance_work_mem")


def _session_memory() -> None:
    """PostgreSQL memory for the import's session, before its first work table. The work tables
    live in the session's own buffers, 8 MB by default: at a million rows (about 400 MB of work
    tables) every statement over them went through the operating system, page by page, and the
    first read of each staged page wrote it back (the first index on the staging table took 10 s
    instead of 1 s). They are taken as the tables grow, up to `TEMP_BUFFERS`, and can be set only
    before the session's first temporary table: a session that used one already keeps its own.
    The index builds of the staging table, before pass 2's transaction sets its own, get the
    same room as those (rejects.SESSION_SETTINGS)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{WORK_MAINTENANCE_MEMORY}'")
        try:
            with transaction.atomic():
                cursor.execute(f"SET temp_buffers = '{TEMP_BUFFERS}'")
        except DatabaseError:
            log.info("temp_buffers kept: this session has used temporary tables already")


def create_stage() -> None:
    """Empty staging tables (dropping any left by an earlier import on this connection)."""
    d = dialect()
    drop_all()
    if d.pg:
        _session_memory()
    columns = ", ".join(f"{name} {d.type(kind)}" for name, kind in STAGE_COLUMNS.items())
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({columns})")
        cursor.execute(f"CREATE TEMPORARY TABLE {PPKS} (row_no bigint, nik text, code integer)")
        cursor.execute(f"CREATE TEMPORARY TABLE {REJECT} (row_no bigint)")
        cursor.execute(f"CREATE TEMPORARY TABLE {KK} (kk text, src bigint)")


def index_stage() -> None:
    """After loading: index what pass 2 joins the staging tables on (built now, once, rather
    than maintained row by row), then take their statistics (index_work_table)."""
    index_work_table(STAGE, "kk_number", "nik", ordered=("row_no",))
    index_work_table(PPKS, ordered=("row_no",))


def index_work_table(table: str, *columns: str, ordered: tuple[str, ...] = ()) -> None:
    """Make a work table fit for joins: an index on each of `columns` (what statements join it
    on), then, on PostgreSQL, its statistics. With statistics PostgreSQL hashes its joins; but a
    misestimate (correlated conditions read as matching a handful of rows) can still make it
    choose a nested loop, and over an unindexed table that loop reads the whole table once per
    outer row: the check for a new head of a registered family ran 16 minutes so. With the
    index the worst plan is one lookup per row. SQLite joins only by nested loops: it needs the
    indexes in any case. On PostgreSQL they are hash indexes: every join on a work table is an
    equality, and a hash index builds in about half the time of a B-tree, which sorts a million
    NIKs by the database's collation (measured on 300,000 staged rows: 1.5 s against 3.0 s).
    Except for the `ordered` columns, whose values were loaded in order (the rows' numbers): a
    B-tree finds them sorted already, and builds in a quarter of a hash index's time (0.3 s
    against 1.3 s for a million)."""
    method = "USING hash " if connection.vendor == "postgresql" else ""
    for column in ordered:
        run(f"CREATE INDEX {table}_{column} ON {table} ({column})")
    for column in columns:
        run(f"CREATE INDEX {table}_{column} ON {table} {method}({column})")
    if connection.vendor == "postgresql":
        analyze_work_tables(table)


def refresh_statistics(*tables: str) -> None:
    """PostgreSQL statistics for registry tables that changed much since they were last taken
    (autovacuum's rule: a tenth of the rows), or that have none at all, before pass 2 plans its
    joins over them. After a large import autovacuum takes them only later: the next import's
    check for a new head of a registered family, planned with a table of 2,500,000 people
    thought to hold a few thousand heads, ran 13.9 s instead of 3.8 s. A restored or copied
    database has no counters of changes (they start at zero) and may have no statistics yet:
    those tables are analysed too."""
    if connection.vendor != "postgresql":
        return
    stale = fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid "
        "WHERE c.relname = ANY(%s) AND (s.n_mod_since_analyze > 50 + GREATEST(c.reltuples, 0) "
        "/ 10 OR NOT EXISTS (SELECT 1 FROM pg_stats t WHERE t.schemaname = s.schemaname "
        "AND t.tablename = c.relname))",
        [list(tables)],
    )
    for (table,) in stale:
        run(f"ANALYZE {table}")


def analyze_work_tables(*tables: str) -> None:
    """PostgreSQL statistics for work tables, from a small sample: pass 2's plans need their
    sizes and rough value counts, and the default sample (30,000 rows) cost half a second at
    1,000,000 rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET default_statistics_target = {WORK_STATISTICS_TARGET}")
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("RESET default_statistics_target")


class Loader:
    """Appends the typed rows of each chunk (and their PPKS codes) to the staging tables. On
    PostgreSQL the COPY of a chunk runs in a thread while the caller checks the next one: the
    database parses on one core while Polars works on the others (psycopg serialises the
    session's statements, so the thread and the caller's own queries take turns). Use as a
    context manager: leaving it waits for the last COPY."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.pending = None
        self.pool = None
        self.keys: list[pl.DataFrame] = []
        if self.pg:
            from concurrent.futures import ThreadPoolExecutor

            connection.ensure_connection()
            self.raw = connection.connection
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="padu-copy")

    def __enter__(self) -> Loader:
        return self

    def add(self, stage: pl.DataFrame) -> None:
        self.keys.append(row_keys(stage))
        if not self.pg:
            for table, frame in _frames(stage):
                _insert(table, frame)
            return
        self.wait()
        self.pending = self.pool.submit(self._copy_all, stage)

    def rows(self) -> FileRows:
        """The keys of every staged row, for the rules across rows (crossrow.py)."""
        return FileRows(self.keys)

    def _copy_all(self, stage: pl.DataFrame) -> None:
        for table, frame in _frames(stage):
            _copy_pg(self.raw, table, frame)

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()  # a failed COPY raises here

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is None:
                self.wait()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True)


def _frames(stage: pl.DataFrame) -> list[tuple[str, pl.DataFrame]]:
    if stage.is_empty():
        return []
    ppks = (
        stage.filter(pl.col("ok") & (pl.col("ppks") != ""))
        .select("row_no", "nik", pl.col("ppks").str.split(";").alias("code"))
        .explode("code")
        .with_columns(pl.col("code").cast(pl.Int64))
    )
    frames = [(STAGE, stage.select(list(STAGE_COLUMNS)))]
    if not ppks.is_empty():
        frames.append((PPKS, ppks))
    return frames


def load(table: str, frame: pl.DataFrame) -> None:
    """Append `frame` to the work table `table` (its columns by name)."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        _copy_pg(connection.connection, table, frame)
    else:
        _insert(table, frame)


def _copy_pg(raw, table: str, frame: pl.DataFrame) -> None:
    """COPY through psycopg's own connection (Django's cursor has no COPY)."""
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="")
    columns = ", ".join(frame.columns)
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        copy.write(buffer.getvalue())


def _insert(table: str, frame: pl.DataFrame) -> None:
    columns = ", ".join(frame.columns)
    marks = ", ".join(["%s"] * len(frame.columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", frame.iter_rows())
