"""Targeting benchmark: a cohort's targeting run (a six-condition rule, ranking, per-kecamatan
quotas) through Padu's code, against a hand-written SQL query that selects and ranks the same
people, in the same run; and one person's explanation.

    .venv/bin/python bench/targeting.py [--people 1000000] [--seed 1] \\
        [--db-url postgres://postgres@127.0.0.1:5432/padu_bench_programs] [--keep] [--reuse]

Issue #13 (Measured): at 1,000,000 people on PostgreSQL the run takes at most 3 s and at most
1.5× the hand-written query; one person's explanation at most 50 ms.

1. `padu generate population --people N --seed S` into var/bench/ (reused for the same N and
   seed, as bench/import_registry.py does), a fresh database, migrate, the region tree, and
   `padu import registry` of the file (`--reuse`: a kept database that holds it);
2. a program with six conditions (desil 1–5, age 18–59 on the reference date, employment casual
   or none, education up to SMA, floor area up to 72 m², not enrolled in PKH within 2 years), a
   cohort of Kota Padang with a quota per kecamatan and a waiting list as long again;
3. the hand-written query (one statement: the same conditions, the same ranking keys,
   ROW_NUMBER() per kecamatan), timed; then `cohort_target` (the service the page calls: the
   candidates and waiting list written whole, as in a cohort's first run, the funnel left to
   its background job), timed, best of `--runs` each; and one rerun that finds nothing changed;
4. the two compared: the same people, each holding a place or waiting alike;
5. the explanation of ~100 people (the page's reads: the person in scope, his facts, each
   condition), its p95.
The last line is exactly
`targeting <s> s, hand SQL <s> s, ratio <x>, same people: yes|no, explain p95 <ms> ms`.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The set-up is shared with the import benchmark.
from import_registry import (
    bench_env,
    checkpoint,
    drop_database,
    populated,
)

KOTA = "13.71"
REFERENCE = datetime.date(2026, 7, 1)
PROGRAM = "BENCH_LATIH"
TREE = {
    "all": [
        {"field": "family.desil", "op": "between", "value": [1, 5]},
        {"field": "age", "op": "between", "value": [18, 59]},
        {"field": "person.employment", "op": "in", "value": [6, 7, 8, 9]},
        {"field": "person.education", "op": "in", "value": [1, 2, 3, 4, 5]},
        {"field": "dwelling.floor_area", "op": "le", "value": 72},
        {"not": {"field": "enrolled", "op": "within_years", "value": 2, "program": "PKH"}},
    ]
}
ENROLLED = ("approved", "enrolled", "delivered", "completed", "exited", "graduated")
TARGETS = {"targeting": 3.0, "ratio": 1.5, "explain_ms": 50.0}


def hand_sql(cohort_id: int, pkh_id: int) -> tuple[str, list]:
    """The same selection and ranking written by hand (the baseline)."""
    from padu.programs.rules.dates import born_by, years_before

    return (
        """
        WITH eligible AS (
            SELECT p.id, substr(p.region_id, 1, 8) AS area,
                COALESCE(f.desil, 99) AS k_desil, COALESCE(f.welfare_score, 1000) AS k_score,
                (CASE WHEN EXISTS (SELECT 1 FROM registry_persondisability d
                                   WHERE d.person_id = p.id AND d.ended_on IS NULL)
                      THEN 1 ELSE 0 END
                 + CASE WHEN p.birth_date <= %(elderly)s THEN 1 ELSE 0 END
                 + CASE WHEN EXISTS (SELECT 1 FROM registry_person_ppks pp
                                     WHERE pp.person_id = p.id) THEN 1 ELSE 0 END) AS k_vuln,
                p.created_at AS k_wait
            FROM registry_person p
            JOIN registry_family f ON f.id = p.family_id
            JOIN registry_dwelling w ON w.id = f.dwelling_id
            WHERE (p.region_id = %(kota)s OR p.region_id LIKE %(kota_like)s)
              AND p.life_status = 'aktif' AND f.status = 'aktif'
              AND f.desil BETWEEN 1 AND 5
              AND p.birth_date <= %(age_from)s AND p.birth_date > %(age_to)s
              AND p.employment IN (6, 7, 8, 9)
              AND p.education IN (1, 2, 3, 4, 5)
              AND w.floor_area <= 72
              AND NOT EXISTS (
                  SELECT 1 FROM programs_candidate c
                  JOIN programs_cohort h ON h.id = c.cohort_id
                  WHERE (c.person_id = p.id OR c.family_id = p.family_id)
                    AND h.program_id = %(pkh)s AND c.state = ANY(%(enrolled)s)
                    AND h.decree_date BETWEEN %(since)s AND %(today)s)
        ),
        ranked AS (
            SELECT e.*, ROW_NUMBER() OVER (
                PARTITION BY area ORDER BY k_desil, k_score, k_vuln DESC, k_wait, id) AS area_rank
            FROM eligible e
        )
        SELECT r.id, r.area_rank <= q.quota AS placed
        FROM ranked r
        JOIN programs_cohortquota q ON q.cohort_id = %(cohort)s AND q.region_id = r.area
        WHERE r.area_rank <= 2 * q.quota
        """,
        {
            "elderly": born_by(60, REFERENCE),
            "kota": KOTA,
            "kota_like": f"{KOTA}.%",
            "age_from": born_by(18, REFERENCE),
            "age_to": born_by(60, REFERENCE),
            "pkh": pkh_id,
            "enrolled": list(ENROLLED),
            "since": years_before(REFERENCE, 2),
            "today": REFERENCE,
            "cohort": cohort_id,
        },
    )


def measure(people: int, runs: int) -> str:
    import django

    django.setup()
    from django.db import connection

    from padu.accounts.capabilities import Role
    from padu.accounts.models import RegionScope, User
    from padu.programs.models import Program, RuleSet
    from padu.programs.rules.evaluate import explain, facts
    from padu.programs.selectors import person_for_explanation
    from padu.programs.services.cohorts import cohort_save, cohort_target
    from padu.programs.services.rules import rule_set_create
    from padu.programs.targeting import funnel_keep
    from padu.regions.models import Region

    with connection.cursor() as cursor:  # what an earlier run (--reuse) left
        for table in ("programs_candidate", "programs_cohortquota", "programs_cohort"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM programs_ruleset")
        cursor.execute("DELETE FROM programs_program")
    user = User.objects.filter(username="bench_targeting").first()
    if user is None:
        user = User.objects.create(username="bench_targeting", role=Role.OPERATOR)
        RegionScope.objects.create(user=user, region_id=KOTA)
    pkh = Program.objects.create(
        code="PKH", name="PKH", target_unit="family", benefit_type="cash", funding_source="APBN"
    )
    program = Program.objects.create(
        code=PROGRAM,
        name="Bench",
        target_unit="person",
        benefit_type="training",
        funding_source="APBD_KAB",
    )
    rule_set_create(actor=user, program=program, tree=TREE)
    kecamatan = list(
        Region.objects.filter(parent_id=KOTA, valid_until__isnull=True).values_list(
            "code", flat=True
        )
    )
    quota = max(10, people // 3000)
    cohort = cohort_save(
        actor=user,
        program=program,
        name="Angkatan Bench",
        region_code=KOTA,
        quotas=dict.fromkeys(kecamatan, quota),
        priority={
            "order": ["desil", "welfare_score", "vulnerability", "waiting"],
            "waiting_factor": 1,
        },
        reference_date=REFERENCE,
    )
    print(f"{len(kecamatan)} kecamatan, a quota of {quota} each, a waiting list as long")

    sql, params = hand_sql(cohort.pk, pkh.pk)
    hand_times, hand_rows = [], None
    for _ in range(runs):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            hand_rows = cursor.fetchall()
        hand_times.append(time.perf_counter() - started)
    run_times = []
    for _ in range(runs):
        # Each timed run writes the whole list, as a cohort's first targeting does: the list
        # an earlier run left is emptied first, untimed (a rerun that finds it unchanged
        # writes nothing, and is timed apart below).
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM programs_candidate WHERE cohort_id = %s", [cohort.pk])
        started = time.perf_counter()
        cohort = cohort_target(actor=user, cohort=cohort)
        run_times.append(time.perf_counter() - started)
    started = time.perf_counter()
    cohort = cohort_target(actor=user, cohort=cohort)
    rerun = time.perf_counter() - started
    targeting, hand = min(run_times), min(hand_times)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_id, NOT on_waiting_list FROM programs_candidate WHERE cohort_id = %s",
            [cohort.pk],
        )
        padu_rows = cursor.fetchall()
    same = sorted(padu_rows) == sorted((i, bool(p)) for i, p in hand_rows)
    placed = sum(1 for _i, p in padu_rows if p)
    print(
        f"hand SQL: {len(hand_rows)} rows, runs {', '.join(f'{t:.2f}' for t in hand_times)} s; "
        f"targeting: {len(padu_rows)} candidates ({placed} places), "
        f"runs {', '.join(f'{t:.2f}' for t in run_times)} s; "
        f"a rerun over the same data (nothing to write): {rerun:.2f} s"
    )
    started = time.perf_counter()
    steps = funnel_keep(cohort_id=cohort.pk, user_id=user.pk)
    print(
        f"funnel (counted after the run, in the background): {time.perf_counter() - started:.2f} s"
    )
    for step in steps:
        print(f"  {step['text']}: -{step['removed']} → {step['remaining']}")

    ids = [i for i, _p in padu_rows]
    rng = random.Random(1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM registry_person")
        low, high = cursor.fetchone()
    sample = rng.sample(ids, min(50, len(ids))) + [rng.randint(low, high) for _ in range(50)]
    rule_set = RuleSet.objects.get(pk=cohort.rule_set_id)
    times = []
    for pk in sample:
        started = time.perf_counter()
        try:
            person = person_for_explanation(user, pk)
        except Exception:
            continue
        explain(rule_set.tree, facts(person, REFERENCE))
        times.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    print(f"explanations: {len(times)}, median {statistics.median(times):.1f} ms")
    ok = (
        same
        and targeting <= TARGETS["targeting"]
        and targeting / hand <= TARGETS["ratio"]
        and p95 <= TARGETS["explain_ms"]
    )
    print(f"{'PASS' if ok else 'FAIL'} (targets at 1,000,000 people: {TARGETS})")
    return (
        f"targeting {targeting:.2f} s, hand SQL {hand:.2f} s, ratio {targeting / hand:.2f}, "
        f"same people: {'yes' if same else 'no'}, explain p95 {p95:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--db-url", default="postgres://postgres@127.0.0.1:5432/padu_bench_programs"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a kept database that holds the imported population (its programs emptied)",
    )
    args = parser.parse_args()
    env = bench_env(args.db_url)
    try:
        populated(args, env)
        with psycopg.connect(args.db_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
            people = conn.execute("SELECT count(*) FROM registry_person").fetchone()[0]
            print(f"{people} people")
        checkpoint(args.db_url)
        os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "LOG_LEVEL")})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padu.settings")
        sys.path.insert(0, env["PYTHONPATH"])
        line = measure(people, args.runs)
        print(line)
    finally:
        if not args.keep:
            drop_database(args.db_url)


if __name__ == "__main__":
    main()
