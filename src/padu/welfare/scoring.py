# ruff: noqa: S608 -- SQL is built from declared field names, declared codes (quoted) and
# whole-number weights formatted here; the family ids, weight set and time are parameters.
"""The welfare score, written twice side by side: in Python for a few families (after an edit,
and as the tests' reference) and as SQL for everyone (the recomputation). Both count in
hundredths of a point with whole numbers only (weights have two decimals, values are whole), so
PostgreSQL, SQLite and Python agree to the last digit:

    score = clamp(0, 100, base + members × w_members + Σ over the variables of their weights)

(docs/welfare-score.md). A family's members are its active ones (life status `aktif`)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from padu.core.sql import not_same
from padu.registry import codes
from padu.registry.models import Dwelling, Family, Person, PersonDisability

from .models import FamilyScore, WeightSet
from .variables import BASE, CODE, CODES, COUNTS, MEMBER_CODES, MEMBERS, UNIT, variables
from .weights import active_weight_set

FULL = 100 * 100  # 100 points, in hundredths
HEAD = codes.Relationship.HEAD
ACTIVE = codes.LifeStatus.ACTIVE

# ---------------------------------------------------------------------------- one family, Python


def _flagged(variable, person, code) -> bool:
    if variable.kind.flags:
        return bool(getattr(person, variable.kind.flags[code]))
    return code in (getattr(person, variable.field) or [])


def _members_value(variable, members) -> int:
    return sum(getattr(m, variable.field) or 0 for m in members)


def _worst(variable, records) -> str | None:
    """The most severe code of a member's records in force (the code list runs from the
    mildest); None without a recorded one."""
    order = variable.codes()
    found = [order.index(r.severity) for r in records if r.severity in order]
    return order[max(found)] if found else None


def _disability_term(table: dict, variable, members: list) -> int:
    records = [m.active_disabilities for m in members]
    if variable.how == UNIT:
        return table.get((variable.key, ""), 0) * sum(1 for r in records if r)
    worst = (_worst(variable, r) for r in records)
    return sum(table.get((variable.key, w), 0) for w in worst if w is not None)


def raw_score(table: dict, family, dwelling, members: list) -> int:
    """The unclamped score in hundredths. `members`: the family's active members, their
    disability records in force readable (`Person.active_disabilities`)."""
    n = len(members)
    heads = [m for m in members if m.relationship == HEAD]
    total = table.get((BASE, ""), 0) + table.get((MEMBERS, ""), 0) * n
    for v in variables():
        if v.key in (BASE, MEMBERS):
            continue
        if v.record == "disability":
            total += _disability_term(table, v, members)
            continue
        if v.record == "person":
            if v.how == CODE:
                answers = [getattr(h, v.field) for h in heads]
                answers = [a for a in answers if a not in (None, "")]
                value = max(answers) if answers else None
                total += table.get((v.key, str(value)), 0) if value is not None else 0
            elif v.how == MEMBER_CODES:
                for code in v.codes():
                    count = sum(1 for m in members if _flagged(v, m, code))
                    total += table.get((v.key, code), 0) * count
            elif v.how == UNIT and n:
                total += table.get((v.key, ""), 0) * (_members_value(v, members) // n // v.unit)
            continue
        obj = dwelling if v.record == "dwelling" else family
        value = getattr(obj, v.field) if obj is not None else None
        if value is None or value == "":
            continue
        if v.how == CODE:
            total += table.get((v.key, str(value)), 0)
        elif v.how == CODES:
            total += sum(table.get((v.key, c), 0) for c in value)
        elif v.how == COUNTS:
            total += sum(table.get((v.key, c), 0) * int(k) for c, k in value.items())
        elif v.how == UNIT:
            total += table.get((v.key, ""), 0) * (int(value) // v.unit)
    return total


def clamp(raw: int) -> int:
    return max(0, min(FULL, raw))


def as_points(hundredths: int) -> Decimal:
    return Decimal(hundredths) / 100


def family_scores(family_ids: list[int], weight_set: WeightSet) -> dict[int, Decimal]:
    """{family id: score} computed in Python. A system read: the caller decided who may ask."""
    table = weight_set.table()
    families = Family.objects.unscoped().filter(pk__in=family_ids)
    dwellings = Dwelling.objects.unscoped().in_bulk({f.dwelling_id for f in families} - {None})
    members = defaultdict(list)
    in_force = PersonDisability.objects.unscoped().filter(ended_on__isnull=True)
    people = (
        Person.objects.unscoped()
        .filter(family__in=family_ids, life_status=ACTIVE)
        .prefetch_related(Prefetch("disabilities", queryset=in_force, to_attr="disability_rows"))
    )
    for person in people:
        members[person.family_id].append(person)
    return {
        f.pk: as_points(clamp(raw_score(table, f, dwellings.get(f.dwelling_id), members[f.pk])))
        for f in families
    }


def families_rescore(family_ids: list[int]) -> None:
    """Compute again, with the active weights, the scores of families a service just changed
    (registry.changes), in the caller's transaction."""
    weight_set = active_weight_set()
    now = timezone.now()
    with transaction.atomic():
        for pk, score in family_scores(family_ids, weight_set).items():
            Family.objects.unscoped().filter(pk=pk).update(welfare_score=score)
            FamilyScore.objects.unscoped().update_or_create(
                family_id=pk,
                defaults={"weight_set": weight_set, "score": score, "computed_at": now},
            )


