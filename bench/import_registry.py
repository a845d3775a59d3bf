"""Import benchmark: `padu import registry` of generated populations against a bare COPY.

    .venv/bin/python bench/import_registry.py [--people 1000000] [--seed 1] \\
        [--db-url postgres://postgres@127.0.0.1:5432/padu_bench_import] [--keep]

Issue #3: importing 1,000,000 generated people (about 260,000 families) from CSV, validation
included, takes at most 3× the baseline and at most 45 s, with a peak memory of at most 1.5 GB.
Issue #10: an import over a registry that already holds people (the monthly case) succeeds and
stays within 3× the baseline of its own file too.

What it does, in one run on one fresh database (dropped and created again):
1. `padu generate population --people 2.5N --seed S` into var/bench/ (kept and reused for the same
   N and seed), cut along families into three files of about N people each (var/bench/cases-*):
   `registry` (the first N people), `other` (the next N: different people) and `mixed` (every
   second family of `registry`, each with a new address and income, so updated, followed by
   new families of N/2 people);
2. migrate, and load the region tree (src/padu/regions/data/wilayah/, as `padu demo` and the
   tests do);
3. for each case, a baseline first: COPY the case's CSV into an unindexed table of text columns
   (one per CSV column, plus an identity id standing in for the primary key), then build the
   indexes the registry tables have, read from the migrated database (`pg_indexes`) and moved
   onto the matching CSV columns; family indexes cover the head rows only (one row per KK, like
   registry_family). Timed from the start of the COPY to the end of the last index build; the
   table is dropped afterwards;
4. then `padu import registry FILE` in a subprocess: wall time, and peak memory (the child's
   peak RSS from wait4, and the peak of the whole process tree sampled every 0.1 s, in case the
   importer forks workers). The cases, in this order on the same database:
   a. `registry` into the empty registry;
   b. `registry` again: it must create and update nothing (idempotent re-import; no baseline);
   c. `other` into the registry holding `registry` (a different N people);
   d. `mixed` into the registry holding both: half updates, half new families;
5. families and people counted in the database, each import's own counts checked, and
   PASS/FAIL against the targets.
Each import's output is kept in var/bench/import-<case>.log; with LOG_LEVEL=DEBUG it holds the
time of every statement of the import's second pass (registry.importer.sql).

With --keep the database is left for `bench/search.py`:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/padu_bench_import \\
        .venv/bin/python bench/search.py
"""

import argparse
import concurrent.futures
import multiprocessing
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.sql import Identifier as ident

ROOT = Path(__file__).resolve().parent.parent
PADU = [sys.executable, "-m", "padu"]
BASELINE_TABLE = "bench_baseline_people"
TARGET_RATIO = 3.0
TARGET_SECONDS = 45.0
TARGET_PEAK_MB = 1.5 * 1024

