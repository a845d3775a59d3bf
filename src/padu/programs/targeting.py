"""A cohort's targeting run, set-based: the rules compiled to one condition on the cohort's
people (rules/compiler.py), ranked by the cohort's priority, with places allotted per quota area
and in total by window functions, in ONE `SELECT` that returns only the rows kept (the places
and the waiting lists), into a temporary table; the candidate list is then made equal to it,
row by row only where it differs (`_merge`; SQLite and PostgreSQL alike). Not one `INSERT …
SELECT`: PostgreSQL runs it without parallel workers, while it runs the `SELECT` of a `CREATE
TABLE … AS` in parallel; and the rows never travel to Python and back.

The ranking (`Priority`): desil ascending (none last), the welfare score ascending (lower is
poorer; none last), the number of vulnerability categories descending (a disability in force,
60 or older, a PPKS category), the waiting time (registered earliest first); the person's id
breaks ties, so a run gives the same list every time.

Quotas: a cohort's per-area quotas are all kecamatan or all kelurahan. A person holds a place
when he is within his area's quota (`area_rank <= quota`) and, among those, within the total
(`total_rank <= quota_total`). The waiting list keeps, per area (or in total without area
quotas), as many again as the quota times `waiting_factor`; a candidate who drops out gives his
place to the first of his area's waiting list (services.candidate_drop)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts.models import User
from padu.core.errors import ValidationFailed
from padu.core.scoping import in_scope, subtree_q
from padu.core.sql import not_same, same
from padu.registry import codes as registry_codes
from padu.registry.models import Person, PersonDisability

from .codes import CandidateState, TargetUnit
from .models import Candidate, Cohort
from .rules import dates
from .rules.compiler import Context, compile_tree
from .rules.text import describe

ELDERLY = 60
KEYS = {
    # key: (the SQL ordering over the ranked rows' columns, fixed text, never a user's)
    "desil": "k_desil ASC",
    "welfare_score": "k_score ASC",
    "vulnerability": "k_vuln DESC",
    "waiting": "k_wait ASC",
}
KEY_LABELS = {
    "desil": _("Desil (lowest first)"),
    "welfare_score": _("Welfare score (lowest first)"),
    "vulnerability": _("Vulnerability categories (most first)"),
    "waiting": _("Waiting time (registered earliest first)"),
}
DEFAULT_ORDER = ("desil", "welfare_score", "vulnerability", "waiting")
NO_DESIL = 99
NO_SCORE = Decimal(1000)
AREA_LENGTHS = (8, 13)  # a kecamatan's code (13.71.01), a kelurahan's (13.71.01.1001)


@dataclass(frozen=True)
class Priority:
    order: tuple[str, ...] = DEFAULT_ORDER
    waiting_factor: Decimal = Decimal(1)

    @classmethod
    def read(cls, data: dict | None) -> Priority:
        """A cohort's `priority` JSON, checked: `{"order": [...], "waiting_factor": 1}`."""
        data = data or {}
        order = tuple(data.get("order") or DEFAULT_ORDER)
        errors = []
        if any(k not in KEYS for k in order) or len(set(order)) != len(order):
            errors.append(_("Priority: choose each ranking key at most once."))
        try:
            factor = Decimal(str(data.get("waiting_factor", 1)))
            if not Decimal(0) <= factor <= Decimal(10):
                raise ValueError
        except (ArithmeticError, ValueError):
            errors.append(_("Waiting list: enter a factor from 0 to 10."))
            factor = Decimal(1)
        if errors:
            raise ValidationFailed({"priority": errors})
        return cls(order=order, waiting_factor=factor)

    def as_json(self) -> dict:
        return {"order": list(self.order), "waiting_factor": str(self.waiting_factor)}


