# ruff: noqa: S608 -- SQL is built from identifiers defined in this package; values are parameters.
"""Pass 2: the checks across rows, then the set-based upserts, inside the caller's transaction.

Cross-row rules (each rejected row gets a report line):
- a NIK given again in a later row ("already used in row N");
- a NIK or KK registered outside the actor's area (never touched);
- a second head of family in one KK;
- the family's row is the KK's first head row, else its first row; without `kode_wilayah` it is
  rejected, and when it is rejected so are the other members of the KK.

Writes: families by KK and people by NIK; only rows whose values differ are written (`version`
+1, `updated_at/by`, `last_import`); a NIK found in another family moves to the file's KK; the
desil history gains a record for a new (desil, period); PPKS links are replaced for the people
whose codes changed; one audit entry per created or changed family and person, with the changed
fields only, `source="import:<id>"`. Nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from padu.registry.identifiers import mask_number

from .checks import ERROR, WARNING
from .staging import BEFORE, FAMILIES, PEOPLE, PPKS, REJECT, STAGE, Dialect, dialect

# stage column → (model column, kind for comparing and for the audit JSON)
FAMILY_VALUES = {
    "region": ("region_id", "text"),
    "rw": ("rw", "text"),
    "rt": ("rt", "text"),
    "address": ("address", "text"),
    "latitude": ("latitude", "decimal"),
    "longitude": ("longitude", "decimal"),
    "ownership": ("ownership", "int"),
    "floor_area": ("floor_area", "int"),
    "floor_material": ("floor_material", "int"),
    "wall_material": ("wall_material", "int"),
    "roof_material": ("roof_material", "int"),
    "water_source": ("water_source", "int"),
    "lighting": ("lighting", "int"),
    "cooking_fuel": ("cooking_fuel", "int"),
    "toilet": ("toilet", "int"),
    "assets": ("assets", "json"),
    "livestock": ("livestock", "json"),
}
PERSON_VALUES = {
    "name": ("name", "text"),
    "name_key": ("name_key", "text"),
    "sex": ("sex", "text"),
    "birth_place": ("birth_place", "text"),
    "birth_date": ("birth_date", "date"),
    "relationship": ("relationship", "int"),
    "marital_status": ("marital_status", "int"),
    "mother_name": ("mother_name", "text"),
    "education": ("education", "int"),
    "employment": ("employment", "int"),
    "occupation": ("occupation", "text"),
    "income": ("income", "int"),
    "disability_physical": ("disability_physical", "bool"),
    "disability_intellectual": ("disability_intellectual", "bool"),
    "disability_mental": ("disability_mental", "bool"),
    "disability_sensory": ("disability_sensory", "bool"),
    "disability_severity": ("disability_severity", "text"),
    "chronic_illness": ("chronic_illness", "text"),
    "dukcapil_status": ("dukcapil_status", "text"),
}
# The audit snapshot of services._family_snapshot / _person_snapshot: (key, column, kind).
FAMILY_AUDIT = [
    ("kk_number", "kk_number", "text"),
    *((k if k != "region" else "region", c, kind) for k, (c, kind) in FAMILY_VALUES.items()),
    ("desil", "desil", "int"),
    ("desil_period", "desil_period", "date"),
    ("status", "status", "text"),
    ("version", "version", "int"),
]
PERSON_AUDIT = [
    ("nik", "nik", "text"),
    *((k, c, kind) for k, (c, kind) in PERSON_VALUES.items() if k != "name_key"),
    ("disability_note", "disability_note", "text"),
    ("life_status", "life_status", "text"),
    ("family", "family_id", "int"),
    ("version", "version", "int"),
]


@dataclass
class Outcome:
    families_created: int = 0
    families_updated: int = 0
    people_created: int = 0
    people_updated: int = 0
    accepted_rows: int = 0
    report: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # row, column, level, text
    warned_rows: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    scope: list[str]  # region codes whose subtrees the import may touch


def _fetch(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _run(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


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
    def __init__(self, *, batch_id: int, actor: Actor, now, reason: str):
        self.d: Dialect = dialect()
        self.batch_id = batch_id
        self.actor = actor
        self.now = connection.ops.adapt_datetimefield_value(now)
        self.source = f"import:{batch_id}"
        self.reason = reason
        self.out = Outcome()

    # ------------------------------------------------------------------------------ checks

    def _reject(self, rows: list[tuple], column: str, message: Callable[[tuple], str]) -> None:
        if not rows:
            return
        for row in rows:
            self.out.report.append((row[0], column, ERROR, message(row)))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {REJECT}")
            cursor.executemany(
                f"INSERT INTO {REJECT} (row_no) VALUES (%s)", [(r[0],) for r in rows]
            )
            cursor.execute(
                f"UPDATE {STAGE} SET ok = %s WHERE row_no IN (SELECT row_no FROM {REJECT})",
                [False],
            )

    def check(self) -> None:
        duplicates = _fetch(
            f"SELECT s.row_no, d.first FROM {STAGE} s JOIN (SELECT nik, MIN(row_no) AS first "
            f"FROM {STAGE} WHERE ok GROUP BY nik HAVING COUNT(*) > 1) d ON d.nik = s.nik "
            "WHERE s.ok AND s.row_no > d.first"
        )
        self._reject(
            duplicates,
            "nik",
            lambda r: _("NIK: already used in row %(row)d of this file.") % {"row": r[1]},
        )
        outside, params = _outside("p.region_id", self.actor.scope)
        rows = _fetch(
            f"SELECT s.row_no, s.nik FROM {STAGE} s JOIN registry_person p ON p.nik = s.nik "
            f"WHERE s.ok AND {outside}",
            params,
        )
        self._reject(
            rows,
            "nik",
            lambda r: (
                _(
                    "%(nik)s is already registered to a person outside your area. Ask the Dinas "
                    "Sosial to check it."
                )
                % {"nik": mask_number(r[1])}
            ),
        )
        outside, params = _outside("f.region_id", self.actor.scope)
        rows = _fetch(
            f"SELECT s.row_no, s.kk FROM {STAGE} s JOIN registry_family f ON f.kk_number = s.kk "
            f"WHERE s.ok AND {outside}",
            params,
        )
        self._reject(
            rows,
            "no_kk",
            lambda r: (
                _(
                    "%(kk)s is already registered to a family outside your area. Ask the Dinas "
                    "Sosial to check it."
                )
                % {"kk": mask_number(r[1])}
            ),
        )
        heads = _fetch(
            f"SELECT s.row_no, h.first FROM {STAGE} s JOIN (SELECT kk, MIN(row_no) AS first "
            f"FROM {STAGE} WHERE relationship = 1 GROUP BY kk HAVING COUNT(*) > 1) h "
            "ON h.kk = s.kk WHERE s.relationship = 1 AND s.ok AND s.row_no > h.first"
        )
        self._reject(
            heads,
            "hubungan_keluarga",
            lambda r: _("this KK already has a head of family in row %(row)d.") % {"row": r[1]},
        )
        # The family's row: the KK's first head row, else its first row.
        _run(
            f"CREATE TEMPORARY TABLE {FAMILIES} AS SELECT kk, COALESCE(MIN(CASE WHEN "
            f"relationship = 1 THEN row_no END), MIN(row_no)) AS src FROM {STAGE} GROUP BY kk"
        )
        no_region = _fetch(
            f"SELECT s.row_no FROM {STAGE} s JOIN {FAMILIES} f ON f.src = s.row_no "
            "WHERE s.ok AND s.region IS NULL"
        )
        self._reject(
            no_region,
            "kode_wilayah",
            lambda r: _("this field is required on the row the family is taken from."),
        )
        members = _fetch(
            f"SELECT s.row_no, f.src FROM {STAGE} s JOIN {FAMILIES} f ON f.kk = s.kk "
            f"JOIN {STAGE} src ON src.row_no = f.src WHERE s.ok AND NOT src.ok "
            "AND s.row_no <> f.src"
        )
        self._reject(
            members,
            "no_kk",
            lambda r: (
                _("the family's row %(row)d has errors, so this member is not imported either.")
                % {"row": r[1]}
            ),
        )
        self._age_warnings()

    def _age_warnings(self) -> None:
        rows = _fetch(
            f"SELECT s.row_no, s.relationship, s.birth_date, h.name, h.birth_date "
            f"FROM {STAGE} s JOIN {FAMILIES} f ON f.kk = s.kk "
            f"JOIN {STAGE} h ON h.row_no = f.src AND h.relationship = 1 "
            "WHERE s.ok AND h.ok AND s.row_no <> h.row_no AND ("
            "(s.relationship IN (3, 5) AND s.birth_date <= h.birth_date) OR "
            "(s.relationship = 6 AND s.birth_date >= h.birth_date))"
        )
        from padu.registry.codes import Relationship

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
            self.out.report.append((row_no, "tanggal_lahir", WARNING, text))
            self.out.warned_rows.add(row_no)

    # ------------------------------------------------------------------------------ writes

    def write(self) -> Outcome:
        self._families()
        self._people()
        self.out.accepted_rows = _fetch(f"SELECT COUNT(*) FROM {STAGE} WHERE ok")[0][0]
        return self.out

    def _snapshot(self, alias: str, spec, extra: dict[str, str] | None = None) -> str:
        pairs = {key: self.d.json_value(f"{alias}.{column}", kind) for key, column, kind in spec}
        return self.d.json_object({**pairs, **(extra or {})})

    def _audit(
        self,
        *,
        kind: str,
        table: str,
        action_new: str,
        action_changed: str,
        spec,
        repr_sql: str,
        region_sql: str,
        extra=None,
    ) -> None:
        """Audit entries: created objects with their full snapshot, changed ones with the
        changed fields before and after."""
        d = self.d
        work = FAMILIES if kind == "f" else PEOPLE
        id_col = "fam_id" if kind == "f" else "person_id"
        snap = self._snapshot("o", spec, extra)
        insert = (
            "INSERT INTO core_auditentry (at, actor_id, action, object_type, object_id, "
            "object_repr, region_code, before, after, reason, source) "
        )
        params_head = [self.now, self.actor.user_id]
        _run(
            insert + f"SELECT %s, %s, %s, %s, CAST(o.id AS text), {repr_sql}, {region_sql}, NULL, "
            f"{snap}, %s, %s FROM {table} o JOIN {work} w ON w.{id_col} = o.id WHERE w.created",
            [
                *params_head,
                action_new,
                table.replace("registry_", "registry."),
                self.reason,
                self.source,
            ],
        )
        _run(
            insert + f"SELECT %s, %s, %s, %s, CAST(x.id AS text), x.repr, x.region, "
            f"{d.json_changed('x.b', 'x.a')}, {d.json_changed('x.a', 'x.b')}, %s, %s FROM ("
            f"SELECT o.id, {repr_sql} AS repr, {region_sql} AS region, b.snap AS b, {snap} AS a "
            f"FROM {table} o JOIN {BEFORE} b ON b.obj_id = o.id AND b.kind = %s) x",
            [
                *params_head,
                action_changed,
                table.replace("registry_", "registry."),
                self.reason,
                self.source,
                kind,
            ],
        )

    def _families(self) -> None:
        d = self.d
        _run(f"DELETE FROM {FAMILIES} WHERE src NOT IN (SELECT row_no FROM {STAGE} WHERE ok)")
        for column, kind in (("fam_id", "bigint"), ("created", "bool"), ("changed", "bool")):
            _run(f"ALTER TABLE {FAMILIES} ADD COLUMN {column} {d.type(kind)}")
        _run(f"CREATE UNIQUE INDEX {FAMILIES}_kk ON {FAMILIES} (kk)")
        _run(
            f"UPDATE {FAMILIES} SET created = %s, changed = %s, fam_id = (SELECT f.id FROM "
            f"registry_family f WHERE f.kk_number = {FAMILIES}.kk)",
            [False, False],
        )
        differs = [
            d.ne(f"f.{col}", f"s.{name}", kind) for name, (col, kind) in FAMILY_VALUES.items()
        ]
        new_desil = (
            "(s.desil IS NOT NULL OR s.desil_period IS NOT NULL) AND "
            f"({d.ne('f.desil', 's.desil')} OR {d.ne('f.desil_period', 's.desil_period')}) AND "
            "(s.desil_period IS NULL OR f.desil_period IS NULL OR s.desil_period >= f.desil_period)"
        )
        _run(
            f"UPDATE {FAMILIES} SET changed = %s WHERE fam_id IS NOT NULL AND EXISTS (SELECT 1 "
            f"FROM registry_family f JOIN {STAGE} s ON s.row_no = {FAMILIES}.src "
            f"WHERE f.id = {FAMILIES}.fam_id AND ({' OR '.join(differs)} OR ({new_desil})))",
            [True],
        )
        _run(f"CREATE TEMPORARY TABLE {BEFORE} (kind text, obj_id bigint, snap {d.type('json')})")
        _run(
            f"INSERT INTO {BEFORE} (kind, obj_id, snap) SELECT 'f', o.id, "
            f"{self._snapshot('o', FAMILY_AUDIT)} FROM registry_family o "
            f"JOIN {FAMILIES} w ON w.fam_id = o.id WHERE w.changed"
        )
        sets = ", ".join(f"{col} = s.{name}" for name, (col, _kind) in FAMILY_VALUES.items())
        self.out.families_updated = _run(
            f"UPDATE registry_family AS f SET {sets}, "
            f"desil = CASE WHEN {new_desil} THEN s.desil ELSE f.desil END, "
            f"desil_period = CASE WHEN {new_desil} THEN s.desil_period ELSE f.desil_period END, "
            "version = f.version + 1, updated_at = %s, updated_by_id = %s, last_import_id = %s "
            f"FROM {FAMILIES} w JOIN {STAGE} s ON s.row_no = w.src "
            "WHERE f.id = w.fam_id AND w.changed",
            [self.now, self.actor.user_id, self.batch_id],
        )
        columns = [col for col, _kind in FAMILY_VALUES.values()]
        names = [f"s.{name}" for name in FAMILY_VALUES]
        self.out.families_created = _run(
            f"INSERT INTO registry_family (kk_number, {', '.join(columns)}, desil, desil_period, "
            "status, version, created_at, updated_at, created_by_id, updated_by_id, "
            f"last_import_id) SELECT s.kk, {', '.join(names)}, s.desil, s.desil_period, %s, 1, "
            f"%s, %s, %s, %s, %s FROM {FAMILIES} w JOIN {STAGE} s ON s.row_no = w.src "
            "WHERE w.fam_id IS NULL",
            ["aktif", self.now, self.now, self.actor.user_id, self.actor.user_id, self.batch_id],
        )
        _run(
            f"UPDATE {FAMILIES} SET created = %s, fam_id = (SELECT f.id FROM registry_family f "
            f"WHERE f.kk_number = {FAMILIES}.kk) WHERE fam_id IS NULL",
            [True],
        )
        _run(
            "INSERT INTO registry_desilrecord (family_id, desil, period, source, recorded_at, "
            f"recorded_by_id) SELECT w.fam_id, s.desil, s.desil_period, %s, %s, %s FROM "
            f"{FAMILIES} w JOIN {STAGE} s ON s.row_no = w.src WHERE (s.desil IS NOT NULL OR "
            "s.desil_period IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM registry_desilrecord r "
            f"WHERE r.family_id = w.fam_id AND {d.eq('r.desil', 's.desil')} AND "
            f"{d.eq('r.period', 's.desil_period')})",
            [self.source, self.now, self.actor.user_id],
        )
        prefix = _("Family KK %(kk)s") % {"kk": "\x00"}
        before, after = prefix.split("\x00")
        masked = "substr(o.kk_number, 1, 4) || 'xxxxxxxx' || substr(o.kk_number, 13, 4)"
        self._audit(
            kind="f",
            table="registry_family",
            action_new="registry.family.registered",
            action_changed="registry.family.updated",
            spec=FAMILY_AUDIT,
            repr_sql=f"%s || {masked} || %s".replace("%s", "'{}'").format(
                before.replace("'", "''"), after.replace("'", "''")
            ),
            region_sql="o.region_id",
        )

    def _people(self) -> None:
        d = self.d
        _run(
            f"CREATE TEMPORARY TABLE {PEOPLE} AS SELECT s.row_no, s.nik, w.fam_id, "
            f"src.region FROM {STAGE} s JOIN {FAMILIES} w ON w.kk = s.kk "
            f"JOIN {STAGE} src ON src.row_no = w.src WHERE s.ok"
        )
        for column, kind in (
            ("person_id", "bigint"),
            ("created", "bool"),
            ("changed", "bool"),
            ("ppks_changed", "bool"),
        ):
            _run(f"ALTER TABLE {PEOPLE} ADD COLUMN {column} {d.type(kind)}")
        _run(f"CREATE UNIQUE INDEX {PEOPLE}_row ON {PEOPLE} (row_no)")
        _run(
            f"UPDATE {PEOPLE} SET created = %s, changed = %s, ppks_changed = %s, person_id = "
            f"(SELECT p.id FROM registry_person p WHERE p.nik = {PEOPLE}.nik)",
            [False, False, False],
        )
        db_codes = (
            "SELECT c.code FROM registry_person_ppks pp JOIN registry_ppkscategory c "
            "ON c.id = pp.ppkscategory_id WHERE pp.person_id = {person}"
        )
        _run(
            f"UPDATE {PEOPLE} SET ppks_changed = %s WHERE person_id IS NOT NULL AND ("
            f"EXISTS (SELECT 1 FROM {PPKS} x WHERE x.row_no = {PEOPLE}.row_no AND x.code NOT IN ("
            + db_codes.format(person=f"{PEOPLE}.person_id")
            + f")) OR EXISTS ({db_codes.format(person=f'{PEOPLE}.person_id')} AND c.code NOT IN "
            f"(SELECT x.code FROM {PPKS} x WHERE x.row_no = {PEOPLE}.row_no)))",
            [True],
        )
        differs = [
            d.ne(f"p.{col}", f"s.{name}", kind) for name, (col, kind) in PERSON_VALUES.items()
        ]
        differs += [
            d.ne("p.family_id", f"{PEOPLE}.fam_id"),
            d.ne("p.region_id", f"{PEOPLE}.region"),
        ]
        _run(
            f"UPDATE {PEOPLE} SET changed = %s WHERE person_id IS NOT NULL AND (ppks_changed OR "
            f"EXISTS (SELECT 1 FROM registry_person p JOIN {STAGE} s ON s.row_no = "
            f"{PEOPLE}.row_no WHERE p.id = {PEOPLE}.person_id AND ({' OR '.join(differs)})))",
            [True],
        )
        ppks_json = d.json_codes(db_codes.format(person="o.id"))
        _run(
            f"INSERT INTO {BEFORE} (kind, obj_id, snap) SELECT 'p', o.id, "
            f"{self._snapshot('o', PERSON_AUDIT, {'ppks': ppks_json})} FROM registry_person o "
            f"JOIN {PEOPLE} w ON w.person_id = o.id WHERE w.changed"
        )
        sets = ", ".join(f"{col} = s.{name}" for name, (col, _kind) in PERSON_VALUES.items())
        self.out.people_updated = _run(
            f"UPDATE registry_person AS p SET {sets}, family_id = w.fam_id, region_id = w.region, "
            "version = p.version + 1, updated_at = %s, updated_by_id = %s, last_import_id = %s "
            f"FROM {PEOPLE} w JOIN {STAGE} s ON s.row_no = w.row_no "
            "WHERE p.id = w.person_id AND w.changed",
            [self.now, self.actor.user_id, self.batch_id],
        )
        columns = [col for col, _kind in PERSON_VALUES.values()]
        names = [f"s.{name}" for name in PERSON_VALUES]
        self.out.people_created = _run(
            f"INSERT INTO registry_person (nik, family_id, region_id, {', '.join(columns)}, "
            "disability_note, life_status, version, created_at, updated_at, created_by_id, "
            f"updated_by_id, last_import_id) SELECT s.nik, w.fam_id, w.region, {', '.join(names)}, "
            f"'', %s, 1, %s, %s, %s, %s, %s FROM {PEOPLE} w JOIN {STAGE} s ON s.row_no = w.row_no "
            "WHERE w.person_id IS NULL",
            ["aktif", self.now, self.now, self.actor.user_id, self.actor.user_id, self.batch_id],
        )
        _run(
            f"UPDATE {PEOPLE} SET created = %s, person_id = (SELECT p.id FROM registry_person p "
            f"WHERE p.nik = {PEOPLE}.nik) WHERE person_id IS NULL",
            [True],
        )
        _run(
            "DELETE FROM registry_person_ppks WHERE person_id IN "
            f"(SELECT person_id FROM {PEOPLE} WHERE ppks_changed)"
        )
        _run(
            "INSERT INTO registry_person_ppks (person_id, ppkscategory_id) SELECT w.person_id, "
            f"c.id FROM {PEOPLE} w JOIN {PPKS} x ON x.row_no = w.row_no "
            "JOIN registry_ppkscategory c ON c.code = x.code WHERE w.ppks_changed OR w.created"
        )
        self._audit(
            kind="p",
            table="registry_person",
            action_new="registry.person.added",
            action_changed="registry.person.updated",
            spec=PERSON_AUDIT,
            extra={"ppks": ppks_json},
            repr_sql="substr(o.name, 1, 200)",
            region_sql="o.region_id",
        )


def _ddmmyyyy(value) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"{text[8:10]}-{text[5:7]}-{text[0:4]}"
