"""Periods benchmark: what closing a month costs, in time and disk, at N people (PostgreSQL).

    .venv/bin/python bench/periods.py [--people 1000000] [--seed 1] \\
        [--db-url postgres://postgres@127.0.0.1:5432/padu_bench_periods] [--keep] [--reuse]

Issue #12 (point 5): a closed period answers "as of" exactly without copying every row every
month. The close stores a version of a family's or person's key facts only when they differ
from the version the last close stored (the first close stores everyone once).

1. `padu generate population --people N --seed S` into var/bench/ (reused for the same N and
   seed, as bench/import_registry.py does), a fresh database, migrate, the region tree, and
   `padu import registry` of the file;
2. the baseline: a bare `CREATE TABLE … AS SELECT` of the same columns of every family and
   person (what copying the registry's key facts each month would cost), timed and sized, then
   dropped;
3. `padu periods close` of a first month (everyone stored once), timed inside its process;
4. about 1 % of the families changed in SQL: a desil moved, a family graduated (mampu), a member
   who died (meninggal);
5. `padu periods close` of the next month (only the changed stored), timed;
6. per period: seconds, versions stored, and the growth of the periods tables
   (`pg_total_relation_size`, heap and indexes), against the baseline's; and "as of" each
   period counted in SQL, against the registry's own counts.
"""

import argparse
import datetime
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The set-up is shared with the import benchmark.
from import_registry import (
    PADU,
    bench_env,
    checkpoint,
    drop_database,
    populated,
)

TABLES = ("periods_familystate", "periods_personstate", "periods_tally")
# Each change touches about a third of 1 % of the families (ids spread evenly).
CHANGES = (
    (
        "desil moved",
        "UPDATE registry_family SET desil = CASE WHEN desil IS NULL OR desil = 10 THEN 1"
        " ELSE desil + 1 END, version = version + 1 WHERE id % 300 = 0",
    ),
    (
        "graduated (mampu)",
        "UPDATE registry_family SET status = 'mampu', version = version + 1"
        " WHERE id % 300 = 100 AND status = 'aktif'",
    ),
    (
        "a member died",
        "UPDATE registry_person SET life_status = 'meninggal', version = version + 1"
        " WHERE family_id % 300 = 200 AND relationship <> 1 AND life_status = 'aktif'",
    ),
)


def months_back(n: int) -> str:
    today = datetime.date.today()
    index = today.year * 12 + today.month - 1 - n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def size(conn, tables) -> int:
    return sum(conn.execute("SELECT pg_total_relation_size(%s)", [t]).fetchone()[0] for t in tables)


def mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def baseline(conn) -> tuple[float, int]:
    """Copying every family's and person's key facts, bare: CREATE TABLE AS SELECT."""
    conn.execute("CHECKPOINT")
    started = time.perf_counter()
    conn.execute(
        "CREATE TABLE bench_copy_families AS SELECT id AS family_id, 202601 AS valid_from,"
        " region_id, status, desil FROM registry_family"
    )
    conn.execute(
        "CREATE TABLE bench_copy_people AS SELECT id AS person_id, 202601 AS valid_from,"
        " family_id, region_id, relationship, life_status FROM registry_person"
    )
    seconds = time.perf_counter() - started
    copied = size(conn, ("bench_copy_families", "bench_copy_people"))
    conn.execute("DROP TABLE bench_copy_families, bench_copy_people")
    return seconds, copied


def close(env: dict, month: str) -> tuple[float, float, str]:
    started = time.perf_counter()
    output = subprocess.run(
        [*PADU, "periods", "close", month], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    wall = time.perf_counter() - started
    # "(12.3 s)", or "(12.3 detik)" in Indonesian, the default language.
    seconds = float(re.search(r"\(([0-9.]+) \w+\)", output).group(1))
    return seconds, wall, output


def as_of(conn, month: str) -> tuple[int, int, float]:
    key = int(month.replace("-", ""))
    started = time.perf_counter()
    families, people = conn.execute(
        "SELECT (SELECT count(*) FROM periods_familystate WHERE valid_from <= %(m)s"
        "  AND (valid_until IS NULL OR valid_until > %(m)s) AND status = 'aktif'),"
        " (SELECT count(*) FROM periods_personstate WHERE valid_from <= %(m)s"
        "  AND (valid_until IS NULL OR valid_until > %(m)s) AND life_status = 'aktif')",
        {"m": key},
    ).fetchone()
    return families, people, time.perf_counter() - started


def registered(conn) -> tuple[int, int]:
    return conn.execute(
        "SELECT (SELECT count(*) FROM registry_family WHERE status = 'aktif'),"
        " (SELECT count(*) FROM registry_person WHERE life_status = 'aktif')"
    ).fetchone()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432/padu_bench_periods")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a kept database that holds the imported population (its periods are "
        "emptied: the periods app migrated to zero and back)",
    )
    args = parser.parse_args()
    env = bench_env(args.db_url)
    try:
        populated(args, env, emptied=("periods",))
        with psycopg.connect(args.db_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
            families, people = conn.execute(
                "SELECT (SELECT count(*) FROM registry_family),"
                " (SELECT count(*) FROM registry_person)"
            ).fetchone()
            registry_size = size(conn, ("registry_family", "registry_person"))
            print(f"{families} families, {people} people; registry tables {mb(registry_size)}")
            base_seconds, base_size = baseline(conn)
            print(
                f"baseline (CREATE TABLE AS SELECT of every family's and person's key facts): "
                f"{base_seconds:.1f} s, {mb(base_size)}"
            )
            before = size(conn, TABLES)
        results = []
        expected = {}
        for n, month in enumerate((months_back(2), months_back(1))):
            if n == 1:
                with psycopg.connect(args.db_url, autocommit=True) as conn:
                    for what, sql in CHANGES:
                        changed = conn.execute(sql).rowcount
                        print(f"changed: {what}: {changed} rows")
                    conn.execute("VACUUM ANALYZE registry_family, registry_person")
            with psycopg.connect(args.db_url, autocommit=True) as conn:
                expected[month] = registered(conn)
            checkpoint(args.db_url)
            seconds, wall, output = close(env, month)
            print(output)
            with psycopg.connect(args.db_url, autocommit=True) as conn:
                after = size(conn, TABLES)
                results.append((month, seconds, wall, after - before))
                before = after
        with psycopg.connect(args.db_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
            for month, *_ in results:
                fam, ppl, took = as_of(conn, month)
                ok = (fam, ppl) == expected[month]
                print(
                    f"as of {month}: {fam} families, {ppl} people registered "
                    f"({took:.2f} s; {'equal to' if ok else 'DIFFERENT FROM'} the registry then)"
                )
            total = size(conn, TABLES)
        for month, seconds, wall, grown in results:
            print(
                f"period {month}: close {seconds:.1f} s inside the command ({wall:.1f} s wall, "
                f"{seconds / base_seconds:.1f}× the baseline's copy), disk +{mb(grown)} "
                f"({100 * grown / base_size:.0f} % of a full copy)"
            )
        print(f"periods tables in all: {mb(total)} for {len(results)} periods")
    finally:
        if not args.keep:
            drop_database(args.db_url)


if __name__ == "__main__":
    main()