# Registry columns → the CSV column (or SQL expression over CSV columns) that holds the same
# value. A registry column missing here has nothing in the CSV (created_by, household, status,
# last_import, ...): its index is left out of the baseline, or that column left out of a
# multi-column index, and the script says so.
PERSON_COLUMNS = {
    "id": "id",
    "nik": "nik",
    "name": "nama",
    "name_key": "nama",  # the search key is derived from the name; same length, same trigrams
    "region_id": "kode_wilayah",
    "family_id": "no_kk",
    "relationship": "hubungan_keluarga",
    "birth_date": "tanggal_lahir",
    "sex": "jenis_kelamin",
}
FAMILY_COLUMNS = {
    "id": "no_kk",
    "kk_number": "no_kk",
    "region_id": "kode_wilayah",
    "desil": "desil",
}
HEAD_ROWS = "hubungan_keluarga = '1'"
# (case, file, label), run in this order on one database.
CASES = (
    ("empty", "registry", "import into the empty registry"),
    ("again", "registry", "re-import of the same file"),
    ("filled", "other", "import of other people into the filled registry"),
    ("mixed", "mixed", "import of a file that half overlaps the registry"),
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db-url", default="postgres://postgres@127.0.0.1:5432/padu_bench_import")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--baseline-only", action="store_true", help="measure the baseline and stop"
    )
    parser.add_argument("--user", help="passed on as `padu import registry --user USERNAME`")
    parser.add_argument(
        "--timeout", type=float, default=600, help="kill an import after this many seconds"
    )
    args = parser.parse_args()

    env = bench_env(args.db_url)
    population = generate(args.people * 5 // 2, args.seed, env)
    # Cut in a process of its own: the population read whole would stay in this one's memory, and
    # each import, started from it, would inherit its peak (ru_maxrss counts the memory a child
    # had before it started the importer).
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        files, expect = pool.submit(case_files, population, args.people).result()
    recreate_database(args.db_url)
    try:
        prepare(env)
        if args.baseline_only:
            with psycopg.connect(args.db_url, autocommit=True) as conn:
                baseline(conn, files["registry"])
            return
        results = {}
        for case, file_key, label in CASES:
            base = None
            if file_key != "registry" or case == "empty":
                with psycopg.connect(args.db_url, autocommit=True) as conn:
                    base = baseline(conn, files[file_key])
            # Each import starts from a checkpoint, as the baseline does: neither pays for the
            # WAL the step before it left to flush.
            checkpoint(args.db_url)
            results[case] = run_import(files[file_key], env, args.user, args.timeout, label, case)
            results[case]["baseline"] = base
        with psycopg.connect(args.db_url, autocommit=True) as conn:
            families, people = conn.execute(
                "SELECT (SELECT count(*) FROM registry_family),"
                " (SELECT count(*) FROM registry_person)"
            ).fetchone()
            batches = batch_counts(conn)
        summary(expect, results, families, people, batches)
    finally:
        if not args.keep:
            drop_database(args.db_url)


# --- set-up ---------------------------------------------------------------------------------------


def checkpoint(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def generate(people: int, seed: int, env: dict) -> Path:
    out = ROOT / "var" / "bench" / f"population-{people}-seed{seed}.csv"
    if out.exists():
        print(f"reusing {out.relative_to(ROOT)} ({out.stat().st_size / 1e6:.0f} MB)")
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial.csv")
    started = time.perf_counter()
    subprocess.run(
        [
            *PADU,
            *("generate", "population", "--people", str(people), "--seed", str(seed)),
            *("--out", str(partial)),
        ],
        env=env,
        check=True,
    )
    partial.rename(out)  # only a complete file is ever reused
    print(
        f"generated {out.relative_to(ROOT)} ({out.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return out


def _families(frame):
    """The file's families in file order: (KK, number of rows), the rows of a KK being together."""
    import polars as pl

    return (
        frame.with_row_index("line")
        .group_by("no_kk", maintain_order=True)
        .agg(pl.len().alias("rows"), pl.col("line").min().alias("first"))
        .sort("first")
        .with_columns(pl.col("rows").cum_sum().alias("upto"))
    )


def case_files(population: Path, people: int) -> tuple[dict[str, Path], dict[str, int]]:
    """The three files of the cases (see the module's docstring), cut from `population` along
    families and kept next to it, and what the imports of them must do."""
    import polars as pl

    stem = population.with_suffix("").name
    paths = {
        key: population.with_name(f"cases-{stem}-{people}-{key}.csv")
        for key in ("registry", "other", "mixed")
    }
    frame = pl.read_csv(population, infer_schema=False)
    kks = _families(frame)
    registry = kks.filter(pl.col("upto") <= people)
    other = kks.filter((pl.col("upto") > people) & (pl.col("upto") <= 2 * people))
    new = kks.filter((pl.col("upto") > 2 * people) & (pl.col("upto") <= people * 5 // 2))
    updated = registry.gather_every(2)
    expect = {
        "people": int(registry["rows"].sum() + other["rows"].sum() + new["rows"].sum()),
        "updated_families": updated.height,
        "updated_people": int(updated["rows"].sum()),
        "new_families": new.height,
        "new_people": int(new["rows"].sum()),
    }
    if all(path.exists() for path in paths.values()):
        return paths, expect

    def rows_of(kk):
        return frame.filter(pl.col("no_kk").is_in(kk["no_kk"].implode()))

    changed = rows_of(updated).with_columns(
        # A new address on the family's row (the head's) and a new place of birth for everyone
        # (a column every row fills): each family and each person of them is updated.
        pl.when(pl.col("alamat").fill_null("") != "")
        .then(pl.col("alamat") + " (pindah)")
        .otherwise(pl.col("alamat"))
        .alias("alamat"),
        (pl.col("tempat_lahir") + " Lama").alias("tempat_lahir"),
    )
    parts = {
        "registry": rows_of(registry),
        "other": rows_of(other),
        "mixed": pl.concat([changed, rows_of(new)]),
    }
    for key, part in parts.items():
        partial = paths[key].with_suffix(".partial.csv")
        part.write_csv(partial)
        partial.rename(paths[key])
        print(f"case file {paths[key].relative_to(ROOT)}: {part.height:,} rows")
    return paths, expect


def _server_url(db_url: str) -> tuple[str, str]:
    """The URL of the server's maintenance database, and the name of the benchmark database."""
    parts = urlsplit(db_url)
    name = parts.path.lstrip("/")
    if not name or name in ("postgres", "template0", "template1"):
        sys.exit(f"{db_url}: name a database of its own; it is dropped and created again")
    return urlunsplit(parts._replace(path="/postgres")), name


def bench_env(db_url: str) -> dict:
    """The environment of the `padu` commands a benchmark runs against `db_url`."""
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "PYTHONPATH": str(ROOT / "src"),
    }


def populated(args, env: dict, *, emptied: tuple[str, ...] = ()) -> None:
    """The database `args.db_url` holding the generated population of `args.people` and
    `args.seed`: a kept one reused with `args.reuse` (the apps in `emptied` migrated to zero
    first, so that the benchmark starts from none of their rows), else created and imported."""
    if args.reuse and imported(args.db_url):
        for target in (*([app, "zero"] for app in emptied), []):
            subprocess.run([*PADU, "migrate", *target, "--verbosity", "0"], env=env, check=True)
        print(
            "reusing the imported population"
            + ("; emptied: " + ", ".join(emptied) if emptied else "")
        )
        return
    population = generate(args.people, args.seed, env)
    recreate_database(args.db_url)
    prepare(env)
    started = time.perf_counter()
    subprocess.run([*PADU, "import", "registry", str(population)], env=env, check=True)
    print(f"imported in {time.perf_counter() - started:.1f} s")


def imported(db_url: str) -> bool:
    """Whether the database holds an imported population (a kept one, `--reuse`)."""
    try:
        with psycopg.connect(db_url, autocommit=True) as conn:
            return conn.execute("SELECT EXISTS (SELECT 1 FROM registry_person)").fetchone()[0]
    except psycopg.Error:
        return False


def recreate_database(db_url: str) -> None:
    server, name = _server_url(db_url)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(ident(name)))
    print(f"created database {name}")


def drop_database(db_url: str, note: str = " (--keep keeps it)") -> None:
    server, name = _server_url(db_url)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    print(f"dropped database {name}{note}")


def prepare(env: dict) -> None:
    """Migrate and load the region tree, in a child process (this one never loads Django)."""
    started = time.perf_counter()
    subprocess.run([*PADU, "migrate", "--verbosity", "0"], env=env, check=True)
    load = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from padu.regions.services import regions_load_file\n"
        "for name in ('00_provinsi.csv', '1371_kota_padang.csv'):\n"
        "    report = regions_load_file(actor=None, path=settings.DATA_DIR / 'wilayah' / name)\n"
        "    assert report.ok, report.errors[:3]\n"
    )
    subprocess.run(
        [sys.executable, "-c", load],
        env={**env, "DJANGO_SETTINGS_MODULE": "padu.settings"},
        check=True,
    )
    print(f"migrated and loaded the regions in {time.perf_counter() - started:.1f} s")


# --- baseline -------------------------------------------------------------------------------------


def registry_indexes(conn) -> list[tuple[str, str, str]]:
    """(table, index name, CREATE INDEX statement) of every index of the two registry tables."""
    return conn.execute(
        "SELECT tablename, indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = current_schema()"
        " AND tablename IN ('registry_person', 'registry_family') "
        "ORDER BY tablename DESC, indexname"
    ).fetchall()


def baseline_index(table: str, name: str, indexdef: str) -> tuple[str | None, str]:
    """The registry index moved onto the baseline table: (statement or None, what was done)."""
    columns = PERSON_COLUMNS if table == "registry_person" else FAMILY_COLUMNS
    match = re.fullmatch(
        r"CREATE (UNIQUE )?INDEX \S+ ON \S+ USING (\w+) \((.*?)\)"
        r"(?: INCLUDE \((.*?)\))?(?: WHERE \((.*)\))?",
        indexdef,
    )
    if match is None:
        return None, f"skipped: cannot read {indexdef!r}"
    unique, method, keys, included, where = match.groups()
    moved, missing = [], []
    for key in keys.split(", "):
        column, *opclass = key.split(" ")
        if column not in columns:
            missing.append(column)
            continue
        if opclass == ["varchar_pattern_ops"]:
            opclass = ["text_pattern_ops"]  # the baseline columns are text
        moved.append(" ".join([columns[column], *opclass]))
    include = []
    for column in included.split(", ") if included else []:
        if column in columns:
            include.append(columns[column])
        else:
            missing.append(column)
    if not moved:
        return None, f"skipped: no CSV column for {', '.join(missing)}"
    conditions = []
    if where:
        for column in re.findall(r"\b[a-z_]+\b", where):
            if column not in columns and column not in ("or", "and", "not", "true", "false"):
                return None, f"skipped: no CSV column for {column} in its condition"
        conditions.append(
            "(" + re.sub(r"\b[a-z_]+\b", lambda m: columns.get(m[0], m[0]), where) + ")"
        )
    if table == "registry_family":
        conditions.append(HEAD_ROWS)
    statement = (
        f"CREATE {unique or ''}INDEX bench_{name} ON {BASELINE_TABLE} USING {method} "
        f"({', '.join(moved)})"
    )
    if include:
        statement += f" INCLUDE ({', '.join(dict.fromkeys(include))})"
    if conditions:
        statement += " WHERE " + " AND ".join(conditions)
    note = f"without {', '.join(missing)}" if missing else ""
    return statement, note


def baseline(conn, csv_path: Path) -> float:
    with csv_path.open(encoding="utf-8-sig") as f:
        header = f.readline().strip().split(",")
    statements = []
    print("\nbaseline indexes (registry index → baseline index):")
    for table, name, indexdef in registry_indexes(conn):
        statement, note = baseline_index(table, name, indexdef)
        if statement:
            statements.append(statement)
            kind = "unique " if statement.startswith("CREATE UNIQUE") else ""
            print(f"  {table}.{name}: {kind}{statement.split(' USING ', 1)[1]} {note}".rstrip())
        else:
            print(f"  {table}.{name}: {note}")

    conn.execute(f"DROP TABLE IF EXISTS {BASELINE_TABLE}")
    columns = ", ".join(f"{c} text" for c in header)
    conn.execute(
        f"CREATE TABLE {BASELINE_TABLE} (id bigint GENERATED ALWAYS AS IDENTITY, {columns})"
    )
    conn.execute("CHECKPOINT")
    started = time.perf_counter()
    copy_sql = (
        f"COPY {BASELINE_TABLE} ({', '.join(header)}) FROM STDIN WITH (FORMAT csv, HEADER true)"
    )
    with conn.cursor() as cursor, cursor.copy(copy_sql) as copy, csv_path.open("rb") as f:
        while block := f.read(1 << 20):
            copy.write(block)
    copied = time.perf_counter() - started
    built = []
    for statement in statements:
        index_started = time.perf_counter()
        conn.execute(statement)
        built.append((time.perf_counter() - index_started, statement.split(" ON ", 1)[0]))
    total = time.perf_counter() - started
    rows = conn.execute(f"SELECT count(*) FROM {BASELINE_TABLE}").fetchone()[0]
    print("\nslowest baseline index builds:")
    for seconds, what in sorted(built, reverse=True)[:5]:
        print(f"  {seconds:5.1f} s  {what}")
    print(
        f"baseline: COPY {rows:,} rows {copied:.1f} s + {len(statements)} indexes "
        f"{total - copied:.1f} s = {total:.1f} s"
    )
    conn.execute(f"DROP TABLE {BASELINE_TABLE}")
    conn.execute("CHECKPOINT")
    return total


# --- the import -----------------------------------------------------------------------------------


def _tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, in kB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGESIZE") // 1024
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def run_import(
    csv_path: Path, env: dict, user: str | None, timeout: float, label: str, case: str
) -> dict:
    command = [*PADU, "import", "registry", str(csv_path)]
    if user:
        command += ["--user", user]
    print(f"\n{label}: {' '.join(command[2:])}")
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    peak_tree = [0]
    done = threading.Event()

    def sample():
        while not done.wait(0.1):
            peak_tree[0] = max(peak_tree[0], _tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # A pathological import (a quadratic statement) should end the run with a verdict, not hang it.
    killer = threading.Timer(timeout, process.kill)
    killer.start()
    output = process.stdout.read()
    # wait4 rather than wait: it hands back the resource usage of this child alone.
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    killer.cancel()
    done.set()
    sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    log = ROOT / "var" / "bench" / f"import-{case}.log"
    log.write_text(output, encoding="utf-8")
    lines = [line for line in output.rstrip().splitlines() if " s  " not in line[:12]]
    print("\n".join(f"  | {line}" for line in lines[-15:]))
    print(f"  (whole output: {log.relative_to(ROOT)})")
    if seconds >= timeout:
        sys.exit(f"FAIL  {label}: killed after {timeout:.0f} s (--timeout)")
    if process.returncode != 0:
        sys.exit(f"FAIL  {label}: `padu import registry` exited with {process.returncode}")
    peak_mb = max(usage.ru_maxrss, peak_tree[0]) / 1024
    print(
        f"  {seconds:.1f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MB (process), "
        f"{peak_tree[0] / 1024:.0f} MB (process tree, sampled)"
    )
    return {"seconds": seconds, "peak_mb": peak_mb}


def batch_counts(conn) -> list[tuple]:
    """What each import recorded about itself (registry_importbatch), oldest first."""
    return conn.execute(
        "SELECT status, total_rows, error_rows, families_created, families_updated, "
        "people_created, people_updated, unchanged_rows FROM registry_importbatch ORDER BY id"
    ).fetchall()


# --- the report -----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def summary(expect, results, families, people, batches) -> None:
    print("\n=== import benchmark ===")
    print(f"{'':<50} {'baseline':>9} {'import':>9} {'ratio':>6} {'rows/s':>9}  peak")
    checks = []
    for (case, _file, label), batch in zip(CASES, batches, strict=True):
        result, rows = results[case], batch[1]
        base = result["baseline"]
        ratio = result["seconds"] / base if base else None
        print(
            f"{label:<50} {f'{base:.1f} s' if base else '':>9} {result['seconds']:7.1f} s "
            f"{f'{ratio:.2f}×' if ratio else '':>6} {rows / result['seconds']:9,.0f}  "
            f"{result['peak_mb']:.0f} MB"
        )
        if ratio is not None:
            checks.append(
                (f"{label} ≤ {TARGET_RATIO:.0f}× baseline ({ratio:.2f}×)", ratio <= TARGET_RATIO)
            )
    print(f"in the database: {families:,} families, {people:,} people")
    for (_case, _file, label), batch in zip(CASES, batches, strict=True):
        status, total, errors, fc, fu, pc, pu, unchanged = batch
        print(
            f"{label}: {status}, {total:,} rows, {errors:,} errors; families "
            f"{fc:,} created {fu:,} updated; people {pc:,} created {pu:,} updated; "
            f"{unchanged:,} unchanged"
        )
    first = results["empty"]["seconds"]
    peak = max(result["peak_mb"] for result in results.values())
    mixed = batches[-1]
    checks += [
        (f"import into the empty registry ≤ {TARGET_SECONDS:.0f} s ({first:.1f} s)", first <= 45),
        (f"peak memory ≤ {TARGET_PEAK_MB:.0f} MB ({peak:.0f} MB)", peak <= TARGET_PEAK_MB),
        (
            f"all {expect['people']:,} people of the files in the registry ({people:,})",
            people == expect["people"],
        ),
        ("every import done without errors", all(b[0] == "done" and not b[2] for b in batches)),
        ("re-import created and updated nothing", not any(batches[1][3:7])),
        (
            f"the half-overlapping file updated {expect['updated_families']:,} families and "
            f"{expect['updated_people']:,} people, created {expect['new_families']:,} and "
            f"{expect['new_people']:,}",
            mixed[3:7]
            == (
                expect["new_families"],
                expect["updated_families"],
                expect["new_people"],
                expect["updated_people"],
            ),
        ),
    ]
    for text, ok in checks:
        print(f"{verdict(ok)}  {text}")


if __name__ == "__main__":
    main()
