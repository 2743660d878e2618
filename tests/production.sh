#!/usr/bin/env bash
# The production profile end to end (tests/production): the fixture starts the
# whole `make prod` profile itself on its own ports (PostgreSQL cluster, Redis,
# two Rasa replicas, two action servers, the web app, nginx) and stops it after.
# Nothing is started or changed globally here. Needs Debian's postgresql,
# redis-server and nginx packages (`make test` installs them; without them the tests fail).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/pytest -q tests/production "$@"