def population(cohort, user) -> QuerySet[Person]:
    """The people a cohort draws from: living members of active families in the cohort's area,
    inside the user's scope; a family program's unit is the family, through its head."""
    if in_scope(user, cohort.region_id):
        # The cohort's area lies inside the user's: its subtree is his scope here (one
        # condition on the region, not two the planner would misjudge together).
        people = Person.objects.unscoped()
    else:
        people = Person.objects.scoped(user)
    qs = people.filter(
        subtree_q("region__code", [cohort.region_id]),
        life_status=registry_codes.LifeStatus.ACTIVE,
        family__status=registry_codes.FamilyStatus.ACTIVE,
    )
    if cohort.program.target_unit == TargetUnit.FAMILY:
        qs = qs.filter(relationship=registry_codes.Relationship.HEAD)
    return qs


def reference_date(cohort) -> datetime.date:
    return cohort.reference_date or timezone.localdate()


def eligible(cohort, user, tree: dict) -> QuerySet[Person]:
    return population(cohort, user).filter(
        compile_tree(tree, Context(reference_date=reference_date(cohort)))
    )


def _step_text(part: dict, number: int) -> str:
    if "field" in part:
        return describe(part)
    if "not" in part and "field" in part["not"]:
        return _("not: %(condition)s") % {"condition": describe(part["not"])}
    return _("Group %(n)d") % {"n": number}


def funnel(cohort, user, tree: dict) -> list[dict]:
    """How many people each condition removed, in one pass: the population, then after each
    condition of a top-level "all" in turn (other trees: the whole as one step)."""
    context = Context(reference_date=reference_date(cohort))
    parts = tree.get("all", [tree])
    steps, q = [], None
    aggregates = {"n0": Count("pk")}
    for i, part in enumerate(parts, start=1):
        compiled = compile_tree(part, context)
        q = compiled if q is None else q & compiled
        aggregates[f"n{i}"] = Count("pk", filter=q)
        steps.append(_step_text(part, i))
    with transaction.atomic(), connection.cursor() as cursor:
        _without_jit(cursor)
        counts = population(cohort, user).aggregate(**aggregates)
    out = [{"text": _("People in the area"), "remaining": counts["n0"], "removed": 0}]
    for i, text in enumerate(steps, start=1):
        before, after = counts[f"n{i - 1}"], counts[f"n{i}"]
        out.append({"text": text, "remaining": after, "removed": before - after})
    return out


def funnel_keep(*, cohort_id: int, user_id: int | None) -> list[dict]:
    """Count and keep how many people each condition of the cohort's rules removed, inside the
    area of the user who ran the targeting (a background job: no request, no lock held)."""
    user = User.objects.filter(pk=user_id).first() if user_id else None
    # A system job: the cohort is read by id, the counts are bounded by the user's scope.
    cohort = (
        Cohort.objects.unscoped()
        .select_related("program", "rule_set")
        .filter(pk=cohort_id, rule_set__isnull=False)
        .first()
    )
    if cohort is None or user is None:
        return []
    counts = funnel(cohort, user, cohort.rule_set.tree)
    Cohort.objects.unscoped().filter(pk=cohort.pk, rule_set=cohort.rule_set).update(funnel=counts)
    return counts


def _ranked_select(cohort, user, tree: dict) -> tuple[str, list, int | None]:
    """The eligible people with their area and ranking keys, as SQL and parameters (from the
    ORM: the rules' values are parameters)."""
    on = reference_date(cohort)
    quotas = list(cohort.quotas.values_list("region_id", flat=True))
    lengths = {len(code) for code in quotas}
    if len(lengths) > 1 or not lengths <= set(AREA_LENGTHS):
        raise ValidationFailed(
            {"quotas": [_("Quotas: give them all per kecamatan or all per kelurahan.")]}
        )
    area_length = lengths.pop() if lengths else None
    in_force = PersonDisability.objects.unscoped().filter(
        person=OuterRef("pk"), ended_on__isnull=True
    )
    ppks = Person.ppks.through.objects.filter(person=OuterRef("pk"))
    one = Value(1, output_field=IntegerField())
    zero = Value(0, output_field=IntegerField())
    qs = eligible(cohort, user, tree).annotate(
        area=Substr("region_id", 1, area_length) if area_length else Value(""),
        k_desil=Coalesce("family__desil", Value(NO_DESIL)),
        k_score=Coalesce(
            "family__welfare_score",
            Value(NO_SCORE, output_field=DecimalField(max_digits=6, decimal_places=2)),
        ),
        k_vuln=Case(When(Exists(in_force), then=one), default=zero)
        + Case(When(birth_date__lte=dates.born_by(ELDERLY, on), then=one), default=zero)
        + Case(When(Exists(ppks), then=one), default=zero),
        k_wait=F("created_at"),
    )
    qs = qs.values("pk", "family_id", "region_id", "area", "k_desil", "k_score", "k_vuln", "k_wait")
    sql, params = qs.order_by().query.sql_with_params()
    return sql, list(params), area_length


