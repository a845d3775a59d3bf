"""Search benchmark: NIK lookup, fuzzy name search and a filtered list page, through the views.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/padu_bench_search \\
        .venv/bin/python bench/search.py [--people 1000000] [--queries 300] [--explain]

Against a PostgreSQL database that holds the registry (e.g. the one the import benchmark loaded).
When it holds fewer than --people people, the script loads them: with `padu generate population` +
`padu import registry` when those commands exist (--loader padu), or else with a built-in generator
that COPYs synthetic families and people straight into the tables (--loader builtin).

Each request goes through the whole Django stack (middleware, view, template) with the test client,
as an operator (the whole city) and as a PSM (one kelurahan). Printed per case: p50/p95/p99 in ms,
and a baseline measured in the same run: the bare SQL of the same lookup, without Django.
Targets (issue #3): NIK p95 ≤ 20 ms, fuzzy name p95 ≤ 150 ms, filtered list p95 ≤ 300 ms.
Issue #11: how often the person sought is on the first page, by the misspelt name alone and with
a birth year, a kelurahan or both typed beside it (≥ 95 % with one of those), and at most how
often it could be (the people who share his name key and the rest, 25 or more, fill the page).

Without DATABASE_URL (SQLite, the demo's database; e.g. `--people 20000` in a fresh var/) the
same requests run against var/padu.sqlite3, loaded with `padu generate` + `padu import`; the
name baseline there is the bare lookup of people by their exact name key.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padu.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("PADU_HTTPS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("LOG_LEVEL", "ERROR")
# Plain static-file storage (no collectstatic manifest needed); DEBUG stays off (no query log).
os.environ.setdefault("PADU_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command, get_commands  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from padu.accounts.capabilities import Role  # noqa: E402
from padu.accounts.models import RegionScope, User  # noqa: E402
from padu.regions.models import Region  # noqa: E402
from padu.registry.models import Family, Person, PersonDisability  # noqa: E402
from padu.registry.names import name_key  # noqa: E402

TARGETS = {"nik": 20, "name": 150, "list": 300}


# --- loading ------------------------------------------------------------------------------------


def ensure_schema() -> None:
    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code="13.71").exists():
        from padu.regions.services import regions_load_file

        for name in ("00_provinsi.csv", "1371_kota_padang.csv"):
            regions_load_file(actor=None, path=settings.DATA_DIR / "wilayah" / name)


def load(people: int, loader: str, seed: int) -> None:
    have = Person.objects.unscoped().count()
    if have >= people:
        print(f"database holds {have:,} people; not loading")
        return
    if have:
        sys.exit(f"database holds {have:,} people, fewer than {people:,}: use an empty database")
    commands = get_commands()
    if loader == "padu" or (loader == "auto" and {"generate", "import"} <= commands.keys()):
        load_with_padu(people, seed)
    else:
        load_builtin(people, seed)


def settle() -> None:
    """Measure the steady state autovacuum reaches some minutes after a load or an import:
    planner statistics, and the visibility map that index-only scans rely on."""
    started = time.perf_counter()
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE registry_family")
        cursor.execute("VACUUM ANALYZE registry_person")
        cursor.execute("VACUUM ANALYZE registry_namekey")
    print(f"VACUUM ANALYZE of the registry tables: {time.perf_counter() - started:.1f} s")


def load_with_padu(people: int, seed: int) -> None:
    out = ROOT / "var" / f"bench-population-{people}.csv"
    started = time.perf_counter()
    if not out.exists():
        call_command(
            "generate",
            "population",
            "--people",
            str(people),
            "--out",
            str(out),
            "--seed",
            str(seed),
        )
    call_command("import", "registry", str(out))
    seconds = time.perf_counter() - started
    print(f"loaded {people:,} people with padu generate + import in {seconds:.0f} s")


def load_builtin(people: int, seed: int) -> None:
    """Synthetic families and people COPYed into the tables (set-based, a few seconds per 100k)."""
    import numpy as np
    import polars as pl
    from faker.providers.person.id_ID import Provider

    from padu.registry.names import name_key_expr

    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    villages = list(
        Region.objects.filter(code__startswith="13.71.", level="kelurahan").values_list(
            "code", flat=True
        )
    )
    # Families: sizes 1–8 averaging about 3.9, each in a kelurahan, with a desil (5 % none yet).
    sizes = rng.choice(
        np.arange(1, 9), size=int(people / 3.6), p=[0.08, 0.14, 0.2, 0.25, 0.17, 0.09, 0.05, 0.02]
    )
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), people) + 1]
    sizes[-1] -= sizes.sum() - people
    n_fam = len(sizes)
    fam_village = rng.integers(0, len(villages), n_fam)
    desil_p = np.array([3, 4, 5, 7, 9, 11, 13, 15, 16, 17], dtype=float)
    fam_desil = rng.choice(np.arange(1, 11), size=n_fam, p=desil_p / desil_p.sum()).astype(float)
    fam_desil[rng.random(n_fam) < 0.05] = np.nan
    prefixes = np.array([v.replace(".", "")[:6] for v in villages])

    fam = pl.DataFrame(
        {
            "id": np.arange(1, n_fam + 1),
            "region_id": np.array(villages)[fam_village],
            "prefix": prefixes[fam_village],
            "desil": fam_desil,
            "size": sizes,
        }
    ).with_columns(
        pl.col("desil").fill_nan(None).cast(pl.Int16),
        # KK: prefix, an issue date (DDMM20) and a serial; the date carries what the serial cannot.
        kk_number=pl.col("prefix")
        + ((pl.col("id") // 10000) % 28 + 1).cast(pl.String).str.zfill(2)
        + ((pl.col("id") // 280000) % 12 + 1).cast(pl.String).str.zfill(2)
        + pl.lit("20")
        + (pl.col("id") % 10000).cast(pl.String).str.zfill(4),
    )

    # People: the first member heads the family, the second is the spouse, the rest children.
    fam_of = np.repeat(np.arange(n_fam), sizes)
    rank = np.arange(people) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    relationship = np.where(rank == 0, 1, np.where(rank == 1, 2, 3))
    head_male = (rng.random(n_fam) < 0.85)[fam_of]
    male = np.where(rank == 0, head_male, np.where(rank == 1, ~head_male, rng.random(people) < 0.5))
    head_year = rng.integers(1945, 2000, n_fam)[fam_of]
    year = np.where(
        rank <= 1, head_year + rng.integers(-3, 4, people), head_year + rng.integers(20, 40, people)
    )
    year = np.minimum(year, 2024)
    birth = (
        ((year - 1970) * 365.25 + rng.integers(0, 365, people))
        .astype("int64")
        .astype("datetime64[D]")
    )

    first_m = np.array(
        (*Provider.first_names_male, "Muhammad", "M.", "Moh.", "Muhamad", "Yusuf", "Yusuff")
    )
    first_f = np.array((*Provider.first_names_female, "Nurul", "Nur", "Siti", "Sitti", "Nur'aini"))
    last = np.array((*Provider.last_names, "Syafi'i", "Ma'ruf", "Soekarno", "Hidayat", "Chairul"))
    given = np.where(
        male,
        first_m[rng.integers(0, len(first_m), people)],
        first_f[rng.integers(0, len(first_f), people)],
    )
    two = rng.random(people) < 0.45
    given = np.where(
        two, np.char.add(np.char.add(given, " "), last[rng.integers(0, len(last), people)]), given
    )
    names = np.char.add(np.char.add(given, " "), last[rng.integers(0, len(last), people)])

    disabled = rng.random(people) < 0.025
    kinds = rng.integers(0, 4, people)
    multiple = disabled & (rng.random(people) < 0.12)
    now = timezone.now()
    per = pl.DataFrame(
        {
            "id": np.arange(1, people + 1),
            "family_id": fam_of + 1,
            "region_id": fam["region_id"].to_numpy()[fam_of],
            "prefix": fam["prefix"].to_numpy()[fam_of],
            "name": names,
            "sex": np.where(male, "L", "P"),
            "birth_date": birth,
            "relationship": relationship,
        }
    ).with_columns(
        name_key=name_key_expr(pl.col("name")),
        nik_date=(
            (pl.col("birth_date").dt.day() + pl.when(pl.col("sex") == "P").then(40).otherwise(0))
            .cast(pl.String)
            .str.zfill(2)
            + pl.col("birth_date").dt.strftime("%m%y")
        ),
    )
    per = per.with_columns(
        nik=pl.col("prefix")
        + pl.col("nik_date")
        + (pl.col("id").cum_count().over("prefix", "nik_date")).cast(pl.String).str.zfill(4)
    )
    fam_cols = {
        "id": fam["id"],
        "kk_number": fam["kk_number"],
        "region_id": fam["region_id"],
        "desil": fam["desil"],
    }
    copy_rows(Family, pl.DataFrame(fam_cols), now)
    copy_rows(Person, per.drop("prefix", "nik_date"), now)
    # Their disability records (2.5 % of the people; 12 % of those physical and sensory).
    ids = np.arange(1, people + 1)
    types = np.array(["fisik", "intelektual", "mental", "sensorik"])
    one = disabled & ~multiple
    disabilities = pl.DataFrame(
        {
            "person_id": np.concatenate([ids[one], ids[multiple], ids[multiple]]),
            "type": np.concatenate(
                [
                    types[kinds[one]],
                    np.full(multiple.sum(), "fisik"),
                    np.full(multiple.sum(), "sensorik"),
                ]
            ),
        }
    ).with_columns(
        severity=pl.lit(""), assessed_on=pl.lit(now.date().isoformat()), source=pl.lit("impor")
    )
    disabilities = disabilities.unique(["person_id", "type"]).with_row_index("id", offset=1)
    copy_rows(PersonDisability, disabilities, now)
    with connection.cursor() as cursor:
        for table in ("registry_family", "registry_person", "registry_persondisability"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    seconds = time.perf_counter() - started
    print(
        f"loaded {n_fam:,} families and {people:,} people (built-in generator) in {seconds:.0f} s"
    )


def copy_rows(model, frame, now) -> None:
    """COPY a frame into the model's table; columns it lacks get the field's default."""
    import json

    import polars as pl

    extra = {}
    for field in model._meta.concrete_fields:
        if field.column in frame.columns or field.attname in frame.columns:
            continue
        if field.name in ("created_at", "updated_at"):
            extra[field.column] = pl.lit(now.isoformat())
        elif field.null:
            extra[field.column] = pl.lit(None, dtype=pl.String)
        else:
            default = field.get_default()
            if isinstance(default, list | dict):
                default = json.dumps(default)
            extra[field.column] = pl.lit(default)
    frame = frame.with_columns(**extra)
    columns = frame.columns
    data = frame.write_csv(include_header=False, quote_style="non_numeric", null_value="")
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        chunk = 8 << 20
        raw = data.encode()
        for i in range(0, len(raw), chunk):
            copy.write(raw[i : i + chunk])


# --- measuring ----------------------------------------------------------------------------------


def user(role: str, scope: str) -> User:
    found, _ = User.objects.get_or_create(username=f"bench-{role}", defaults={"role": role})
    RegionScope.objects.filter(user=found).exclude(region_id=scope).delete()
    RegionScope.objects.get_or_create(user=found, region_id=scope)
    return found


class HtmxClient:
    """What the page asks for when the search box changes: the results fragment only."""

    def __init__(self, client: Client):
        self.client = client

    def get(self, url):
        return self.client.get(url, headers={"HX-Request": "true"})


class ApiClient:
    def __init__(self, key: str):
        self.client, self.key = Client(), key

    def get(self, url):
        return self.client.get(url, headers={"Authorization": f"Bearer {self.key}"})


def api_client(who: User):
    """A client with a fresh API token of `who`, if the API and its tokens are there."""
    try:
        from padu.accounts.tokens import token_create
    except ImportError:
        return None
    _token, key = token_create(actor=who, name="bench/search.py", expires_in_days=1)
    return ApiClient(key)


def misspell(name: str, rng: random.Random) -> str:
    """One typo a clerk makes: a letter dropped, doubled, swapped, or a vowel changed."""
    letters = list(name)
    positions = [i for i, c in enumerate(letters) if c.isalpha()]
    if len(positions) < 4:
        return name
    i = rng.choice(positions[1:-1])
    kind = rng.choice(("drop", "double", "swap", "vowel"))
    if kind == "drop":
        del letters[i]
    elif kind == "double":
        letters.insert(i, letters[i])
    elif kind == "swap" and letters[i + 1].isalpha():
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    else:
        letters[i] = rng.choice([v for v in "aiueo" if v != letters[i].lower()])
    return "".join(letters)


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    qs = statistics.quantiles(samples, n=100, method="inclusive")
    return qs[49], qs[94], qs[98]


def run(label: str, client: Client | None, urls: list[str], target: str, check=None) -> list[float]:
    times = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{label}: {url} answered {response.status_code}")
        if check is not None:
            check(url, response)
    report(label, times, target)
    return times


def report(label: str, times: list[float], target: str | None) -> None:
    p50, p95, p99 = percentiles(times)
    goal = (
        f"  (target p95 ≤ {TARGETS[target]} ms: {'ok' if p95 <= TARGETS[target] else 'MISSED'})"
        if target
        else ""
    )
    print(f"{label:48} n={len(times):4}  p50 {p50:7.1f}  p95 {p95:7.1f}  p99 {p99:7.1f} ms{goal}")


def database() -> str:
    if connection.vendor == "postgresql":
        return f"PostgreSQL {connection.pg_version}"
    return f"{connection.display_name} {connection.Database.sqlite_version}"


def load_average() -> str:
    """The machine's load, printed with the numbers: on a shared 2-core machine the p95 and p99
    follow it more than they follow the code."""
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def sql_baseline(label: str, sql: str, params: list[list]) -> None:
    times = []
    with connection.cursor() as cursor:
        for p in params:
            started = time.perf_counter()
            cursor.execute(sql, p)
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    report(label, times, None)


# What staff type beside the misspelt name (registry.search_box), and the people who share the
# person's name key and that: when 25 or more do, no ranking can put him on the first page.
BESIDE = {
    "birth year": (lambda r: f" {r[5].year}", lambda r: {"birth_date__year": r[5].year}),
    "kelurahan": (lambda r: f" {r[6]}", lambda r: {"region_id": r[2]}),
    "birth year + kelurahan": (
        lambda r: f" {r[5].year} {r[6]}",
        lambda r: {"birth_date__year": r[5].year, "region_id": r[2]},
    ),
}


def first_page(client, people_url: str, typos, urls, recall, hits, missed) -> None:
    """How often the person sought is on the first page: by the misspelt name alone (the run
    above), and with a birth year, a kelurahan, or both typed beside it. The ceiling counts the
    queries whose person shares name key and the rest with fewer than 25 others. `missed`
    collects the queries that missed, for --misses."""
    rows = [r for _, r in typos]
    misspelt = {r[4]: t for t, r in typos}
    shown = 25

    def crowded(narrow) -> int:
        return sum(
            Person.objects.unscoped().filter(name_key=name_key(r[1]), **narrow(r)).count() > shown
            for r in rows
        )

    alone = hits[0]
    print(f"{'':48} {crowded(lambda r: {})} of them share the name key with more than {shown - 1}")
    for label, (typed, narrow) in BESIDE.items():
        hits[0] = 0
        missed.append(f"misspelt name + {label}")
        beside = urls(people_url, rows, lambda r, typed=typed: misspelt[r[4]] + typed(r))
        run(f"operator: misspelt name + {label}", client, beside, "name", recall)
        share = 100 * hits[0] / len(beside)
        print(
            f"{'':48} on page 1 for {hits[0]}/{len(beside)} ({share:.0f} %; name alone "
            f"{alone}; target ≥ 95 %); {crowded(narrow)} share name key and {label} with more "
            f"than {shown - 1}"
        )


def print_misses(who: User, missed: list, rows: dict) -> None:
    """Each query that missed the first page: where the person sought ranks (in the first 1,000),
    how many share his name key, and the names ranked first."""
    from urllib.parse import parse_qs, urlsplit

    from padu.registry.selectors import person_list

    for item in missed:
        if isinstance(item, str):
            print(f"\n--- missed the first page: {item}")
            continue
        query = parse_qs(urlsplit(item).query)["q"][0]
        row = rows[item]
        found = person_list(user=who, filters={"q": query}).values_list("id", "name", "relevance")
        found = list(found[:1000])
        rank = next((n for n, (pk, *_rest) in enumerate(found, 1) if pk == row[4]), None)
        same = Person.objects.unscoped().filter(name_key=name_key(row[1])).count()
        first = "; ".join(f"{name} {score:.4f}" for _pk, name, score in found[:3])
        print(
            f"{query!r} for {row[1]!r} (key {name_key(row[1])!r}, {same} people): "
            f"rank {rank or 'not found'} of {len(found)}; first: {first}"
        )


def explain(client_user: User, filters: dict) -> None:
    from padu.registry.selectors import list_count, person_list

    qs = person_list(user=client_user, filters=filters)
    for title, query in (("page", qs[:25]), ("count", qs.order_by())):
        print(f"\n--- EXPLAIN ANALYZE {title} {filters}")
        if title == "count":
            sql, params = query.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM ({sql}) c", params)
                print("\n".join(r[0] for r in cursor.fetchall()))
        else:
            print(query.explain(analyze=True, buffers=True))
    list_count(qs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--loader", choices=("auto", "padu", "builtin"), default="auto")
    parser.add_argument("--seed", type=int, default=20251122)
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the list queries"
    )
    parser.add_argument("--load-only", action="store_true", help="load the data and stop")
    parser.add_argument(
        "--sample",
        choices=("family", "drawn"),
        default="family",
        help="the people sought: the first --queries of 3× as many drawn at random, in the order "
        "of their family (the default, as earlier runs; it favours the people of the first "
        "families, whom a tie between namesakes ranks first by id) or in the order drawn",
    )
    parser.add_argument(
        "--misses",
        action="store_true",
        help="print each misspelt-name query that missed the first page: the rank of the person "
        "sought and the names ranked first",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql" and args.loader == "builtin":
        sys.exit("the built-in loader COPYs into PostgreSQL: set DATABASE_URL")

    ensure_schema()
    load(args.people, args.loader, args.seed)
    settle()
    if args.load_only:
        return
    total = Person.objects.unscoped().count()
    rng = random.Random(args.seed)
    operator = user(Role.OPERATOR, "13.71")
    drawn = [rng.randint(1, total) for _ in range(args.queries * 3)]
    sample = list(
        Person.objects.unscoped()
        .filter(id__in=drawn)
        .values_list(
            "nik", "name", "region_id", "family__kk_number", "id", "birth_date", "region__name"
        )
    )
    if args.sample == "drawn":
        by_id = {r[4]: r for r in sample}
        sample = [by_id[pk] for pk in dict.fromkeys(drawn) if pk in by_id]
    village = max({r[2] for r in sample}, key=lambda v: sum(1 for r in sample if r[2] == v))
    psm = user(Role.PSM, village)
    print(
        f"\n{total:,} people, {Family.objects.unscoped().count():,} families; "
        f"{database()}; name threshold {settings.PADU_NAME_SEARCH_THRESHOLD}"
        f"; PSM scope {village}; sample in {args.sample} order; {load_average()}\n"
    )

    people_url = reverse("registry:person_list")
    families_url = reverse("registry:family_list")
    clients = {}
    for who in (operator, psm):
        clients[who.role] = Client()
        clients[who.role].force_login(who)
        clients[who.role].get(people_url)  # warm-up: session, templates

    n = args.queries
    own = [r for r in sample if r[2] == village] or sample[:1]
    other = [r for r in sample if r[2] != village][:n]
    wanted: dict[str, int] = {}
    sought: dict[str, tuple] = {}  # url → the row of the person sought

    def link(pk: int) -> bytes:
        return f'href="{reverse("registry:person_detail", args=[pk])}"'.encode()

    def found(url, response):
        if link(wanted[url]) not in response.content:
            sys.exit(f"{url}: the person is not listed")

    def found_none(url, response):
        if link(wanted[url]) in response.content:
            sys.exit(f"{url}: a PSM found someone outside his kelurahan")

    def urls(base: str, rows, query=lambda r: r[0]) -> list[str]:
        out = []
        for r in rows:
            url = f"{base}?{urlencode({'q': query(r)})}"
            wanted[url] = r[4]
            sought[url] = r
            out.append(url)
        return out

    print("NIK / KK exact lookup")
    run("operator: person by NIK", clients["operator"], urls(people_url, sample[:n]), "nik", found)
    run(
        "operator: family by KK",
        clients["operator"],
        urls(families_url, sample[:n], lambda r: r[3]),
        "nik",
    )
    run("PSM: own kelurahan NIK", clients["psm"], urls(people_url, (own * n)[:n]), "nik", found)
    run(
        "PSM: NIK of another kelurahan (finds nobody)",
        clients["psm"],
        urls(people_url, other),
        "nik",
        found_none,
    )
    api = api_client(operator)
    if api is not None:
        run(
            "operator: person by NIK, API /api/v1/people",
            api,
            [f"/api/v1/people?{urlencode({'q': r[0]})}" for r in sample[:n]],
            "nik",
        )
    run(
        "operator: person by NIK, htmx results only",
        HtmxClient(clients["operator"]),
        urls(people_url, sample[:n]),
        "nik",
        found,
    )
    sql_baseline(
        "baseline: bare SQL by NIK",
        "SELECT * FROM registry_person WHERE nik = %s",
        [[r[0]] for r in sample[:n]],
    )

    print("\nFuzzy name search (one typo per name)")
    typos = [(misspell(r[1], rng), r) for r in sample[:n]]
    hits = [0]
    missed: list = ["misspelt name"]

    def recall(url, response):
        if link(wanted[url]) in response.content:
            hits[0] += 1
        else:
            missed.append(url)

    misspelt = {r[4]: t for t, r in typos}
    typo_urls = urls(people_url, [r for _, r in typos], lambda r: misspelt[r[4]])
    run("operator: misspelt name", clients["operator"], typo_urls, "name", recall)
    print(f"{'':48} the person is on page 1 for {hits[0]}/{len(typo_urls)} queries")
    first_page(clients["operator"], people_url, typos, urls, recall, hits, missed)
    run(
        "PSM: misspelt name",
        clients["psm"],
        [f"{people_url}?{urlencode({'q': t})}" for t, _ in typos],
        "name",
    )
    run(
        "operator: families by misspelt member name",
        clients["operator"],
        [f"{families_url}?{urlencode({'q': t})}" for t, _ in typos[: n // 2]],
        "name",
    )
    if connection.vendor != "postgresql":
        sql_baseline(
            "baseline: bare SQL, people of the exact key (top 25)",
            "SELECT id FROM registry_person WHERE name_key = %s ORDER BY name, id LIMIT 25",
            [[name_key(r[1])] for _, r in typos],
        )
    else:
        sql_baseline(
            "baseline: bare SQL, keys % then people (top 25)",
            # The view's two steps in one statement: the like keys first (as the view fetches them),
            # then their people by key.
            "WITH k AS MATERIALIZED (SELECT key, similarity(key, %s) AS s FROM registry_namekey "
            "WHERE key %% %s ORDER BY s DESC LIMIT 5000) SELECT p.id FROM k "
            "JOIN registry_person p ON p.name_key = k.key ORDER BY k.s DESC, p.name, p.id LIMIT 25",
            [[name_key(t), name_key(t)] for t, _ in typos],
        )

    print("\nFiltered list (kecamatan + desil + disability)")
    kecamatan = sorted(
        {
            v.rsplit(".", 1)[0]
            for v in Region.objects.filter(
                level="kelurahan", code__startswith="13.71."
            ).values_list("code", flat=True)
        }
    )
    combos = []
    for _ in range(n):
        filters = {
            "kecamatan": rng.choice(kecamatan),
            "desil": rng.choice(["1", "2", "1-4", "1-5", "none"]),
            "disability": rng.choice(["any", "fisik", "sensorik", "ganda"]),
        }
        combos.append(filters)
    run(
        "operator: people, page 1",
        clients["operator"],
        [f"{people_url}?{urlencode(f)}" for f in combos],
        "list",
    )
    # A deep page: page 5–25 of the same filters (past the last page, Django shows the last one).
    deep = [f"{people_url}?{urlencode({**f, 'page': rng.randint(5, 25)})}" for f in combos]
    run("operator: people, deep page", clients["operator"], deep, "list")
    # Harder: without the disability filter a kecamatan+desil list holds 5,000–30,000 people.
    deeper = [
        f"{people_url}?{urlencode({**f, 'disability': '', 'page': rng.randint(20, 200)})}"
        for f in combos
    ]
    run("operator: people kecamatan+desil, page 20–200", clients["operator"], deeper, "list")
    run(
        "operator: families, page 1",
        clients["operator"],
        [f"{families_url}?{urlencode(f)}" for f in combos],
        "list",
    )
    run(
        "operator: families kecamatan+desil, page 20–200",
        clients["operator"],
        [u.replace(people_url, families_url) for u in deeper],
        "list",
    )
    run(
        "operator: all people, no filter, page 1",
        clients["operator"],
        [people_url] * (n // 3),
        "list",
    )
    run(
        "operator: all people, no filter, page 500",
        clients["operator"],
        [f"{people_url}?page=500"] * (n // 3),
        "list",
    )
    run(
        "PSM: people, page 1",
        clients["psm"],
        [
            f"{people_url}?{urlencode({'desil': f['desil'], 'disability': f['disability']})}"
            for f in combos
        ],
        "list",
    )

    print(f"\n{load_average()}")
    if args.misses:
        print_misses(operator, missed, sought)
    if args.explain:
        explain(operator, {"kecamatan": kecamatan[0], "desil": "1-4", "disability": "any"})
        explain(operator, {})
        explain(operator, {"q": typos[0][0]})


if __name__ == "__main__":
    main()
