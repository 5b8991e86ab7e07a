#!/usr/bin/env bash
# The whole suite: lint, migrations in step with models, then pytest on SQLite and on a real
# PostgreSQL server started here (and stopped at the end). Fails on any failure, including
# "no tests ran".
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY=$VENV/bin/python
export RUMBO_DEBUG=1

# Browser tests drive Debian's chromium (never a downloaded browser).
if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || { echo "could not install chromium" >&2; exit 1; }
  else
    echo "chromium is missing; install Debian's chromium package (apt-get install chromium)" >&2
    exit 1
  fi
fi

status=0
step() { echo; echo "== $*"; }
run_pytest() {  # pytest exits 5 when it collected no test: that is a failure here.
  "$PY" -m pytest "$@"; local rc=$?
  if [[ $rc -eq 5 ]]; then echo "pytest ran no test" >&2; rc=1; fi
  return $rc
}

step "ruff"
"$VENV/bin/ruff" check . || status=1

step "bandit"
# Security lint of the shipped package (tests assert by design). A finding that is justified
# is marked on its line: `# nosec BXXX # why` (see docs/security.md, "Static analysis").
"$VENV/bin/bandit" -r rumbo -q -x '*/tests/*' || status=1

step "mypy (strict on rumbo.sd)"
# The whole package and its tests must be clean; the engine (rumbo/sd) is checked strictly.
"$VENV/bin/mypy" || status=1

step "migrations match the models"
"$PY" manage.py makemigrations --check --dry-run >/dev/null || { echo "missing migrations" >&2; status=1; }

step "pytest on SQLite"
DATABASE_URL="sqlite:///$(mktemp -d)/rumbo-test.sqlite3" run_pytest -q || status=1

step "pytest on PostgreSQL"
pgdir=$(mktemp -d /tmp/rumbo-pg.XXXXXX)
pgport=${RUMBO_TEST_PG_PORT:-$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
trap 'bash scripts/postgres.sh stop "$pgdir"' EXIT
if url=$(bash scripts/postgres.sh start "$pgdir" "$pgport"); then
  # The benchmark smoke run uses its own SQLite database: once (above) is enough.
  DATABASE_URL=$url run_pytest -q -m "not benchmark_smoke" || status=1
else
  echo "could not start PostgreSQL" >&2; status=1
fi

echo
if [[ $status -eq 0 ]]; then echo "make test: all passed on SQLite and PostgreSQL"; else echo "make test: FAILED" >&2; fi
exit $status
