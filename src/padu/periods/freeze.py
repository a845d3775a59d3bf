# ruff: noqa: S608 -- the SQL is built from model metadata (table and column names) and declared
# status codes; the period is a parameter.
"""The frozen state's SQL: set-based, one statement per step and table, the same on PostgreSQL
and SQLite. It compares values, not `updated_at` or `version`: the registry's own bulk updates
(the import's, the welfare score's) and its services all change the columns themselves, and a
comparison cannot miss a write that forgot a timestamp.

For a period M closed after the period L before it:

1. `close_changed`: the open version of every record whose key facts now differ ends at M
   (`valid_until = M`);
2. `store_new`: every record without an open version (changed in 1, or new) gets one from M;
3. `tally`: per kelurahan, those registered now (the open versions with the active status), and
   among the versions from M: added (active now, not before), removed (active before, now not:
   by the status that removed them) and changed (active before and now, other facts differ);
4. `undo` (reopening M, the last closed period, or a failed close): the versions from M deleted,
   those that ended at M open again, M's tallies deleted; the state is again exactly as L left it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from padu.core.sql import not_same
from padu.registry import codes
from padu.registry.models import Family, Person

from .models import FamilyState, PersonState, Tally


@dataclass(frozen=True)
class Frozen:
    """One record kind: its registry model, its state model, and the key facts kept (the same
    field names on both)."""

    record: str  # Tally.Record
    source: type
    state: type
    key: str  # the state's field naming the record
    facts: tuple[str, ...]
    status: str  # the fact that says whether the record is registered
    active: str  # ... when it holds this value

    def column(self, model, name: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(name).column)

    @property
    def source_table(self) -> str:
        return connection.ops.quote_name(self.source._meta.db_table)

    @property
    def state_table(self) -> str:
        return connection.ops.quote_name(self.state._meta.db_table)

    @property
    def key_column(self) -> str:
        return self.column(self.state, self.key)


FAMILIES = Frozen(
    record=Tally.Record.FAMILY,
    source=Family,
    state=FamilyState,
    key="family",
    facts=("region", "status", "desil"),
    status="status",
    active=codes.FamilyStatus.ACTIVE,
)
PEOPLE = Frozen(
    record=Tally.Record.PERSON,
    source=Person,
    state=PersonState,
    key="person",
    facts=("family", "region", "relationship", "life_status"),
    status="life_status",
    active=codes.LifeStatus.ACTIVE,
)
KINDS = (FAMILIES, PEOPLE)


def _execute(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def close_changed(kind: Frozen, month: int) -> int:
    """Step 1: end the open versions whose facts differ from the record's; how many."""
    differs = " OR ".join(
        not_same(f"s.{kind.column(kind.state, f)}", f"r.{kind.column(kind.source, f)}")
        for f in kind.facts
    )
    return _execute(
        f"UPDATE {kind.state_table} AS s SET valid_until = %s FROM {kind.source_table} AS r "
        f"WHERE s.{kind.key_column} = r.id AND s.valid_until IS NULL AND ({differs})",
        [month],
    )


def store_new(kind: Frozen, month: int) -> int:
    """Step 2: a version from `month` for every record without an open one; how many."""
    state_columns = ", ".join(kind.column(kind.state, f) for f in kind.facts)
    source_columns = ", ".join(f"r.{kind.column(kind.source, f)}" for f in kind.facts)
    return _execute(
        f"INSERT INTO {kind.state_table} ({kind.key_column}, valid_from, valid_until, "
        f"{state_columns}) SELECT r.id, %s, NULL, {source_columns} FROM {kind.source_table} AS r "
        f"WHERE NOT EXISTS (SELECT 1 FROM {kind.state_table} AS s "
        f"WHERE s.{kind.key_column} = r.id AND s.valid_until IS NULL)",
        [month],
    )


def tally(kind: Frozen, month: int) -> None:
    """Step 3: the period's counts of this kind, per kelurahan (see the module's docstring)."""
    status = kind.column(kind.state, kind.status)
    region = kind.column(kind.state, "region")
    table, key = kind.state_table, kind.key_column
    measures = Tally.Measure
    _execute(
        f"INSERT INTO {connection.ops.quote_name(Tally._meta.db_table)} "
        "(period_id, region_id, record, measure, reason, count) "
        "SELECT %s, region_id, %s, measure, reason, COUNT(*) FROM ("
        f"  SELECT n.{region} AS region_id,"
        f"   CASE WHEN n.{status} = %s AND (o.{status} IS NULL OR o.{status} <> %s) THEN %s"
        f"        WHEN n.{status} <> %s AND o.{status} = %s THEN %s"
        f"        WHEN n.{status} = %s THEN %s END AS measure,"
        f"   CASE WHEN n.{status} = %s THEN '' ELSE n.{status} END AS reason"
        f"  FROM {table} AS n LEFT JOIN {table} AS o"
        f"   ON o.{key} = n.{key} AND o.valid_until = %s"
        "  WHERE n.valid_from = %s"
        "  UNION ALL"
        f"  SELECT {region}, %s, '' FROM {table} WHERE valid_until IS NULL AND {status} = %s"
        ") AS t WHERE measure IS NOT NULL GROUP BY region_id, measure, reason",
        [
            month,
            kind.record,
            kind.active,
            kind.active,
            measures.ADDED,
            kind.active,
            kind.active,
            measures.REMOVED,
            kind.active,
            measures.CHANGED,
            kind.active,
            month,
            month,
            measures.REGISTERED,
            kind.active,
        ],
    )


def undo(month: int) -> None:
    """Step 4: the state as the period before `month` left it (`month` is the last one)."""
    for kind in KINDS:
        _execute(f"DELETE FROM {kind.state_table} WHERE valid_from = %s", [month])
        _execute(
            f"UPDATE {kind.state_table} SET valid_until = NULL WHERE valid_until = %s", [month]
        )
    Tally.objects.unscoped().filter(period_id=month).delete()
