#!/usr/bin/env bash
# Every check of `make test`, in order; each runs even when an earlier one failed, and the summary
# at the end names the failures. Exits non-zero when anything failed.
#
#   CI=true                   PostgreSQL and the browser tests are required; chromium is installed
#                             with apt-get when missing (as root)
#   PADU_TEST_POSTGRES_URL    server for the PostgreSQL run (default postgres://postgres@127.0.0.1:5432/test);
#                             the test runner creates its own database on it (PADU_TEST_DB_NAME)
#   PADU_CHROMIUM             browser for the e2e tests (default /usr/bin/chromium)
#   PYTEST_ARGS               extra arguments for every pytest run, e.g. "-x"
#   PADU_TEST_WORKERS         pytest processes per run (default: one per CPU core; 0: one process)
set -uo pipefail
cd "$(dirname "$0")/.."

BIN="$(cd "${VENV:-.venv}" && pwd)/bin"
PG_URL="${PADU_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
CHROMIUM="${PADU_CHROMIUM:-/usr/bin/chromium}"
read -r -a EXTRA <<<"${PYTEST_ARGS:-}"
# One pytest process per core (pytest-xdist): each has its own test database, and the runs take
# about half the time of one process on two cores.
WORKERS="${PADU_TEST_WORKERS:-auto}"
if [ "$WORKERS" != "0" ]; then
    EXTRA=(-n "$WORKERS" "${EXTRA[@]}")
fi

in_ci() { [[ "${CI:-}" =~ ^(1|[Tt]rue|TRUE|[Yy]es)$ ]]; }
bold() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
warn() { printf '\n\033[1;33m!!! WARNING: %s\033[0m\n\n' "$*" >&2; }

declare -a RESULTS=()
FAILED=0
run() {  # run NAME COMMAND...: run a step, record its outcome and time
    local name=$1 start=$SECONDS rc
    shift
    bold "$name"
    "$@"
    rc=$?
    if [ "$rc" -eq 0 ]; then
        RESULTS+=("ok       $(printf '%4ss' $((SECONDS - start)))  $name")
    else
        RESULTS+=("FAILED   $(printf '%4ss' $((SECONDS - start)))  $name (exit $rc)")
        FAILED=1
    fi
}
skipped() { RESULTS+=("SKIPPED         $1"); }

pytest_run() {  # pytest_run [VAR=value ...] -- ARGS: "no tests collected" (exit 5) is no failure
    local rc envs=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
    shift
    env -u DATABASE_URL "${envs[@]}" "$BIN/pytest" "${EXTRA[@]}" "$@"
    rc=$?
    if [ "$rc" -eq 5 ]; then
        warn "pytest collected no tests ($*)"
        return 0
    fi
    return "$rc"
}

# Checks read the production settings (DEBUG off, HTTPS on) with a throw-away key and SQLite.
django_check() { env -u DATABASE_URL SECRET_KEY=check-only-not-a-secret "$BIN/padu" "$@"; }

postgres_up() {
    "$BIN/python" - "$PG_URL" <<'PY'
import sys
import psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception as exc:  # noqa: BLE001
    print(f"PostgreSQL at {sys.argv[1]} is not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
PY
}

install_chromium() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "installing chromium needs root: apt-get install -y chromium" >&2
        return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
}

run "ruff check" "$BIN/ruff" check src tests
run "lint-imports (layers)" "$BIN/lint-imports"
run "padu check" django_check check --fail-level WARNING
run "padu makemigrations --check" django_check makemigrations --check --dry-run
run "pytest on SQLite" pytest_run -- -m "not e2e"

if postgres_up; then
    run "pytest on PostgreSQL" pytest_run DATABASE_URL="$PG_URL" -- -m "not e2e"
elif in_ci; then
    RESULTS+=("FAILED          pytest on PostgreSQL (server not reachable; required when CI=true)")
    FAILED=1
else
    warn "PostgreSQL at $PG_URL is not reachable: the PostgreSQL tests are SKIPPED (required when CI=true)."
    skipped "pytest on PostgreSQL (server not reachable)"
fi

if [ ! -x "$CHROMIUM" ] && in_ci; then
    run "install chromium" install_chromium
fi
if [ -x "$CHROMIUM" ]; then
    run "browser tests (e2e)" pytest_run -- -m e2e tests/e2e
elif in_ci; then
    RESULTS+=("FAILED          browser tests (no chromium at $CHROMIUM; required when CI=true)")
    FAILED=1
else
    warn "No Chromium at $CHROMIUM: the browser tests are SKIPPED (apt-get install chromium)."
    skipped "browser tests (no chromium at $CHROMIUM)"
fi

bold "summary"
printf '  %s\n' "${RESULTS[@]}"
if [ "$FAILED" -ne 0 ]; then
    printf '\n\033[1;31mmake test: FAILED\033[0m\n'
    exit 1
fi
printf '\n\033[1;32mmake test: all passed\033[0m\n'
