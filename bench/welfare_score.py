"""Welfare score benchmark: `padu welfare recompute` over a generated population, against a bare
UPDATE of every family's score in the same run.

    .venv/bin/python bench/welfare_score.py [--people 1000000] [--seed 1] \\
        [--db-url postgres://postgres@127.0.0.1:5432/padu_bench_welfare] [--keep]

Issue #11 (point 3): the score of everyone is recomputed set-based in at most 30 s for 1,000,000
people on PostgreSQL.

1. `padu generate population --people N --seed S` into var/bench/ (reused for the same N and
   seed, as bench/import_registry.py does), a fresh database, migrate, the region tree, and
   `padu import registry` of the file;
2. the baseline: `UPDATE registry_family SET welfare_score = <a constant expression of the row>`
   over the same families (one statement, a CHECKPOINT before it), then the scores emptied again;
3. `padu welfare recompute` timed inside its process (the recomputation alone, not Django's start)
   and as wall time; the scores and their weight set counted.
The last line is exactly `welfare score <s> s for <N> families`.
"""

import argparse
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

TARGET_SECONDS = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432/padu_bench_welfare")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a kept database that holds the imported population (bench/targeting.py's)",
    )
    args = parser.parse_args()
    env = bench_env(args.db_url)
    try:
        populated(args, env)
        with psycopg.connect(args.db_url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
            families, people = conn.execute(
                "SELECT (SELECT count(*) FROM registry_family),"
                " (SELECT count(*) FROM registry_person)"
            ).fetchone()
            print(f"{families} families, {people} people")
            base = baseline(conn)
            conn.execute("UPDATE registry_family SET welfare_score = NULL")
            conn.execute("VACUUM ANALYZE registry_family")
        checkpoint(args.db_url)
        started = time.perf_counter()
        output = subprocess.run(
            [*PADU, "welfare", "recompute"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        wall = time.perf_counter() - started
        print(output.strip())
        # "(12.3 s)", or "(12.3 detik)" in Indonesian, the default language.
        seconds = float(re.search(r"\(([0-9.]+) \w+\)", output).group(1))
        with psycopg.connect(args.db_url, autocommit=True) as conn:
            scored, versions, low, high = conn.execute(
                "SELECT count(*), count(DISTINCT weight_set_id), min(score), max(score)"
                " FROM welfare_familyscore"
            ).fetchone()
            unscored = conn.execute(
                "SELECT count(*) FROM registry_family WHERE welfare_score IS NULL"
            ).fetchone()[0]
        print(
            f"baseline (bare UPDATE of every family's score): {base:.1f} s\n"
            f"recompute: {seconds:.1f} s inside the command, {wall:.1f} s wall "
            f"({seconds / base:.1f}× the baseline); {scored} scores of {versions} weight set(s), "
            f"from {low} to {high}; {unscored} families without a score"
        )
        ok = seconds <= TARGET_SECONDS and scored == families and unscored == 0
        print(f"{'PASS' if ok else 'FAIL'}: at most {TARGET_SECONDS:.0f} s, every family scored")
        print(f"welfare score {seconds:.1f} s for {families} families")
    finally:
        if not args.keep:
            drop_database(args.db_url)


def baseline(conn) -> float:
    """A bare UPDATE of every family's score to a constant expression of its row."""
    checkpoint_sql = "CHECKPOINT"
    conn.execute(checkpoint_sql)
    started = time.perf_counter()
    conn.execute("UPDATE registry_family SET welfare_score = (id % 100)::numeric(5, 2)")
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