# ------------------------------------------------------------------------------ everyone, SQL


def _quote(code: str) -> str:
    return "'" + code.replace("'", "''") + "'"


def _literal(kind, code: str) -> str:
    return code if getattr(kind, "numeric", False) else _quote(code)


def _case(column: str, variable, table: dict) -> str:
    arms = " ".join(
        f"WHEN {_literal(variable.kind, c)} THEN {table.get((variable.key, c), 0)}"
        for c in variable.codes()
        if table.get((variable.key, c), 0)
    )
    return f"(CASE {column} {arms} ELSE 0 END)" if arms else "0"


def _json_has(column: str, code: str) -> str:
    """1 when the JSON list in `column` holds `code` (PostgreSQL: jsonb's own test, which reads
    the value without turning it into text for each code)."""
    if connection.vendor == "postgresql":
        return f"(CASE WHEN jsonb_exists({column}, {_quote(code)}) THEN 1 ELSE 0 END)"
    return f"(CASE WHEN CAST({column} AS TEXT) LIKE '%%\"{code}\"%%' THEN 1 ELSE 0 END)"


def _json_count(column: str, code: str) -> str:
    if connection.vendor == "postgresql":
        return f"COALESCE(CAST(({column} ->> {_quote(code)}) AS BIGINT), 0)"
    return f"COALESCE(json_extract({column}, {_quote('$.' + code)}), 0)"


def _disability_sql(table: dict, aggregates: list[str], terms: list[str], v) -> None:
    """The columns of `x` (the family's active members with a disability record in force, each
    with `worst`: the rank of his most severe code, 0 when none is recorded) and the terms."""
    if v.how == UNIT:
        aggregates.append("COUNT(*) AS n")
        terms.append(f"{table.get((v.key, ''), 0)} * COALESCE(x.n, 0)")
        return
    for rank, code in enumerate(v.codes(), start=1):
        weight = table.get((v.key, code), 0)
        if weight:
            aggregates.append(f"SUM(CASE WHEN worst = {rank} THEN 1 ELSE 0 END) AS w_{rank}")
            terms.append(f"{weight} * COALESCE(x.w_{rank}, 0)")


def _severity_rank(column: str) -> str:
    variable = next(v for v in variables() if v.record == "disability" and v.how != UNIT)
    arms = " ".join(f"WHEN {_quote(c)} THEN {i}" for i, c in enumerate(variable.codes(), 1))
    return f"(CASE {column} {arms} ELSE 0 END)"


