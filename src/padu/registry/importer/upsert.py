# ruff: noqa: S608 -- SQL is built from identifiers defined in this package; values are parameters.
"""Pass 2, inside the caller's transaction: the checks across rows (rejects.py), then the
set-based upserts.

Writes: families by KK and people by NIK; only rows whose values differ are written (`version`
+1, `updated_at/by`, `last_import`); a NIK found in another family moves to the file's KK; the
desil history gains a record for a new (desil, period), with the import as its source (a
(desil, period) the history holds already leaves the family's desil as it is); PPKS links are
replaced for the people whose codes changed; one audit entry per changed family and person, with
the changed fields only, `source="import:<id>"`; then the disability records follow the file
(their own module, disabilities.py). Nothing is deleted. The updates and the new rows of a table
are written together, in bulk from bulk.BULK_MIN_ROWS rows on (bulk.py), and so are the audit
entries. Every statement joins the work tables on indexed columns (staging.py), so that no plan
can turn into one scan per row.
"""

from __future__ import annotations

from contextlib import contextmanager

import polars as pl
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ..declarations import FAMILY, PERSON
from ..declarations.desil import DesilSource
from ..masks import mask_number
from .bulk import BULK_MIN_ROWS, bulk_write
from .columns import FAMILY_AUDIT, FAMILY_VALUES, PERSON_AUDIT, PERSON_VALUES, defaults
from .crossrow import FileRows
from .disabilities import DisabilityStep
from .dwellings import DwellingStep
from .rejects import Actor, Outcome, Rejects
from .sql import count, fetch, run
from .staging import (
    BEFORE_FAMILIES,
    BEFORE_PEOPLE,
    FAMILIES,
    FAMILY_NAMES,
    FAMILY_ROWS,
    PEOPLE,
    PPKS,
    STAGE,
    Dialect,
    dialect,
    index_work_table,
    load,
    refresh_statistics,
)

