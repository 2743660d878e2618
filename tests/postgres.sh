#!/usr/bin/env bash
# Run the tests marked `postgres` against Debian's PostgreSQL on loopback.
# Starts the local cluster (installed by .ci/run) and creates a login role for
# the tests; each run then works in a fresh database of its own (tests/conftest.py).
# Set TEST_DATABASE_URL to use another server instead.
set -euo pipefail
cd "$(dirname "$0")/.."

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sudo -u postgres sh -c "$1"; fi
}

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_createcluster "$version" main >/dev/null
  fi
  cluster=$(pg_lsclusters -h | awk -v v="$version" '$1 == v {print $2; exit}')
  port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v {print $3; exit}')
  pg_ctlcluster "$version" "$cluster" status >/dev/null 2>&1 || pg_ctlcluster "$version" "$cluster" start
  as_postgres "psql -qtAc \"select 1 from pg_roles where rolname = 'werkmaatje_test'\"" | grep -q 1 ||
    as_postgres "psql -qc \"create role werkmaatje_test login createdb password 'werkmaatje_test'\""
  export TEST_DATABASE_URL="postgresql://werkmaatje_test:werkmaatje_test@127.0.0.1:${port}/postgres"
fi
echo "PostgreSQL tests on ${TEST_DATABASE_URL%%:*}://…@${TEST_DATABASE_URL##*@}"
if [ $# -eq 0 ]; then set -- tests/unit tests/integration; fi
exec .venv/bin/pytest -q -m postgres "$@"
