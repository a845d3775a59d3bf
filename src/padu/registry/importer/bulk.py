# ruff: noqa: S608 -- SQL is built from identifiers read from the catalog; values are parameters.
"""Writing many rows of a registry table on PostgreSQL: indexes and unique constraints rebuilt
once afterwards, foreign keys checked once for the rows written (upsert.py uses it)."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import IntegrityError, connection

from .sql import fetch, run

# Below this many rows written an import keeps the table's indexes (see bulk_write).
BULK_MIN_ROWS = 10_000
# The indexes are built again rather than kept up to date when the rows written are at least
# 1/REBUILD_SHARE of the rows already there. Measured at a million people: kept up to date, a
# million new people took 154 s to insert beside a million others (about 12 index entries each,
# at random places); built again, the person indexes took 21 s per million rows. The two meet at
# about one new row for six there. An updated row costs an index entry in every index like a new
# one (its new version rarely fits its page, and then no index is spared): 500,000 people
# updated among 2,000,000 took 156 s with the indexes kept.
REBUILD_SHARE = 5


class Block:
    """What `bulk_write` yields: `apart()` runs statements inside the block as if outside it."""

    def __init__(self, triggers_off: bool, rebuilt: tuple[str, ...] = ()):
        self.triggers_off = triggers_off
        # The tables whose indexes the block rebuilds: their statistics are wrong after so many
        # rows, and statements apart read them (`apart` analyses them first).
        self.rebuilt = rebuilt
        self.analysed = False

    @contextmanager
    def apart(self):
        """Statements that the block does not check (between the families and the end of their
        block: the people, audit entries, disability records and new dwellings, upsert.Pass2):
        the triggers are on for them, as outside any block, and blocks inside switch them off
        for themselves. They read the block's tables with fresh statistics; the block's own
        writes come before."""
        for name in self.rebuilt:
            run(f"ANALYZE {name}")
        self.analysed = True
        if not self.triggers_off:
            yield
            return
        run("SET LOCAL session_replication_role = origin")
        yield
        run("SET LOCAL session_replication_role = replica")


@contextmanager
def bulk_write(
    table: str,
    rows: int,
    *,
    also: tuple[str, ...] = (),
    user_id,
    batch_id,
    updated: tuple[str, str, dict[str, str]] | None = None,
    created: tuple[str, str, dict[str, str]] | None = None,
):
    """Around writing `rows` rows of `table`, new or updated (and, inside the block, new rows of
    the tables in `also`), on PostgreSQL from BULK_MIN_ROWS rows on. `updated`: where the
    block's updates of `table` take their values: (a table named `t`, a condition on it,
    {column: SQL of the value the update writes into it}). `created`: the same for its new
    rows, read instead of the new rows themselves for the foreign keys it gives (a work table
    of families is a fraction of the width and the rows of a million new people: 15 s less).

    The foreign keys of the rows written are checked once, set-based, instead of row by row
    (Django's deferred constraints queue one check per row and key, run at commit: 20 s at a
    million people, into an empty registry as into a full one), where the database role may switch
    triggers off for its own transaction (`session_replication_role`: a superuser, or on
    PostgreSQL 15+ a role granted `SET ON PARAMETER session_replication_role`). Dropping the
    constraints instead would lock the tables they point to (users, regions) against every
    reader until commit.

    When the rows written are also many beside what the table holds (REBUILD_SHARE: a first
    import, a city's monthly file, the audit entries of an import that changes many), its plain
    indexes and the unique constraints that no foreign key uses
    (NIK, KK number) are dropped and built once afterwards, which is many times faster than
    updating them row by row; the primary key stays. Readers of the table wait for the import's
    commit meanwhile (the drop locks it): the price of a write phase several times shorter.
    The tables in `also` get the same for their plain indexes; then all are analysed. A
    statement inside the block that reads these tables finds them without their indexes: it
    must read them whole anyway (hash joins), never look rows up one by one. Everything is part
    of the import's transaction: a failed import leaves the tables as they were."""
    if connection.vendor != "postgresql" or rows < BULK_MIN_ROWS:
        yield Block(triggers_off=False)
        return
    # The planner's estimate is enough to choose (a count would read the whole audit trail).
    (present,) = fetch(
        "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass", [table]
    )[0]
    rebuilt = _drop_indexes(table, also) if rows * REBUILD_SHARE >= present else None
    keys = None
    if _may_skip_triggers():
        keys = {name: _foreign_keys(name) for name in (table, *also)}
        if None in keys.values():
            keys = None
    if keys is not None:
        # The rows the block adds are the ones after the newest id now (ids come from each
        # table's sequence): only they, and the rows it updates, need checking.
        floors = {name: _newest_id(name) for name, table_keys in keys.items() if table_keys}
        run("SET LOCAL session_replication_role = replica")
    block = Block(
        triggers_off=keys is not None, rebuilt=(table, *also) if rebuilt is not None else ()
    )
    yield block
    if keys is not None:
        run("SET LOCAL session_replication_role = origin")
        # The columns that every new row fills with the import's own user and batch need
        # one look each; the others are checked over the new rows.
        constants = {
            "created_by_id": user_id,
            "updated_by_id": user_id,
            "recorded_by_id": user_id,
            "last_import_id": batch_id,
            "created_import_id": batch_id,
            "actor_id": user_id,
        }
        for name, table_keys in keys.items():
            for column, target, target_column in table_keys:
                if column in constants:
                    _check_value(name, column, target, target_column, constants[column])
            others = [k for k in table_keys if k[0] not in constants]
            new_keys = others
            if created and name == table:
                source, where, values = created
                _check_foreign_keys(
                    name, [k for k in others if k[0] in values], source, where, values=values
                )
                new_keys = [k for k in others if k[0] not in values]
            newest = floors.get(name)
            if newest is None:
                _check_foreign_keys(name, new_keys, f"{name} t")
            else:
                _check_foreign_keys(name, new_keys, f"{name} t", "t.id > %s", params=[newest])
            if updated and name == table:
                # The updated rows' new values, read where the update took them from (a pass
                # over the table would read every row).
                source, where, values = updated
                set_keys = [k for k in others if k[0] in values]
                _check_foreign_keys(name, set_keys, source, where, values=values)
    if rebuilt is not None:
        uniques, indexes = rebuilt
        _run_queued_checks((table, *also))  # those of the block's statements apart
        for name, definition in uniques:
            quoted = connection.ops.quote_name(name)
            run(f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition}")
        for _name, definition in indexes:
            run(definition)
        # The rows written are many beside those there were: the planner's statistics of these
        # tables are wrong now (into an empty registry, it took 260,000 new families for a few
        # hundred), and the import's later statements read them (the dwellings' heads: nested
        # loops for 22 s at a million people instead of hash joins for 2 s). A sample, soon
        # (taken already when statements apart from the block needed it).
        if not block.analysed:
            for name in (table, *also):
                run(f"ANALYZE {name}")


def _drop_indexes(table: str, also: tuple[str, ...]) -> tuple[list, list]:
    """Drop the plain indexes of `table` and `also`, and the unique constraints of `table` that no
    foreign key uses; their (name, definition) pairs, to build them again."""
    indexes = [
        index
        for name in (table, *also)
        for index in fetch(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            [name],
        )
    ]
    # Unique constraints other than the primary key, that no foreign key points to (NIK,
    # KK number): rebuilt like the indexes. The rows were checked for duplicates before
    # (pass 2's checks), and the rebuild would fail the import if one slipped through.
    uniques = fetch(
        "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "WHERE c.conrelid = %s::regclass AND c.contype = 'u' AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)",
        [table],
    )
    _run_queued_checks((table, *also))
    for name, _definition in uniques:
        run(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    for name, _definition in indexes:
        run(f"DROP INDEX {connection.ops.quote_name(name)}")
    return uniques, indexes


def _run_queued_checks(tables: tuple[str, ...]) -> None:
    """PostgreSQL alters no table (drops, and later adds, a constraint or an index) while the
    transaction holds checks queued for its rows: an update earlier in the import (of registered
    families or people) queued one per row and key, and so do the statements apart from a block
    ("cannot ALTER TABLE ... because it has pending trigger events"). The checks of the keys of
    `tables` run now rather than at commit (the same checks, once), and are deferred again at
    once, as Django expects. Only theirs: a family written before its new dwelling
    (upsert.Pass2.write) is checked once the dwelling is there, not when the people's indexes
    are dropped. The checks queued for a referenced table (on deleting a row that others point
    to) would stop an ALTER too; the import deletes no such row (only PPKS links, which nothing
    points to)."""
    names = [
        connection.ops.quote_name(name)
        for (name,) in fetch(
            "SELECT DISTINCT conname FROM pg_constraint WHERE contype = 'f' AND condeferrable "
            "AND conrelid = ANY(%s::regclass[])",
            [list(tables)],
        )
    ]
    if names:
        run(f"SET CONSTRAINTS {', '.join(names)} IMMEDIATE")
        run(f"SET CONSTRAINTS {', '.join(names)} DEFERRED")


def _newest_id(table: str) -> int | None:
    """The largest id of `table`; None when it has no `id` column (then every row is checked)."""
    if not fetch(
        "SELECT 1 FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'id' "
        "AND NOT attisdropped",
        [table],
    ):
        return None
    return fetch(f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0][0]


def _may_skip_triggers() -> bool:
    """Whether this PostgreSQL role may set `session_replication_role`."""
    if connection.pg_version >= 150000:
        sql = "SELECT has_parameter_privilege('session_replication_role', 'SET')"
    else:
        sql = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    return bool(fetch(sql)[0][0])


def _foreign_keys(table: str) -> list[tuple[str, str, str]] | None:
    """(column, referenced table, referenced column) of every foreign key of `table`; None when
    one spans several columns (not checked here: the triggers then stay on)."""
    rows = fetch(
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
    if value is not None and not fetch(
        f"SELECT 1 FROM {target} WHERE {q(target_column)} = %s", [value]
    ):
        raise IntegrityError(f"{table}.{column} = {value!r} has no row in {target}")


def _check_foreign_keys(
    table: str,
    keys: list[tuple[str, str, str]],
    source: str,
    where: str = "TRUE",
    *,
    values: dict[str, str] | None = None,
    params=(),
) -> None:
    """What the skipped triggers would have checked of `keys` (column, referenced table,
    referenced column) in one pass over the rows of `source` (a table named `t`) that match
    `where`, where `values` gives each column's value (else `t.<column>`): a value with nothing
    to point to fails the import (and rolls it back)."""
    if not keys:
        return
    q = connection.ops.quote_name
    values = values or {}
    joins, missing, shown = [], [], []
    for i, (column, target, target_column) in enumerate(keys):
        value = values.get(column, f"t.{q(column)}")
        joins.append(f"LEFT JOIN {target} r{i} ON r{i}.{q(target_column)} = {value}")
        missing.append(f"({value} IS NOT NULL AND r{i}.{q(target_column)} IS NULL)")
        shown.append(value)
    # Planned to read every row (a materialised CTE): with a bare LIMIT 1 PostgreSQL expects to
    # stop early and looks each key up by index, while the check must read them all (230,000
    # new dwellings' heads: 1.4 s by lookups).
    found = fetch(
        f"WITH found AS MATERIALIZED (SELECT {', '.join(missing)}, {', '.join(shown)} "
        f"FROM {source} {' '.join(joins)} WHERE ({where}) AND ({' OR '.join(missing)})) "
        "SELECT * FROM found LIMIT 1",
        list(params),
    )
    if found:
        flags, found_values = found[0][: len(keys)], found[0][len(keys) :]
        i = flags.index(True)
        column, target, target_column = keys[i]
        raise IntegrityError(
            f"{table}.{column} = {found_values[i]!r} has no row in {target}.{target_column}"
        )