def _without_jit(cursor) -> None:
    """PostgreSQL's just-in-time compiler, for the rest of the transaction, off: the rules'
    wide expressions cost more to compile than they save (at 1,000,000 people the compilation
    took 2 to 7 s of a run whose query takes 1.9 s without it)."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        cursor.execute("SET LOCAL jit = off")


def _reasons_sql(area_length: int | None) -> str:
    """The reasons the candidate list shows, as a JSON object built by the database (the same
    keys on SQLite and PostgreSQL): the values that ranked him, none when he has none."""
    build = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    real = "DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL"
    return (
        f"{build}('desil', NULLIF(k_desil, {NO_DESIL}), "
        f"'welfare_score', CAST(NULLIF(k_score, {int(NO_SCORE)}) AS {real}), "
        "'vulnerability', k_vuln, 'area_rank', area_rank)"
    )


@dataclass(frozen=True)
class Outcome:
    """What a run wrote: places and waiting list, and how the list changed from the last run."""

    placed: int
    waiting: int
    removed: int
    changed: int
    added: int


def run(cohort, user, tree: dict, priority: Priority, *, actor_id) -> Outcome:
    """Make the cohort's candidates and waiting list those the rules choose now (`_merge`)."""
    select, params, area_length = _ranked_select(cohort, user, tree)
    order = ", ".join(KEYS[k] for k in priority.order) + ", pk ASC"
    factor = priority.waiting_factor
    total = cohort.quota_total
    # Typed NULLs: the temporary table takes its columns' types from them.
    family = (
        "family_id" if cohort.program.target_unit == TargetUnit.FAMILY else "CAST(NULL AS BIGINT)"
    )
    area = "area" if area_length else "CAST(NULL AS VARCHAR(20))"
    # Per area, or in total: the places, and then the waiting list's length.
    if area_length:
        # area_rank <= quota × (1 + factor), in whole hundredths (the same on every database).
        keep = "selected = 1 OR area_rank * 100 <= quota * %s"
        keep_params = [100 + int(factor * 100)]
    elif total is not None:
        keep = "selected = 1 OR total_rank <= %s"
        keep_params = [total + int(total * factor)]
    else:
        keep, keep_params = "selected = 1", []
    place, place_params = "in_quota = 1", []
    if total is not None:
        place, place_params = "in_quota = 1 AND total_rank <= %s", [total]
    # With quotas per area, only the people of those areas are ranked.
    quota_join = "JOIN" if area_length else "LEFT JOIN"
    # A total quota ranks again those within their area's quota; without one, no need.
    by_total = (
        f"SELECT m.*, ROW_NUMBER() OVER (PARTITION BY in_quota ORDER BY {order}) AS total_rank"
        if total is not None
        else "SELECT m.*"
    )
    # Fixed fragments only (KEYS, the ORM's SQL of the rules); every value is a parameter.
    # The final rank orders only the rows kept (places and waiting lists), not all eligible.
    sql = f"""
        WITH eligible AS ({select}),
        by_area AS (
            SELECT e.*, ROW_NUMBER() OVER (PARTITION BY area ORDER BY {order}) AS area_rank
            FROM eligible e
        ),
        quota_met AS (
            SELECT b.*, q.quota AS quota,
                CASE WHEN q.quota IS NULL OR b.area_rank <= q.quota THEN 1 ELSE 0 END AS in_quota
            FROM by_area b
            {quota_join} programs_cohortquota q ON q.cohort_id = %s AND q.region_id = b.area
        ),
        by_total AS ({by_total} FROM quota_met m),
        chosen AS (
            SELECT t.*, CASE WHEN {place} THEN 1 ELSE 0 END AS selected
            FROM by_total t
        ),
        kept AS (SELECT c.* FROM chosen c WHERE {keep}),
        ranked AS (
            SELECT k.*, ROW_NUMBER() OVER (ORDER BY selected DESC, {order}) AS final_rank
            FROM kept k
        )
        SELECT pk AS p, {family} AS f, region_id AS r, {area} AS a, final_rank AS k,
            selected <> 1 AS w, {_reasons_sql(area_length)} AS j
        FROM ranked
    """  # noqa: S608
    table = f"{Candidate._meta.db_table}_kept"
    with connection.cursor() as cursor:
        _without_jit(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {table} AS {sql}",
            [*params, cohort.pk, *place_params, *keep_params],
        )
        outcome = _merge(cursor, table, cohort.pk, actor_id)
        cursor.execute(f"DROP TABLE {table}")
    return outcome


