# ruff: noqa: S608 -- SQL is built from identifiers defined in this package; values are parameters.
"""The dwellings of an import file (issue #11): every family's row carries its dwelling's ID
(`id_rumah_tangga`) and housing columns; families with the same ID share the dwelling.

A family's dwelling ID is the file's, or, when the column is empty, the ID of the dwelling a
registered family lives in, or for a new family a new random one (a dwelling of its own).

Checks (`DwellingRules.check`, in pass 2 before the members of rejected families are rejected):
a dwelling ID registered outside the importer's area, or in another kelurahan than the family's,
rejects the family's row; families of the file with the same ID must give the same kelurahan and
housing columns (the first family's row is kept, the others are rejected).

Writes, all set-based: before the families (`DwellingStep.prepare`) each dwelling of the file
gets its id (a new one's drawn up front, so that its families are written with it) and the
registered dwellings whose housing differs are updated (`version` +1, `last_import`, one audit
entry each with the changed fields); each family is put into its dwelling (a registered family
that moves gets an audit entry `registry.family.dwelling_moved`); after the people
(`DwellingStep.write`) the new dwellings are written with their heads, and a registered dwelling
whose head is not an active head of one of its active families gets the head of its first family.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from padu.core.records.derive import storage

from ..codes import FamilyStatus, LifeStatus, Relationship
from ..declarations import DWELLING
from .bulk import bulk_write
from .columns import audit_keys
from .sql import count, fetch, run
from .staging import (
    BEFORE_DWELLINGS,
    DWELLINGS,
    FAMILIES,
    FAMILY_DWELLINGS,
    FAMILY_ROWS,
    HEADS,
    LEFT,
    STALE,
    dialect,
    index_work_table,
)

COLUMN = DWELLING["code"].column
# The staged housing values and the registry columns they go to (address and kelurahan come from
# the family's row too, for a new dwelling).
HOUSING = [
    (stored.name, stored.attname, stored.stage_type)
    for f in DWELLING.writable
    if f.column and f.name != "code"
    for stored in storage(f.kind, f)
]
AUDIT = audit_keys(DWELLING, ("head", "head_id", "int"))
# The staged columns a dwelling is checked and written from: its ID and housing columns.
STAGED = [stored.name for f in DWELLING.writable if f.column for stored in storage(f.kind, f)]
# An active head of an active family (`p` a person, `f` his family), and its parameters.
ACTIVE = "p.relationship = %s AND p.life_status = %s AND f.status = %s"
ACTIVE_PARAMS = [Relationship.HEAD, LifeStatus.ACTIVE, FamilyStatus.ACTIVE]


class DwellingRules:
    """The dwelling checks of pass 2, on the rejects of `importer.rejects.Rejects`."""

    def __init__(self, rejects):
        self.rejects = rejects
        self.d = dialect()

    def check(self, outside_scope) -> None:
        """`outside_scope(column, scope)`: SQL (and parameters) true when a region code lies
        outside the scope (rejects._outside)."""
        run(
            f"CREATE TEMPORARY TABLE {FAMILY_DWELLINGS} AS SELECT k.kk, k.src, "
            f"COALESCE(NULLIF(k.code, ''), d.code, {self._random_code()}) AS code FROM "
            f"{FAMILY_ROWS} k LEFT JOIN registry_family f ON f.kk_number = k.kk "
            "LEFT JOIN registry_dwelling d ON d.id = f.dwelling_id"
        )
        index_work_table(FAMILY_DWELLINGS, "code", "src", "kk")
        outside, params = outside_scope("d.region_id", self.rejects.actor.scope)
        self.rejects.reject(
            fetch(
                f"SELECT w.src, w.code FROM {FAMILY_DWELLINGS} w JOIN {FAMILY_ROWS} s "
                "ON s.src = w.src JOIN registry_dwelling d ON d.code = w.code "
                f"WHERE {outside}",
                params,
            ),
            COLUMN,
            "registered_elsewhere",
            lambda r: _("dwelling ID %(code)s is registered outside your area.") % {"code": r[1]},
        )
        self.rejects.reject(
            fetch(
                f"SELECT w.src, w.code FROM {FAMILY_DWELLINGS} w JOIN {FAMILY_ROWS} s "
                "ON s.src = w.src JOIN registry_dwelling d ON d.code = w.code "
                "WHERE d.region_id <> s.region"
            ),
            COLUMN,
            "other_region",
            lambda r: (
                _(
                    "dwelling ID %(code)s is registered in another kelurahan: the families of a "
                    "dwelling live in its kelurahan."
                )
                % {"code": r[1]}
            ),
        )
        differs = " OR ".join(
            [self.d.ne("s.region", "t.region")]
            + [self.d.ne(f"s.{stage}", f"t.{stage}", kind) for stage, _c, kind in HOUSING]
        )
        self.rejects.reject(
            fetch(
                f"SELECT w.src, g.first, w.code FROM {FAMILY_DWELLINGS} w "
                f"JOIN {FAMILY_ROWS} s ON s.src = w.src JOIN (SELECT x.code, MIN(x.src) AS first "
                f"FROM {FAMILY_DWELLINGS} x JOIN {FAMILY_ROWS} y ON y.src = x.src "
                # Only the dwellings the file gives several families (one in eight or so) can
                # differ; the others are left out before the rows are compared.
                f"GROUP BY x.code HAVING COUNT(*) > 1) g ON g.code = w.code "
                f"JOIN {FAMILY_ROWS} t ON t.src = g.first "
                f"WHERE w.src <> g.first AND ({differs})"
            ),
            COLUMN,
            "dwelling_differs",
            lambda r: (
                _(
                    "row %(row)d gives dwelling ID %(code)s with another kelurahan or other "
                    "housing columns: the families of one dwelling share them."
                )
                % {"row": r[1], "code": r[2]}
            ),
        )

    def _random_code(self) -> str:
        """SQL for a new dwelling ID as `services.dwellings.new_code` makes them (R- and ten
        hexadecimal digits; a clash with a registered ID would join that dwelling, one chance in
        10^12 per family)."""
        if self.d.pg:
            return "'R-' || upper(substr(md5(random()::text), 1, 10))"
        return "'R-' || hex(randomblob(5))"


class DwellingStep:
    """The dwelling writes of pass 2 (`upsert.Pass2`: its actor, batch, time and source):
    `prepare` before the families, `record_moves` before the registered families change, and
    `write` after the people."""

    def __init__(self, pass2):
        self.p = pass2
        self.d = pass2.d

    def write(self) -> None:
        """After the people: the new dwellings, each with its head (written once: inserted
        before the people and given their heads afterwards, 230,000 new dwellings were written
        twice, 1.8 s of a million people's import), then the registered dwellings' heads. Their
        families were written before them, pointing to the ids drawn in `prepare`, inside the
        families' bulk block (upsert.Pass2._families), whose key checks run after this."""
        self._heads()
        p = self.p
        created = p.out.dwellings_created
        with bulk_write(
            "registry_dwelling",
            created,
            user_id=p.actor.user_id,
            batch_id=p.batch_id,
            updated=(
                # The registered dwellings' new heads (the new ones are checked as new rows).
                f"(SELECT h.head FROM {HEADS} h JOIN {DWELLINGS} w ON w.dw_id = h.dw_id "
                f"WHERE NOT w.created UNION ALL SELECT d.head_id FROM {STALE} x "
                "JOIN registry_dwelling d ON d.id = x.id) t",
                "TRUE",
                {"head_id": "t.head"},
            ),
        ):
            if created:
                self._insert()
            self._write_heads()

    def prepare(self) -> None:
        """Before the families: the dwellings of the file (`DWELLINGS`), and the registered
        ones whose housing the file changes, updated and audited."""
        d, p = self.d, self.p
        if d.pg:
            # No one else writes a dwelling until the import commits (readers go on): the new
            # dwellings' codes and the registered ones' heads are worked out now and written
            # after the people, and a dwelling given the same code meanwhile would fail the
            # import at its end. (SQLite's transaction holds the database's write lock.)
            run("LOCK TABLE registry_dwelling IN SHARE ROW EXCLUSIVE MODE")
        differs = " OR ".join(
            d.ne(f"o.{column}", f"s.{stage}", kind) for stage, column, kind in HOUSING
        )
        # One row per dwelling of the file: the first accepted family row giving its ID; a new
        # dwelling's id is drawn up front, so that its families are written with it.
        run(
            f"CREATE TEMPORARY TABLE {DWELLINGS} AS SELECT g.code, g.src, "
            f"CASE WHEN o.id IS NULL THEN {p.new_id('registry_dwelling')} ELSE o.id END AS dw_id, "
            f"o.id IS NULL AS created, (o.id IS NOT NULL AND ({differs})) AS changed "
            f"FROM (SELECT w.code, MIN(w.src) AS src FROM {FAMILY_DWELLINGS} w "
            f"JOIN {FAMILY_ROWS} y ON y.src = w.src GROUP BY w.code) g "
            f"JOIN {FAMILY_ROWS} s ON s.src = g.src "
            "LEFT JOIN registry_dwelling o ON o.code = g.code"
        )
        index_work_table(DWELLINGS, "code", "dw_id")
        p.out.dwellings_updated = changed = count(DWELLINGS, "changed")
        p.out.dwellings_created = count(DWELLINGS, "created")
        # Whether the file gives registered dwellings (their heads are checked after the people).
        self.registered = count(DWELLINGS, "NOT created") > 0
        if changed:
            run(
                f"CREATE TEMPORARY TABLE {BEFORE_DWELLINGS} AS SELECT o.* FROM {DWELLINGS} w "
                "JOIN registry_dwelling o ON o.id = w.dw_id WHERE w.changed"
            )
            sets = ", ".join(f"{column} = s.{stage}" for stage, column, _k in HOUSING)
            run(
                f"UPDATE registry_dwelling AS o SET {sets}, version = o.version + 1, "
                "updated_at = %s, updated_by_id = %s, last_import_id = %s "
                f"FROM {DWELLINGS} w JOIN {FAMILY_ROWS} s ON s.src = w.src "
                "WHERE o.id = w.dw_id AND w.changed",
                [p.now, p.actor.user_id, p.batch_id],
            )
            self._audit_updates()

    def _insert(self) -> None:
        """The new dwellings, with the ids drawn in `prepare` and the heads of `_heads`."""
        p = self.p
        user, batch = p.actor.user_id, p.batch_id
        columns = ", ".join(column for _s, column, _k in HOUSING)
        values = ", ".join(f"s.{stage}" for stage, _c, _k in HOUSING)
        run(
            f"INSERT INTO registry_dwelling (id, code, region_id, address, note, head_id, "
            f"{columns}, version, created_at, updated_at, created_by_id, updated_by_id, "
            f"last_import_id, created_import_id) SELECT w.dw_id, w.code, s.region, "
            f"s.address, '', h.head, {values}, 1, %s, %s, %s, %s, %s, %s FROM {DWELLINGS} w "
            f"JOIN {FAMILY_ROWS} s ON s.src = w.src LEFT JOIN {HEADS} h ON h.dw_id = w.dw_id "
            "WHERE w.created",
            [p.now, p.now, user, user, batch, batch],
        )

    @staticmethod
    def family_dwelling(kk: str) -> str:
        """SQL joins giving `dw.dw_id`, the dwelling of the file's family with KK `kk` (the
        family's work-table row is written with it, `upsert.Pass2._families`)."""
        return (
            f"LEFT JOIN {FAMILY_DWELLINGS} fx ON fx.kk = {kk} "
            f"LEFT JOIN {DWELLINGS} dw ON dw.code = fx.code "
        )

    def _audit_updates(self) -> None:
        d, p = self.d, self.p
        keys = [(k.key, k.sql(d, "b"), k.sql(d, "o"), k.kind) for k in AUDIT]
        old = [(k, d.json_value(b, kind), d.ne(b, a, kind)) for k, b, a, kind in keys]
        new = [(k, d.json_value(a, kind), d.ne(b, a, kind)) for k, b, a, kind in keys]
        run(
            "INSERT INTO core_auditentry (at, actor_id, action, object_type, object_id, "
            "object_repr, region_code, before, after, reason, source) "
            "SELECT %s, %s, %s, %s, CAST(o.id AS text), o.code, o.region_id, "
            f"{d.json_changed(old)}, {d.json_changed(new)}, %s, %s FROM {BEFORE_DWELLINGS} b "
            "JOIN registry_dwelling o ON o.id = b.id",
            [
                p.now,
                p.actor.user_id,
                "registry.dwelling.updated",
                "registry.dwelling",
                p.reason,
                p.source,
            ],
        )

    def record_moves(self) -> None:
        """Before the registered families change: an audit entry for each that moves to another
        dwelling, and the dwellings they leave (whose head may have to change)."""
        p = self.p
        moves = (
            f"FROM {FAMILIES} w JOIN registry_family o ON o.id = w.fam_id "
            "WHERE NOT w.created AND o.dwelling_id IS NOT NULL AND o.dwelling_id <> w.dw_id"
        )
        run(
            "INSERT INTO core_auditentry (at, actor_id, action, object_type, object_id, "
            "object_repr, region_code, before, after, reason, source) "
            "SELECT %s, %s, %s, %s, CAST(o.id AS text), d.code, o.region_id, "
            f"{self.d.json_object({'dwelling': 'o.dwelling_id'})}, "
            f"{self.d.json_object({'dwelling': 'w.dw_id'})}, %s, %s "
            f"FROM {FAMILIES} w JOIN registry_family o ON o.id = w.fam_id "
            # The code from the work table: a new dwelling is written after the families.
            f"JOIN {DWELLINGS} d ON d.dw_id = w.dw_id WHERE NOT w.created "
            "AND o.dwelling_id IS NOT NULL AND o.dwelling_id <> w.dw_id",
            [
                p.now,
                p.actor.user_id,
                "registry.family.dwelling_moved",
                "registry.family",
                p.reason,
                p.source,
            ],
        )
        run(f"CREATE TEMPORARY TABLE {LEFT} AS SELECT DISTINCT o.dwelling_id AS dw_id " + moves)

    def _heads(self) -> None:
        """After the people: the head of each new dwelling, and of each registered dwelling of
        the file whose head is not an active head of one of its active families. The head is
        the active head of the dwelling's first family in the file, else of another of its
        families in the file, else none; set-based joins throughout (no subquery per
        dwelling)."""
        head_joins, valid = _valid_head("d")
        heads = (
            "SELECT w.dw_id, COALESCE(MIN(CASE WHEN x.src = w.src THEN p.id END), MIN(p.id)) AS "
            f"head FROM {DWELLINGS} w JOIN {FAMILY_DWELLINGS} x ON x.code = w.code "
            f"JOIN {FAMILIES} v ON v.kk = x.kk JOIN registry_family f ON f.id = v.fam_id "
            f"JOIN registry_person p ON p.family_id = f.id WHERE w.created = %s AND {ACTIVE} "
            "GROUP BY w.dw_id"
        )
        run(f"CREATE TEMPORARY TABLE {HEADS} AS {heads}", [True, *ACTIVE_PARAMS])
        if self.registered:
            run(
                f"INSERT INTO {HEADS} (dw_id, head) SELECT h.dw_id, h.head FROM ({heads}) h "
                f"JOIN registry_dwelling d ON d.id = h.dw_id {head_joins}WHERE NOT {valid}",
                [False, *ACTIVE_PARAMS, *ACTIVE_PARAMS],
            )
        index_work_table(HEADS, "dw_id")

    def _write_heads(self) -> None:
        """The registered dwellings' heads: those of `_heads`, then those of the dwellings still
        without a valid head (left by a family, or whose first family has no active head): the
        active head registered first, else none."""
        head_joins, valid = _valid_head("d")
        if self.registered:
            run(
                f"UPDATE registry_dwelling AS d SET head_id = h.head FROM {HEADS} h "
                f"JOIN {DWELLINGS} w ON w.dw_id = h.dw_id WHERE d.id = h.dw_id AND NOT w.created"
            )
        # Usually none, and the statements for them are then left out.
        touched = f"SELECT dw_id FROM {DWELLINGS} WHERE NOT created UNION SELECT dw_id FROM {LEFT}"
        run(
            f"CREATE TEMPORARY TABLE {STALE} AS SELECT d.id FROM registry_dwelling d "
            f"JOIN ({touched}) t ON t.dw_id = d.id {head_joins}WHERE NOT {valid}",
            ACTIVE_PARAMS,
        )
        if not count(STALE, "1 = 1"):
            return
        index_work_table(STALE, "id")
        run(
            "UPDATE registry_dwelling AS d SET head_id = h.head FROM (SELECT f.dwelling_id "
            "AS dw_id, MIN(p.id) AS head FROM registry_family f JOIN registry_person p "
            f"ON p.family_id = f.id WHERE f.dwelling_id IN (SELECT id FROM {STALE}) AND {ACTIVE} "
            "GROUP BY f.dwelling_id) h WHERE d.id = h.dw_id",
            ACTIVE_PARAMS,
        )
        run(
            "UPDATE registry_dwelling SET head_id = NULL WHERE id IN (SELECT d.id FROM "
            f"{STALE} s JOIN registry_dwelling d ON d.id = s.id {head_joins}"
            f"WHERE d.head_id IS NOT NULL AND NOT {valid})",
            ACTIVE_PARAMS,
        )


def _valid_head(dwelling: str) -> tuple[str, str]:
    """SQL joins, and a condition over them: whether the head of the dwelling `dwelling` is an
    active head of one of its active families (three parameters: Relationship.HEAD,
    LifeStatus.ACTIVE, FamilyStatus.ACTIVE). Outer joins on the head's id, a primary key, so
    that the worst plan is one lookup per dwelling: as a NOT EXISTS, on a registry whose
    statistics were never taken (a restored database), PostgreSQL read it as a nested-loop
    anti-join over every active head, once per dwelling (more than 8 minutes for 38,000)."""
    joins = (
        f"LEFT JOIN registry_person hp ON hp.id = {dwelling}.head_id "
        "LEFT JOIN registry_family hf ON hf.id = hp.family_id "
    )
    valid = (
        f"COALESCE(hf.dwelling_id = {dwelling}.id AND hp.relationship = %s "
        "AND hp.life_status = %s AND hf.status = %s, FALSE)"
    )
    return joins, valid