def score_sql(table: dict) -> tuple[str, str, str]:
    """(the members' aggregate columns, the disability aggregate's columns, the raw score
    expression) over `f` (family), `d` (its dwelling), `m` (the aggregate of its active members,
    grouped by family) and `x` (that of those with a disability record in force)."""
    aggregates = ["COUNT(*) AS n"]
    disabled = ["family_id"]
    terms = [str(table.get((BASE, ""), 0)), f"{table.get((MEMBERS, ''), 0)} * COALESCE(m.n, 0)"]
    for v in variables():
        if v.key in (BASE, MEMBERS):
            continue
        if v.record == "disability":
            _disability_sql(table, disabled, terms, v)
            continue
        alias = "d" if v.record == "dwelling" else "f" if v.record == "family" else "m"
        column = f"{alias}.{v.field}"
        if v.record == "person":
            if v.how == CODE:
                aggregates.append(
                    f"MAX(CASE WHEN relationship = {int(HEAD)} THEN {v.field} END) AS h_{v.field}"
                )
                terms.append(_case(f"m.h_{v.field}", v, table))
            elif v.how == MEMBER_CODES:
                for i, code in enumerate(v.codes()):
                    weight = table.get((v.key, code), 0)
                    if not weight:
                        continue
                    test = v.kind.flags[code] if v.kind.flags else None
                    has = (
                        f"(CASE WHEN {test} THEN 1 ELSE 0 END)"
                        if test
                        else _json_has(v.field, code)
                    )
                    aggregates.append(f"SUM({has}) AS c_{v.field}_{i}")
                    terms.append(f"{weight} * COALESCE(m.c_{v.field}_{i}, 0)")
            elif v.how == UNIT:
                weight = table.get((v.key, ""), 0)
                aggregates.append(f"CAST(SUM(COALESCE({v.field}, 0)) AS BIGINT) AS t_{v.field}")
                terms.append(f"{weight} * COALESCE(m.t_{v.field} / m.n / {v.unit}, 0)")
        elif v.how == CODE:
            terms.append(_case(column, v, table))
        elif v.how == CODES:
            terms.extend(
                f"{table[(v.key, c)]} * {_json_has(column, c)}"
                for c in v.codes()
                if table.get((v.key, c), 0)
            )
        elif v.how == COUNTS:
            terms.extend(
                f"{table[(v.key, c)]} * {_json_count(column, c)}"
                for c in v.codes()
                if table.get((v.key, c), 0)
            )
        elif v.how == UNIT:
            terms.append(f"{table.get((v.key, ''), 0)} * (COALESCE({column}, 0) / {v.unit})")
    return ", ".join(aggregates), ", ".join(disabled), " + ".join(terms)


