# ruff: noqa: S608 -- SQL is built from identifiers defined in this package; values are parameters.
"""Pass 2's first half: the rules across rows, each rejecting rows in the staging tables before
anything is written (upsert.py writes the rest).

- a NIK given again in a later row ("already used in row N");
- a NIK or KK registered outside the actor's area (never touched, and the report says no more
  than that the number is registered: no existence oracle, docs/privacy.md);
- a second head of family in one KK, or a new head for a registered family whose active head
  is not in the file;
- the family's row is the KK's first head row, else its first row; without `kode_wilayah` it is
  rejected, and when it is rejected so are the other members of the KK.
crossrow.py works them out on the staged rows' keys, except the ones that need the registry,
which run in SQL here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from padu.registry.codes import LifeStatus, Relationship
from padu.registry.masks import mask_number
from padu.registry.services.identity import REGISTERED

from .checks import ERROR, WARNING
from .columns import DESIL, FAMILY_VALUES
from .crossrow import FileRows
from .dwellings import STAGED, DwellingRules
from .sql import fetch, run
from .staging import FAMILY_ROWS, KK, PPKS, REJECT, STAGE, index_work_table, load

# For the import's transaction: the joins of a million rows hash in memory at 256 MB (at 64 MB
# they spilled to disk in batches: 2 s more), and so do the index builds.
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
    dwellings_created: int = 0
    dwellings_updated: int = 0
    accepted_rows: int = 0
    # row, column, level, code, message
    report: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    warned_rows: set[int] = field(default_factory=set)
    # How many NIK and KK numbers of the file are registered outside the actor's area: the
    # import's one audit entry about them counts them (never names them).
    registered_elsewhere: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    scope: list[str]  # region codes whose subtrees the import may touch


def _outside(column: str, scope: list[str]) -> tuple[str, list]:
    """SQL true when region code `column` lies outside every scope subtree."""
    if not scope:
        return "1 = 1", []
    parts, params = [], []
    for code in scope:
        parts.append(f"({column} = %s OR {column} LIKE %s)")
        params += [code, f"{code}.%"]
    return f"NOT ({' OR '.join(parts)})", params


class Rejects:
    def __init__(self, *, actor: Actor, rows: FileRows, out: Outcome):
        self.actor = actor
        self.rows = rows
        self.out = out
        self.with_family_rows = False  # FAMILY_ROWS made (_family_rows): rejected rows leave it

    def reject(
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
            if self.with_family_rows:
                cursor.execute(
                    f"DELETE FROM {FAMILY_ROWS} WHERE src IN (SELECT row_no FROM {REJECT})"
                )

    def check(self) -> None:
        """The rules across rows, on the keys of the staged rows; the rules that need the
        registry run in SQL (each joins the staging table on an indexed column: staging.py)."""
        rows = self.rows
        if connection.vendor == "postgresql":
            # For this transaction only: sorts and hash joins in memory, index builds with room
            # to sort, and no wait for the WAL flush at commit (a crash can lose the import's
            # commit, never corrupt anything; the batch would then show as interrupted).
            for setting, value in SESSION_SETTINGS.items():
                run(f"SET LOCAL {setting} = '{value}'")
        self.reject(
            rows.repeated_niks(),
            "nik",
            "repeated",
            lambda r: _("NIK: already used in row %(row)d of this file.") % {"row": r[1]},
        )
        self._registered_elsewhere("nik", "registry_person", "nik")
        self._registered_elsewhere("no_kk", "registry_family", "kk_number")
        self.reject(
            rows.second_heads(),
            "hubungan_keluarga",
            "second_head",
            lambda r: _("this KK already has a head of family in row %(row)d.") % {"row": r[1]},
        )
        self._head_elsewhere()
        families = rows.family_rows()
        load(KK, rows.kk_text(families))
        index_work_table(KK)  # statistics: the families' statement reads it first (upsert.py)
        self.reject(
            rows.without_region(families),
            "kode_wilayah",
            "required",
            lambda r: _("this field is required on the row the family is taken from."),
        )
        self._family_rows()
        DwellingRules(self).check(_outside)
        self.reject(
            rows.members_of_rejected(families),
            "no_kk",
            "family_rejected",
            lambda r: (
                _("the family's row %(row)d has errors, so this member is not imported either.")
                % {"row": r[1]}
            ),
        )
        self._age_warnings(rows.age_conflicts(families))

    def _family_rows(self) -> None:
        """The accepted families' rows (the row each KK is taken from: `KK`), with what the
        families and their dwellings are checked and written from (dwellings.py, upsert.py).
        Those statements read these rows, a quarter of the file, instead of finding them among
        the staged ones: each such join hashed or scanned every staged row (0.8 s a statement
        at a million). A family row rejected later leaves the table (reject)."""
        columns = [v.stage for v in FAMILY_VALUES] + list(DESIL) + STAGED
        run(
            f"CREATE TEMPORARY TABLE {FAMILY_ROWS} AS SELECT k.kk, k.src, "
            f"{', '.join(f's.{c}' for c in columns)} FROM {KK} k "
            f"JOIN {STAGE} s ON s.row_no = k.src WHERE s.ok"
        )
        index_work_table(FAMILY_ROWS, "src", "kk")
        self.with_family_rows = True

    def _registered_elsewhere(self, column: str, table: str, key: str) -> None:
        """Reject the rows whose NIK (or KK) is registered outside the actor's area, telling no
        more than that it is registered (services.identity.REGISTERED, as a form does)."""
        stage_key = "nik" if key == "nik" else "kk_number"
        outside, params = _outside("r.region_id", self.actor.scope)
        found = fetch(
            f"SELECT s.row_no, s.{stage_key} FROM {STAGE} s "
            f"JOIN {table} r ON r.{key} = s.{stage_key} WHERE s.ok AND {outside}",
            params,
        )
        self.reject(
            found,
            column,
            "registered_elsewhere",
            lambda r: REGISTERED % {"number": mask_number(r[1])},
        )
        if found:
            self.out.registered_elsewhere[key] = len({r[1] for r in found})

    def _head_elsewhere(self) -> None:
        """A family has one head: a new head for a registered family whose active head is not
        in the file (to step down or move) would make two. The registry's head changes on the
        family's page, or by a file that lists the former head too."""
        found = fetch(
            f"SELECT s.row_no, p.nik FROM {STAGE} s "
            "JOIN registry_family f ON f.kk_number = s.kk_number "
            "JOIN registry_person p ON p.family_id = f.id "
            "WHERE s.ok AND s.relationship = %s AND p.relationship = %s AND p.life_status = %s "
            f"AND p.nik <> s.nik AND NOT EXISTS (SELECT 1 FROM {STAGE} o "
            "WHERE o.nik = p.nik AND o.ok)",
            [Relationship.HEAD, Relationship.HEAD, LifeStatus.ACTIVE],
        )
        self.reject(
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


def _ddmmyyyy(value) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return f"{text[8:10]}-{text[5:7]}-{text[0:4]}"
