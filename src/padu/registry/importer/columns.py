"""The import's columns, derived from the declarations: what a staged row holds, which registry
column each staged value is written to (and compared with), the defaults of the columns a file
does not fill, and the keys of the audit entries the import writes (the same as the services'
snapshots, `services.base.snapshot`).
"""

from __future__ import annotations

from dataclasses import dataclass

from padu.core.records.derive import storage
from padu.core.records.record import UNSET

from ..declarations import FAMILY, PERSON
from .layout import ROW

# The keys of the two records, and the family's desil (written to the desil history too).
FAMILY_KEY, PERSON_KEY = "kk_number", "nik"
DESIL = ("desil", "desil_period")


def _stage() -> dict[str, str]:
    """The staged columns and their types (staging.py creates the table from this)."""
    columns = {"row_no": "bigint", "ok": "bool"}
    for column in ROW.columns:
        f = column.field
        for stored in storage(f.kind, f):
            columns[stored.name] = stored.stage_type
    columns["name_key"] = "text"  # the search key of the name (registry.names)
    columns["ppks"] = "text"  # codes "9;24": the import writes the links from its own table
    # Types "fisik;netra" and their severity: the import writes disability records from them
    # (importer/disabilities.py).
    columns["disability"] = "text"
    columns["disability_severity"] = "text"
    return columns


STAGE_COLUMNS: dict[str, str] = _stage()


@dataclass(frozen=True)
class Value:
    stage: str  # the staged column
    column: str  # the registry column
    kind: str  # how to compare it (staging.Dialect.ne) and write it to an audit entry


def _values(record, *, skip: tuple[str, ...]) -> list[Value]:
    return [
        Value(stored.name, stored.attname, stored.stage_type)
        for f in record.writable
        if f.column and f.name not in skip
        for stored in storage(f.kind, f)
    ]


# The values an import writes besides the record's key (the family's desil has its own rule).
FAMILY_VALUES = _values(FAMILY, skip=(FAMILY_KEY, *DESIL))
PERSON_VALUES = [*_values(PERSON, skip=(PERSON_KEY,)), Value("name_key", "name_key", "text")]


def defaults(record) -> dict[str, object]:
    """The registry columns a file never fills that a new row needs: the defaults of the
    record's read-only fields (its status)."""
    return {
        stored.attname: f.default
        for f in record.fields
        if f.readonly and f.default not in (UNSET, None) and f.column
        for stored in storage(f.kind, f)
    }


@dataclass(frozen=True)
class AuditKey:
    """One key of an audit snapshot: `sql(alias)` reads its value from a registry row."""

    key: str
    columns: tuple[str, ...]
    kind: str
    flags: dict | None = None

    def sql(self, d, alias: str) -> str:
        if self.flags:
            return d.json_flags(alias, self.flags)
        return f"{alias}.{self.columns[0]}"


def audit_keys(record, *extra: tuple[str, str, str]) -> list[AuditKey]:
    """The snapshot keys of `record` (see services.base.snapshot), read from registry columns;
    `extra`: (key, column, kind) of model fields the snapshot adds."""
    out = []
    for f in record.fields:
        stored = storage(f.kind, f)
        if not stored:
            continue  # a many-to-many link: compared and added by the caller
        flags = getattr(f.kind, "flags", None)
        if flags:
            out.append(AuditKey(f.name, tuple(s.attname for s in stored), "json", flags))
        else:
            out.append(AuditKey(f.name, (stored[0].attname,), stored[0].stage_type))
    out += [AuditKey(key, (column,), kind) for key, column, kind in extra]
    return [*out, AuditKey("version", ("version",), "int")]


FAMILY_AUDIT = audit_keys(FAMILY)
PERSON_AUDIT = audit_keys(PERSON, ("family", "family_id", "int"))