def _points(expression: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST({expression} AS NUMERIC) / 100"
    return f"{expression} / 100.0"


MEMBERS_TABLE = "welfare_members"
DISABLED_TABLE = "welfare_disabled"
SCORED_TABLE = "welfare_scored"


def aggregate_statements(table: dict) -> list[str]:
    """The members' aggregates of every family, one statement over each table of people's data
    (their active members; those with a disability record in force), into temporary tables the
    chunks join by family."""
    aggregates, disabled, _raw = score_sql(table)
    return [
        f"""CREATE TEMPORARY TABLE {MEMBERS_TABLE} AS
            SELECT family_id, {aggregates} FROM registry_person
            WHERE life_status = '{ACTIVE}' GROUP BY family_id""",
        f"""CREATE TEMPORARY TABLE {DISABLED_TABLE} AS
            SELECT {disabled} FROM (
                SELECT p.id, p.family_id, MAX({_severity_rank("r.severity")}) AS worst
                FROM registry_persondisability r JOIN registry_person p ON p.id = r.person_id
                WHERE r.ended_on IS NULL AND p.life_status = '{ACTIVE}'
                GROUP BY p.id, p.family_id
            ) w GROUP BY family_id""",
        f"CREATE UNIQUE INDEX {MEMBERS_TABLE}_family ON {MEMBERS_TABLE} (family_id)",
        f"CREATE UNIQUE INDEX {DISABLED_TABLE}_family ON {DISABLED_TABLE} (family_id)",
    ]


def chunk_statements(table: dict) -> list[str]:
    """The statements that score the families with ids in [%(low)s, %(high)s] from the
    aggregates: their scores into a temporary table, then `welfare_score` where it changed, then
    their row in welfare_familyscore with the weight set and the time (the last two
    statements, each family's row written by one of them)."""
    _aggregates, _disabled, raw = score_sql(table)
    clamped = f"CASE WHEN raw < 0 THEN 0 WHEN raw > {FULL} THEN {FULL} ELSE raw END"
    return [
        f"""CREATE TEMPORARY TABLE {SCORED_TABLE} AS
            SELECT id, {_points(clamped)} AS score FROM (
                SELECT f.id AS id, {raw} AS raw
                FROM registry_family f
                LEFT JOIN registry_dwelling d ON d.id = f.dwelling_id
                LEFT JOIN {MEMBERS_TABLE} m ON m.family_id = f.id
                LEFT JOIN {DISABLED_TABLE} x ON x.family_id = f.id
                WHERE f.id BETWEEN %(low)s AND %(high)s
            ) f""",
        *_analyze(SCORED_TABLE),
        f"""UPDATE registry_family SET welfare_score = s.score FROM {SCORED_TABLE} s
            WHERE registry_family.id = s.id
              AND registry_family.id BETWEEN %(low)s AND %(high)s
              AND {not_same("registry_family.welfare_score", "s.score")}""",
        # The rows the families have, updated by one join (a quarter faster than an upsert,
        # which tries to insert each row first: 1.4 s at 1,000,000 people), then those they
        # lack, the rows just updated skipped by their key. Not `WHERE NOT EXISTS`: over a
        # table the planner believes empty (a first run) it becomes a nested loop that reads
        # the table once per family (47 s of a 55 s run at 1,000,000 people).
        f"""UPDATE welfare_familyscore SET weight_set_id = %(weight_set)s, score = s.score,
                computed_at = %(now)s
            FROM {SCORED_TABLE} s WHERE welfare_familyscore.family_id = s.id""",
        # `WHERE 1 = 1`: SQLite would read `ON CONFLICT` as the join's `ON` without it.
        f"""INSERT INTO welfare_familyscore (family_id, weight_set_id, score, computed_at)
            SELECT s.id, %(weight_set)s, s.score, %(now)s FROM {SCORED_TABLE} s WHERE 1 = 1
            ON CONFLICT (family_id) DO NOTHING""",
    ]


def _analyze(name: str) -> list[str]:
    """PostgreSQL plans a join with a temporary table well only once it has its statistics
    (autovacuum never sees it)."""
    return [f"ANALYZE {name}"] if connection.vendor == "postgresql" else []


CHUNK = 100_000  # family ids per step of a recomputation (its progress moves by these)
TEMPORARY = (MEMBERS_TABLE, DISABLED_TABLE, SCORED_TABLE)


def id_range() -> tuple[int, int] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(id), MAX(id) FROM registry_family")
        low, high = cursor.fetchone()
    return None if low is None else (low, high)


def _drop_temporary(cursor) -> None:
    for name in TEMPORARY:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def recompute_all(weight_set: WeightSet, *, progress=None, chunk: int = CHUNK) -> int:
    """Score every family with `weight_set`: the members' aggregates once for everyone (one
    statement per table of people's data), then `chunk` family ids per transaction; `progress(done
    ids, all ids)` after each. Returns the number of families scored.

    On PostgreSQL the just-in-time compiler is off for it: compiling these wide expressions
    costs more than it saves (1.5 s per statement, measured at 300,000 people)."""
    bounds = id_range()
    if bounds is None:
        return 0
    low, high = bounds
    weights = weight_set.table()
    now = timezone.now()
    span = high - low + 1
    scored = 0
    with connection.cursor() as cursor:
        _drop_temporary(cursor)
        if connection.vendor == "postgresql":
            cursor.execute("SET jit = off")
        try:
            for statement in aggregate_statements(weights):
                cursor.execute(statement, {"low": low, "high": high})
            for name in (MEMBERS_TABLE, DISABLED_TABLE):
                for statement in _analyze(name):
                    cursor.execute(statement)
            statements = chunk_statements(weights)
            for start in range(low, high + 1, chunk):
                params = {
                    "low": start,
                    "high": min(start + chunk - 1, high),
                    "weight_set": weight_set.pk,
                    "now": connection.ops.adapt_datetimefield_value(now),
                }
                with transaction.atomic():
                    written = []
                    for statement in statements:
                        cursor.execute(statement, params)
                        written.append(cursor.rowcount)
                    scored += sum(written[-2:])
                    cursor.execute(f"DROP TABLE {SCORED_TABLE}")
                if progress is not None:
                    progress(min(start + chunk, high + 1) - low, span)
        finally:
            _drop_temporary(cursor)
            if connection.vendor == "postgresql":
                cursor.execute("RESET jit")
    return scored
