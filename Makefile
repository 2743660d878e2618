# Werkmaatje: `make run` starts everything, `make test` runs every test tier.
# Every target does the set-up it needs, idempotently.

SHELL := /bin/bash
PYTHON310 ?= $(firstword $(shell command -v python3.10 2>/dev/null && python3.10 -V >/dev/null 2>&1 && echo python3.10) $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python3.10) $(wildcard /usr/bin/python3.10))
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/werkmaatje.tar.gz
SPACY_NL := build/spacy_nl/meta.json
PO := $(wildcard locales/*/LC_MESSAGES/messages.po locales/*/LC_MESSAGES/dashboard.po)
MO := $(PO:.po=.mo)
MEDIA := build/media/exercises/.built
TRAINING := config.yml $(wildcard domain/*.yml) $(wildcard data/nlu/*.yml data/nlu/review/*.yml data/rules/*.yml data/stories/*.yml)

export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: setup media run prod shell telegram-poll retention test lint audit audit-lock unit train core-test nlu-test e2e test-security test-postgres test-production nlu-report lock locales db clean

setup: system-run $(VENV)/.installed $(SPACY_NL) $(MO) $(MEDIA) db $(MODEL)

# Debian packages: installed when missing (as root), else one command to run (tools/).
.PHONY: system-run system-test
system-run:
	@bash tools/debian-packages.sh run
system-test:
	@bash tools/debian-packages.sh test

$(VENV)/.installed: requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is needed (rasa 3.6 does not run on 3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv pip sync --python $(PY) requirements.lock
	$(VENV)/bin/uv pip install --python $(PY) --no-deps -e .
	touch $@

$(SPACY_NL): $(VENV)/.installed bot/nlp/build.py
	$(PY) -m bot.nlp.build build/spacy_nl

# The exercises' mock-up screens, drawn from their YAML (bot/exercises/images.py).
$(MEDIA): $(VENV)/.installed $(wildcard data/content/exercises/*.yml) data/content/digcomp.yml bot/exercises/images.py
	$(PY) -m bot.exercises.images build/media/exercises
	touch $@

media: $(MEDIA)

# One rule per domain: the bot's texts (messages) and the coach dashboard's (dashboard).
locales/%.mo: locales/%.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -D $(basename $(notdir $<)) -i $< -o $@

locales: $(VENV)/.installed  ## re-extract texts from the code and update the catalogues
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location -o locales/messages.pot bot actions
	$(VENV)/bin/pybabel update -D messages -i locales/messages.pot -d locales --no-fuzzy-matching
	$(VENV)/bin/pybabel extract -F babel_dashboard.cfg -k d_ --no-location --sort-output -o locales/dashboard.pot bot/coach
	$(VENV)/bin/pybabel update -D dashboard -i locales/dashboard.pot -d locales -l en --no-fuzzy-matching
	$(VENV)/bin/pybabel update -D dashboard -i locales/dashboard.pot -d locales -l nl_NL --no-fuzzy-matching

db: $(VENV)/.installed
	$(VENV)/bin/alembic upgrade head

# One TensorFlow thread: with the seeds in config.yml the same data gives the same model on
# every machine with the same CPU, so CI plays the conversations against the model tested here
# (several threads add floats in a different order each run).
$(MODEL): $(TRAINING) $(SPACY_NL)
	TF_INTER_OP_PARALLELISM_THREADS=1 TF_INTRA_OP_PARALLELISM_THREADS=1 \
	  $(RASA) train --domain domain --data data --fixed-model-name werkmaatje --out models

train: $(MODEL)

run: setup
	$(PY) -m bot.cli run

shell: setup
	$(PY) -m bot.cli shell

prod: setup  ## production profile on loopback: PostgreSQL, Redis, 2 Rasa, 2 action servers, nginx (docs/deployment.md)
	$(PY) -m bot.cli prod

telegram-poll: setup  ## try a real Telegram bot without a public URL (needs TELEGRAM_TOKEN and `make run`)
	$(PY) -m bot.cli telegram poll

retention: $(VENV)/.installed db  ## delete old conversation events and escalation texts, keep counts (ARGS=--dry-run)
	$(PY) -m bot.cli retention $(ARGS)

lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile requirements.in --python-version 3.10 --generate-hashes -o requirements.lock

# Supply chain (docs/security.md): pip-audit checks every version in requirements.lock against
# the advisories on PyPI. It lives in a venv of its own (build/audit-venv, from the hashed
# security/pip-audit.lock): in .venv its dependencies would clash with Rasa's pins. An advisory
# we cannot fix is accepted for one version, with a reason, in security/accepted-advisories.txt
# and explained in docs/security.md; any other fails. If PyPI's JSON API cannot be reached (as on
# this project's build machines) the audit says loudly that it did not happen and `make test`
# goes on; AUDIT_UNREACHABLE=fail makes that a failure, for CI that can reach the API.
AUDIT_VENV := build/audit-venv
AUDIT_UNREACHABLE ?= warn

$(AUDIT_VENV)/.installed: security/pip-audit.lock $(VENV)/.installed
	$(VENV)/bin/uv venv --quiet --allow-existing --python $(PY) $(AUDIT_VENV)
	$(VENV)/bin/uv pip sync --quiet --python $(AUDIT_VENV)/bin/python --require-hashes security/pip-audit.lock
	touch $@

audit: $(AUDIT_VENV)/.installed
	$(PY) -m security.audit --pip-audit $(AUDIT_VENV)/bin/pip-audit --unreachable $(AUDIT_UNREACHABLE)

audit-lock: $(VENV)/.installed  ## re-resolve security/pip-audit.in (the auditor's own pins, with hashes)
	$(VENV)/bin/uv pip compile security/pip-audit.in --python-version 3.10 --generate-hashes -o security/pip-audit.lock

# Test tiers, cheapest first: a failing fast check stops the run early.
# `unit` includes `rasa data validate` (tests/unit/test_data_validate.py) and needs no model.
# `audit` needs PyPI's JSON API (docs/security.md#supply-chain-audit).
# Training uses one core (one TensorFlow thread, for a model the same on every machine):
# the checks that need no model run beside it on the second core, each one's output
# printed in one piece when it ends (-Otarget). The tiers with servers then run one by
# one: two at once would share two cores between four servers and their timeouts.
FAST_CHECKS := lint audit unit
SERVER_TIERS := core-test e2e test-security test-postgres test-reliability test-production test-scaleout nlu-test

test: system-test
	$(MAKE) --no-print-directory -j2 -Otarget $(FAST_CHECKS) train
	$(MAKE) --no-print-directory $(SERVER_TIERS)

# Style (ruff), types (mypy; strict for the feature packages) and layers that point one
# way (import-linter); the settings of each are in pyproject.toml.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check bot actions tests bench security
	$(VENV)/bin/ruff format --check bot actions tests bench security
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

unit: $(VENV)/.installed $(SPACY_NL) $(MO)
	$(VENV)/bin/pytest -q tests/unit

core-test: setup
	$(RASA) test core --model $(MODEL) --stories tests/conversations --fail-on-prediction-errors --out var/results/core

# Two pytest-xdist workers, each with its own servers, database and ports (tests/conftest.py):
# one Rasa server keeps about one core busy, so two use both. E2E_WORKERS=1 runs one stack.
E2E_WORKERS ?= 2
e2e: setup
	$(VENV)/bin/pytest -q -n $(E2E_WORKERS) --dist loadgroup --durations=15 tests/integration

# OWASP ASVS L2 checks against the real servers and the web app (docs/security.md).
test-security: setup
	$(VENV)/bin/pytest -q tests/security

# Reliability (tests/reliability): 200 conversations at once, Telegram re-delivery, a
# killed action server, fuzzing; own ports 35005/35055/38080/38081. Short for CI.
.PHONY: reliability test-reliability
test-reliability: setup
	$(VENV)/bin/pytest -q tests/reliability

reliability: setup  ## the long version: minutes of load, 10,000 fuzz inputs
	RELIABILITY_FULL=1 $(VENV)/bin/pytest -q tests/reliability

test-postgres: setup  ## the privacy proofs (tests marked `postgres`) again on Debian's PostgreSQL
	bash tests/postgres.sh

test-production: setup  ## the production profile end to end (Debian's PostgreSQL, Redis, nginx)
	bash tests/production.sh

.PHONY: test-scaleout
test-scaleout: setup  ## Telegram order across two Rasa replicas sharing Redis and one database (needs redis-server)
	$(VENV)/bin/pytest -q tests/scaleout

nlu-test: setup  ## two workers: the held-out scores and the out-of-domain share side by side
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup tests/nlu

nlu-cv: setup  ## the 5-fold cross-validation gate (5 trainings; not part of make test)
	$(VENV)/bin/pytest -q tests/nlu_cv

nlu-report: setup  ## held-out and 5-fold cross-validation figures; reports in var/results/nlu
	$(PY) -m bot.nlp.evaluate

clean:
	rm -rf $(VENV) build models var/results

# Performance (docs/performance.md): Werkmaatje, the production profile and the stock
# `rasa init` bot under the same load; a table and var/bench/*.json. About 20 minutes.
.PHONY: bench
bench: setup  ## ARGS="--no-train --seconds 10" for a quicker run; INFERENCE_CACHE_MB=0 to measure without the cache
	$(PY) -m bench $(ARGS)
