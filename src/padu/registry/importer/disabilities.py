# ruff: noqa: S608 -- SQL is built from identifiers defined in this package; values are parameters.
"""Pass 2's disability step, after the people are written (upsert.Pass2.write): the file's
`disabilitas` (Padu's types, national codes already read into them, declarations/disability.py)
and `tingkat_disabilitas` become disability records, set-based like the rest of the import.

For every accepted row whose person has records in force: a type the file does not give ends
today, and so does one the file gives with another severity (a blank severity keeps each type's
own); then every type the file gives that is not in force is recorded, assessed today from the
imported file, by the importing user (`created_import`: the batch). An end, and a record added to
a registered person, gets its audit entry (`source="import:<id>"`); the records of people the
import creates are counted in the import's own entry, like the people.

Three statements over the work table of the file's types (a few per cent of the rows), each
joining on indexed columns: the staged rows by NIK, the records by (person, type).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from .. import codes
from .bulk import bulk_write
from .sql import count, run
from .staging import STAGE, Dialect, index_work_table

TYPES = "padu_import_disability_type"
WORK = "padu_import_disability"
ENDED = "padu_import_disability_ended"
TABLES = (TYPES, WORK, ENDED)
RECORDS = "registry_persondisability"


class DisabilityStep:
    def __init__(
        self, *, d: Dialect, batch_id: int, user_id, now, today: datetime.date, reason, source
    ):
        self.d = d
        self.batch_id = batch_id
        self.user_id = user_id
        self.now = now
        self.today = today.isoformat()
        self.reason = reason
        self.source = source

    def run(self) -> None:
        for table in TABLES:
            run(f"DROP TABLE IF EXISTS {table}")
        run(f"CREATE TEMPORARY TABLE {TYPES} (code text)")
        for code in codes.DisabilityType.values:
            run(f"INSERT INTO {TYPES} (code) VALUES (%s)", [code])
        # The file's types, one row per person and type (a LIKE between separators: `rungu`
        # is not found in `rungu_wicara`).
        run(
            f"CREATE TEMPORARY TABLE {WORK} AS SELECT p.id AS person_id, t.code AS type, "
            "COALESCE(s.disability_severity, '') AS severity FROM "
            f"{STAGE} s JOIN registry_person p ON p.nik = s.nik JOIN {TYPES} t ON "
            "(';' || s.disability || ';') LIKE ('%%;' || t.code || ';%%') "
            "WHERE s.ok AND s.disability <> ''"
        )
        index_work_table(WORK, "person_id")
        self._end()
        self._record()

    def _end(self) -> None:
        """End the records in force of the file's people that the file no longer gives."""
        run(
            f"CREATE TEMPORARY TABLE {ENDED} AS SELECT r.id FROM {RECORDS} r "
            f"JOIN registry_person p ON p.id = r.person_id JOIN {STAGE} s ON s.nik = p.nik "
            f"WHERE r.ended_on IS NULL AND s.ok AND NOT EXISTS (SELECT 1 FROM {WORK} w "
            "WHERE w.person_id = r.person_id AND w.type = r.type "
            "AND (w.severity = '' OR w.severity = r.severity))"
        )
        if not count(ENDED, "1 = 1"):
            return
        reason = _("Not in the imported file, or with another severity.")
        run(
            f"UPDATE {RECORDS} SET ended_on = %s, ended_by_id = %s, end_reason = %s, "
            "version = version + 1, updated_at = %s, updated_by_id = %s "
            f"WHERE id IN (SELECT id FROM {ENDED})",
            [self.today, self.user_id, reason[:200], self.now, self.user_id],
        )
        before = self.d.json_object({"ended_on": "NULL", "end_reason": "''"})
        after = self.d.json_object(
            {"ended_on": "CAST(r.ended_on AS text)", "end_reason": "r.end_reason"}
        )
        self._audit("registry.disability.ended", before, after, f"r.id IN (SELECT id FROM {ENDED})")

    def _record(self) -> None:
        """Record the file's types not in force (in bulk when they are many: bulk.bulk_write)."""
        with bulk_write(
            RECORDS, count(WORK, "1 = 1"), user_id=self.user_id, batch_id=self.batch_id
        ):
            self._insert()
        after = self.d.json_object(
            {
                "type": "r.type",
                "severity": "r.severity",
                "assessed_on": "CAST(r.assessed_on AS text)",
                "source": "r.source",
                "person": "r.person_id",
            }
        )
        # Records of registered people only: those of the people the import created are its own.
        self._audit(
            "registry.disability.recorded",
            "NULL",
            after,
            "r.created_import_id = %s AND (p.created_import_id IS NULL "
            "OR p.created_import_id <> %s)",
            [self.batch_id, self.batch_id],
        )

    def _insert(self) -> None:
        run(
            f"INSERT INTO {RECORDS} (person_id, type, severity, assessed_on, source, note, "
            "ended_on, end_reason, created_at, updated_at, created_by_id, updated_by_id, "
            "version, created_import_id) SELECT w.person_id, w.type, w.severity, %s, %s, '', "
            f"NULL, '', %s, %s, %s, %s, 1, %s FROM {WORK} w WHERE NOT EXISTS (SELECT 1 FROM "
            f"{RECORDS} r WHERE r.person_id = w.person_id AND r.type = w.type "
            "AND r.ended_on IS NULL)",
            [
                self.today,
                codes.DisabilitySource.IMPORT,
                self.now,
                self.now,
                self.user_id,
                self.user_id,
                self.batch_id,
            ],
        )

    def _audit(self, action: str, before: str, after: str, where: str, params=()) -> None:
        labels = " ".join("WHEN %s THEN %s" for _t in codes.DisabilityType.values)
        label_params = [v for t in codes.DisabilityType for v in (t.value, str(t.label))]
        run(
            "INSERT INTO core_auditentry (at, actor_id, action, object_type, object_id, "
            "object_repr, region_code, before, after, reason, source) "
            "SELECT %s, %s, %s, 'registry.persondisability', CAST(r.id AS text), "
            f"substr((CASE r.type {labels} ELSE r.type END) || ' (' || "
            "CAST(r.assessed_on AS text) || ')', 1, 200), p.region_id, "
            f"{before}, {after}, %s, %s FROM {RECORDS} r "
            f"JOIN registry_person p ON p.id = r.person_id WHERE {where}",
            [
                self.now,
                self.user_id,
                action,
                *label_params,
                self.reason,
                self.source,
                *params,
            ],
        )