__all__ = ["Actor", "Outcome", "Pass2"]


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

    def check(self) -> None:
        refresh_statistics("registry_family", "registry_person", "registry_dwelling")
        Rejects(actor=self.actor, rows=self.rows, out=self.out).check()

    # ------------------------------------------------------------------------------ writes

    def write(self) -> Outcome:
        # dwellings.py: the file's dwellings get their ids first, so that each family is written
        # once, with its dwelling; the new dwellings are written once the people are, with their
        # heads, inside the families' block (whose keys are checked after them).
        dwellings = DwellingStep(self)
        dwellings.prepare()
        with self._families(dwellings):
            self._people()
            self._audit()
            self._disabilities()
            dwellings.write()
        self.out.accepted_rows = self.rows.accepted()
        written = self.out.people_created + self.out.people_updated
        if self.d.pg and written >= BULK_MIN_ROWS:
            # The name search's first step plans by the keys' statistics: without fresh ones
            # the first searches after a large import scan every key (autovacuum comes later).
            run("ANALYZE registry_namekey")
        return self.out

    def _disabilities(self) -> None:
        """The file's disabilities become disability records (disabilities.py)."""
        DisabilityStep(
            d=self.d,
            batch_id=self.batch_id,
            user_id=self.actor.user_id,
            now=self.now,
            today=timezone.localdate(),
            reason=self.reason,
            source=self.source,
        ).run()

    def new_id(self, table: str) -> str:
        """SQL for the id of a row about to be created in `table`, drawn up front so that rows
        pointing to it can be written before it (a family before its new dwelling) and need no
        lookup by key after the insert: on PostgreSQL from the table's sequence; on SQLite after
        the largest id the table ever gave (AUTOINCREMENT keeps it in sqlite_sequence: a deleted
        row's id is never given again), numbered by the statement's rows (some numbers are
        skipped: harmless). The import's transaction holds SQLite's write lock from its start
        (`transaction_mode` IMMEDIATE), so no other writer draws in between."""
        if not self.d.pg:
            return (
                f"(SELECT MAX(n) FROM (SELECT MAX(id) AS n FROM {table} UNION ALL SELECT seq "
                f"FROM sqlite_sequence WHERE name = '{table}' UNION ALL SELECT 0)) "
                "+ ROW_NUMBER() OVER ()"
            )
        (sequence,) = fetch("SELECT pg_get_serial_sequence(%s, 'id')", [table])[0]
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
        joined = f"FROM {before} b JOIN {work} w ON w.{id_col} = b.id JOIN {table} o ON o.id = b.id"
        # The fields the import changed on any of these objects, found in one pass: an entry is
        # then built from those few instead of every field (a monthly file changes an address
        # or an income, not the forty fields of a person).
        (changed,) = fetch(
            "SELECT "
            + ", ".join(
                f"MAX(CASE WHEN {d.ne(b_, a_, kind)} THEN 1 ELSE 0 END)"
                for _k, b_, a_, kind in keys
            )
            + f" {joined}"
        )
        keys = [key for key, flag in zip(keys, changed, strict=True) if flag]
        old = [(k, d.json_value(b_, kind), d.ne(b_, a_, kind)) for k, b_, a_, kind in keys]
        new = [(k, d.json_value(a_, kind), d.ne(b_, a_, kind)) for k, b_, a_, kind in keys]
        run(
            "INSERT INTO core_auditentry (at, actor_id, action, object_type, object_id, "
            "object_repr, region_code, before, after, reason, source) "
            f"SELECT %s, %s, %s, %s, CAST(o.id AS text), {repr_sql}, o.region_id, "
            f"{d.json_changed(old)}, {d.json_changed(new)}, %s, %s {joined}",
            [
                self.now,
                self.actor.user_id,
                action,
                object_type,
                self.reason,
                self.source,
            ],
        )

    def _snapshot(
        self, table: str, work: str, id_col: str, spec, into: str, extra: str = "", join: str = ""
    ) -> None:
        """The changed rows of `table` (`o`) as they are before the update, with the columns
        their audit entries compare (`spec`), and `extra` columns from what `join` adds."""
        columns = sorted({c for k in spec for c in k.columns})
        run(
            f"CREATE TEMPORARY TABLE {into} AS SELECT o.id, "
            f"{', '.join(f'o.{c}' for c in columns)}{extra and ', ' + extra} "
            f"FROM {work} w JOIN {table} o ON o.id = w.{id_col} "
            f"{join}WHERE w.changed"
        )

    @contextmanager
    def _families(self, dwellings: DwellingStep):
        """The file's families and their desil history; what runs inside writes the rest,
        apart from the families' bulk block (bulk.Block.apart), which ends after it: the new
        dwellings that the families point to are written last (DwellingStep.write)."""
        d = self.d
        differs = [d.ne(f"f.{v.column}", f"s.{v.stage}", v.kind) for v in FAMILY_VALUES]

        def new_desil(s: str) -> str:
            """Whether the file's desil of the family (in `s`) is news for the registry's `f`:
            a ranking its history already holds (the same file again, after a correction of
            that period) leaves the current desil as it is. Computed into the work table before
            the writes: bulk_write may drop the history's indexes while the families change."""
            return (
                f"({s}.desil IS NOT NULL OR {s}.desil_period IS NOT NULL) AND "
                f"({d.ne('f.desil', f'{s}.desil')} OR "
                f"{d.ne('f.desil_period', f'{s}.desil_period')}) AND ({s}.desil_period IS NULL "
                f"OR f.desil_period IS NULL OR {s}.desil_period >= f.desil_period) AND NOT "
                f"EXISTS (SELECT 1 FROM registry_desilrecord r WHERE r.family_id = f.id AND "
                f"{d.eq('r.desil', f'{s}.desil')} AND {d.eq('r.period', f'{s}.desil_period')})"
            )

        # One pass over the families of the file: their values, the registered family (if
        # any) and whether the file changes it; the writes below read this table alone. A
        # family whose row was rejected is left out (rejects.Rejects._family_rows).
        run(
            f"CREATE TEMPORARY TABLE {FAMILIES} AS SELECT s.kk, s.src, "
            f"{', '.join(f's.{v.stage}' for v in FAMILY_VALUES)}, s.desil, s.desil_period, "
            f"CASE WHEN f.id IS NULL THEN {self.new_id('registry_family')} ELSE f.id END "
            f"AS fam_id, f.id IS NULL AS created, (f.id IS NOT NULL AND ({' OR '.join(differs)} OR "
            f"({new_desil('s')}))) AS changed, (f.id IS NOT NULL AND {new_desil('s')}) AS "
            f"new_desil, dw.dw_id, (f.id IS NOT NULL AND {d.ne('f.dwelling_id', 'dw.dw_id')}) "
            f"AS moved FROM {FAMILY_ROWS} s {dwellings.family_dwelling('s.kk')}"
            "LEFT JOIN registry_family f ON f.kk_number = s.kk"
        )
        index_work_table(FAMILIES, "kk", "fam_id")
        dwellings.record_moves()
        # The statements for changed families (their old values, the update, the audit) are
        # left out when there are none, as in a first import: each would read every family.
        changed = self.families_changed = count(FAMILIES, "changed")
        moved = count(FAMILIES, "moved AND NOT changed")
        if changed:
            self._snapshot("registry_family", FAMILIES, "fam_id", FAMILY_AUDIT, BEFORE_FAMILIES)
        fixed = defaults(FAMILY)
        columns = [v.column for v in FAMILY_VALUES] + list(fixed)
        names = [f"w.{v.stage}" for v in FAMILY_VALUES] + ["%s"] * len(fixed)
        created = count(FAMILIES, "created")
        ranked = "(w.desil IS NOT NULL OR w.desil_period IS NOT NULL)"
        desil_insert = (
            "INSERT INTO registry_desilrecord (family_id, desil, period, kind, source, reason, "
            "import_batch_id, recorded_at, recorded_by_id) SELECT w.fam_id, w.desil, "
            f"w.desil_period, %s, %s, '', %s, %s, %s FROM {FAMILIES} w WHERE {ranked} AND "
        )
        desil_params = [
            DesilSource.IMPORT,
            self.source,
            self.batch_id,
            self.now,
            self.actor.user_id,
        ]
        sets = ", ".join(f"{v.column} = w.{v.stage}" for v in FAMILY_VALUES)
        # The desil history of the new families is written with them (keys checked alike).
        with bulk_write(
            "registry_family",
            created + changed + moved,
            also=("registry_desilrecord",),
            user_id=self.actor.user_id,
            batch_id=self.batch_id,
            updated=(
                f"{FAMILIES} t",
                "t.changed OR t.moved",
                {**_set(FAMILY_VALUES), "dwelling_id": "t.dw_id"},
            ),
            created=(
                f"{FAMILIES} t",
                "t.created",
                {**_set(FAMILY_VALUES), "dwelling_id": "t.dw_id"},
            ),
        ) as block:
            # A family that only moves to another dwelling is written too, and audited apart
            # (dwellings.DwellingStep.record_moves).
            self.out.families_updated = (changed or moved) and run(
                f"UPDATE registry_family AS f SET {sets}, dwelling_id = w.dw_id, "
                "desil = CASE WHEN w.new_desil THEN w.desil ELSE f.desil END, "
                "desil_period = CASE WHEN w.new_desil THEN w.desil_period "
                "ELSE f.desil_period END, "
                "version = f.version + 1, updated_at = %s, updated_by_id = %s, "
                f"last_import_id = %s FROM {FAMILIES} w WHERE f.id = w.fam_id "
                "AND (w.changed OR w.moved)",
                [self.now, self.actor.user_id, self.batch_id],
            )
            self.out.families_created = created and run(
                f"INSERT INTO registry_family (id, kk_number, {', '.join(columns)}, "
                "desil, desil_period, dwelling_id, version, created_at, updated_at, "
                f"created_by_id, updated_by_id, last_import_id, created_import_id) SELECT "
                f"w.fam_id, w.kk, {', '.join(names)}, w.desil, w.desil_period, w.dw_id, 1, "
                "%s, %s, %s, %s, %s, %s "
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
            if created:
                run(desil_insert + "w.created", desil_params)
            with block.apart():
                yield
        # A registered family's (desil, period) is news when its history lacks it: looked up
        # by family once the history's indexes are back (bulk_write may have dropped them).
        if count(FAMILIES, "NOT created"):
            run(
                desil_insert + "NOT w.created AND NOT EXISTS (SELECT 1 FROM registry_desilrecord "
                f"r WHERE r.family_id = w.fam_id AND {d.eq('r.desil', 'w.desil')} AND "
                f"{d.eq('r.period', 'w.desil_period')})",
                desil_params,
            )

    def _name_families(self) -> None:
        """The changed families' names in the audit trail, as `Family.__str__` gives them: their
        KK's mask carries a keyed tag (registry.masks) that SQL cannot compute, so the names are
        made here, one per changed family, and loaded into a work table."""
        rows = fetch(
            f"SELECT f.id, f.kk_number FROM registry_family f JOIN {BEFORE_FAMILIES} b "
            "ON b.id = f.id"
        )
        run(f"CREATE TEMPORARY TABLE {FAMILY_NAMES} (id bigint, name text)")
        name = str(_("Family KK %(kk)s"))  # translated once, not once per family
        names = [name % {"kk": mask_number(kk)} for _id, kk in rows]
        load(
            FAMILY_NAMES,
            pl.DataFrame(
                {"id": [i for i, _kk in rows], "name": names},
                schema={"id": pl.Int64, "name": pl.String},
            ),
        )
        index_work_table(FAMILY_NAMES, "id")

    @property
    def _ppks_before(self) -> str:
        """The PPKS codes of the changed people, aggregated once for all of them (a sub-select
        per person cost 50 s for 500,000)."""
        codes = self.d.codes_by_key(
            "SELECT pp.person_id AS key, c.code FROM registry_person_ppks pp "
            "JOIN registry_ppkscategory c ON c.id = pp.ppkscategory_id "
            f"JOIN {PEOPLE} v ON v.person_id = pp.person_id WHERE v.changed"
        )
        return f"LEFT JOIN ({codes}) x ON x.key = o.id "

    def _people(self) -> None:
        d = self.d
        differs = [d.ne(f"p.{v.column}", f"s.{v.stage}", v.kind) for v in PERSON_VALUES]
        differs += [d.ne("p.family_id", "w.fam_id"), d.ne("p.region_id", "w.region")]
        # The accepted rows whose NIK is registered: their values, family and kelurahan, the
        # person, and whether the file changes his values (PPKS links are compared below). The
        # other accepted rows are new people, written straight from the staging table.
        run(
            f"CREATE TEMPORARY TABLE {PEOPLE} AS SELECT s.row_no, w.fam_id, w.region, "
            f"{', '.join(f's.{v.stage}' for v in PERSON_VALUES)}, s.ppks, p.id AS person_id, "
            f"({' OR '.join(differs)}) AS changed, FALSE AS ppks_changed FROM {STAGE} s "
            f"JOIN registry_person p ON p.nik = s.nik JOIN {FAMILIES} w ON w.kk = s.kk_number "
            "WHERE s.ok"
        )
        index_work_table(PEOPLE, "row_no", "person_id")
        (registered,) = fetch(f"SELECT COUNT(*) FROM {PEOPLE}")[0]
        links = "registry_person_ppks pp JOIN registry_ppkscategory c ON c.id = pp.ppkscategory_id"
        # A registered person's PPKS codes differ from the file's when one side has a code the
        # other lacks (two anti-joins, so that either database plans them as set operations).
        # As for families, the statements about registered people are left out when the file
        # has none: each would read every row.
        if registered:
            run(
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
        changed = self.people_changed = registered and count(PEOPLE, "changed")
        if changed:
            self._snapshot(
                "registry_person",
                PEOPLE,
                "person_id",
                PERSON_AUDIT,
                BEFORE_PEOPLE,
                extra=f"COALESCE(x.codes, {d.json_empty_list}) AS ppks",
                join=self._ppks_before,
            )
        sets = ", ".join(f"{v.column} = w.{v.stage}" for v in PERSON_VALUES)
        # The search keys of the file's names (registry.models.NameKey) and the PPKS links are
        # written with the people. Keys of unchanged people are there already, and skipping
        # them would cost more (a join) than finding them there.
        created = self.rows.accepted() - registered
        with bulk_write(
            "registry_person",
            created + changed,
            also=("registry_namekey", "registry_person_ppks"),
            user_id=self.actor.user_id,
            batch_id=self.batch_id,
            updated=(
                f"{PEOPLE} t",
                "t.changed",
                {**_set(PERSON_VALUES), "family_id": "t.fam_id", "region_id": "t.region"},
            ),
            # A new person's family and kelurahan are his family's in the file.
            created=(f"{FAMILIES} t", "TRUE", {"family_id": "t.fam_id", "region_id": "t.region"}),
        ):
            self.out.people_updated = changed and run(
                f"UPDATE registry_person AS p SET {sets}, family_id = w.fam_id, "
                "region_id = w.region, version = p.version + 1, updated_at = %s, "
                f"updated_by_id = %s, last_import_id = %s FROM {PEOPLE} w "
                "WHERE p.id = w.person_id AND w.changed",
                [self.now, self.actor.user_id, self.batch_id],
            )
            if changed:
                run(
                    "DELETE FROM registry_person_ppks WHERE person_id IN "
                    f"(SELECT person_id FROM {PEOPLE} WHERE ppks_changed)"
                )
            run(
                f"INSERT INTO registry_namekey (key) SELECT DISTINCT name_key FROM {STAGE} "
                "WHERE ok AND name_key <> '' ON CONFLICT (key) DO NOTHING"
            )
            fixed = defaults(PERSON)
            # The registered people's rows left out (a join to skip when there are none).
            unregistered = (
                f" AND NOT EXISTS (SELECT 1 FROM {PEOPLE} r WHERE r.row_no = s.row_no)"
                if registered
                else ""
            )
            columns = [v.column for v in PERSON_VALUES] + list(fixed)
            values = [f"s.{v.stage}" for v in PERSON_VALUES] + ["%s"] * len(fixed)
            self.out.people_created = created and run(
                f"INSERT INTO registry_person (nik, family_id, region_id, {', '.join(columns)}, "
                "version, created_at, updated_at, created_by_id, "
                "updated_by_id, last_import_id, created_import_id) "
                f"SELECT s.nik, w.fam_id, w.region, {', '.join(values)}, "
                f"1, %s, %s, %s, %s, %s, %s FROM {STAGE} s "
                f"JOIN {FAMILIES} w ON w.kk = s.kk_number WHERE s.ok{unregistered}",
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
            run(
                "INSERT INTO registry_person_ppks (person_id, ppkscategory_id) SELECT p.id, c.id "
                f"FROM {PPKS} x JOIN registry_person p ON p.nik = x.nik "
                "JOIN registry_ppkscategory c ON c.code = x.code WHERE NOT EXISTS "
                f"(SELECT 1 FROM {PEOPLE} w WHERE w.row_no = x.row_no AND NOT w.ppks_changed)"
            )

    def _audit(self) -> None:
        """The entries of the changed families and people, written together (in bulk when they
        are many: bulk_write). Created records get none of their own (see _audit_changes)."""
        entries = self.families_changed + self.people_changed
        if not entries:
            return
        if self.families_changed:
            self._name_families()
        with bulk_write(
            "core_auditentry", entries, user_id=self.actor.user_id, batch_id=self.batch_id
        ):
            if self.families_changed:
                self._audit_changes(
                    table="registry_family",
                    before=BEFORE_FAMILIES,
                    action="registry.family.updated",
                    spec=FAMILY_AUDIT,
                    repr_sql=f"(SELECT n.name FROM {FAMILY_NAMES} n WHERE n.id = o.id)",
                )
            # After the write a person's PPKS codes are the file's (validated: known, active,
            # sorted, distinct), so the audit takes them from the staged row instead of a lookup
            # per person.
            if self.people_changed:
                self._audit_changes(
                    table="registry_person",
                    before=BEFORE_PEOPLE,
                    action="registry.person.updated",
                    spec=PERSON_AUDIT,
                    extra_after={"ppks": self.d.json_list("w.ppks")},
                    repr_sql="substr(o.name, 1, 200)",
                )


def _set(values) -> dict[str, str]:
    """The registry columns an update sets from the work table `t`, and what it sets them to."""
    return {v.column: f"t.{v.stage}" for v in values}