# The candidate's columns a run sets, and the kept rows' columns they come from (`run`'s select).
RUN_COLUMNS = {
    "region_id": "r",
    "quota_area_id": "a",
    "rank": "k",
    "on_waiting_list": "w",
    "reasons": "j",
}


def _merge(cursor, kept: str, cohort_id: int, actor_id) -> Outcome:
    """The cohort's list made equal to the rows kept, touching only what differs: those no
    longer chosen are deleted, those whose rank, place or reasons changed are updated (their
    version bumped), the newly chosen inserted. A candidate keeps his row, and its id, from one
    run to the next; and what is neither deleted nor inserted costs no foreign-key checks (a
    deleted candidate is checked against the five tables that may refer to him, an inserted one
    against the person, the family and the cohort: most of a rerun's time when it rewrote all)."""
    table = Candidate._meta.db_table
    now, state = timezone.now(), CandidateState.CANDIDATE
    same_subject = f"k.p = c.person_id AND {same('k.f', 'c.family_id')}"
    cursor.execute(
        f"""DELETE FROM {table} AS c WHERE c.cohort_id = %s
            AND NOT EXISTS (SELECT 1 FROM {kept} AS k WHERE {same_subject})""",  # noqa: S608
        [cohort_id],
    )
    removed = cursor.rowcount
    # A candidate who dropped out and is chosen again is a candidate again, as in a first run.
    sets = ", ".join(f"{column} = k.{source}" for column, source in RUN_COLUMNS.items())
    differs = " OR ".join(
        not_same(f"c.{column}", f"k.{source}") for column, source in RUN_COLUMNS.items()
    )
    cursor.execute(
        f"""UPDATE {table} AS c SET {sets}, state = %s, exit_reason = '',
                version = c.version + 1, updated_at = %s, updated_by_id = CAST(%s AS BIGINT)
            FROM {kept} AS k
            WHERE c.cohort_id = %s AND {same_subject}
              AND ({differs} OR c.state <> %s OR c.exit_reason <> '')""",  # noqa: S608
        [state, now, actor_id, cohort_id, state],
    )
    changed = cursor.rowcount
    cursor.execute(
        f"""
        INSERT INTO {table} (
            created_at, updated_at, created_by_id, updated_by_id, version, cohort_id,
            person_id, family_id, {", ".join(RUN_COLUMNS)}, state, exit_reason
        )
        SELECT %s, %s, CAST(%s AS BIGINT), CAST(%s AS BIGINT), 1, %s,
            p, f, {", ".join(RUN_COLUMNS.values())}, %s, ''
        FROM {kept} AS k
        WHERE NOT EXISTS (
            SELECT 1 FROM {table} AS c WHERE c.cohort_id = %s AND {same_subject}
        )
        """,  # noqa: S608
        [now, now, actor_id, actor_id, cohort_id, state, cohort_id],
    )
    added = cursor.rowcount
    cursor.execute(
        f"SELECT SUM(CASE WHEN w THEN 0 ELSE 1 END), SUM(CASE WHEN w THEN 1 ELSE 0 END) FROM {kept}"  # noqa: S608
    )
    placed, waiting = cursor.fetchone()
    return Outcome(placed or 0, waiting or 0, removed, changed, added)
