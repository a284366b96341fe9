# Two commands for a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes: one per core (2 on this project's machines; more only oversubscribes the browser tests'
# Chromium and fails the timing tests); 0 runs the suite in this process.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
# The 2021 report's text lives beside the repository, never in it; setup attaches it when it is there.
SOURCE_2021 ?= ../shared/source/wanzhou-police-2021-work-report.zh-Hant.txt

.PHONY: run test install setup serve cluster cluster-stop backup restore test-cluster

# The venv is rebuilt only when requirements.txt changes.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_report wanzhou_2021
	@if [ -f "$(SOURCE_2021)" ]; then $(PY) manage.py attach_source 2021 "$(SOURCE_2021)"; fi
	$(PY) manage.py setup_roles
	$(PY) manage.py ensure_local_admin
	-$(PY) manage.py render_charts

# Plain http on the loopback address: production settings otherwise (DEBUG off).
run: export DJANGO_HTTPS ?= 0
run: setup
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# render_charts (in setup and serve) draws each chart's SVG on the server with Chromium (kaleido); without
# Chromium it says so in one line and succeeds, and the pages draw their charts with plotly.js as before.
# A Chromium that fails or stops answering ends it with an error that does not stop the portal (the `-`).
# Production: gunicorn against DATABASE_URL with the settings from the environment (README "Deploy").
# `check --deploy` stops on any warning; DJANGO_SECURE_SSL_REDIRECT=0 passes only together with
# DJANGO_BEHIND_PROXY=1 (the proxy redirects http itself), as the README's table says.
serve: install
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_roles
	-$(PY) manage.py render_charts
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn --config wanzhou_police/gunicorn.conf.py

# Bytecode on: a shell with PYTHONDONTWRITEBYTECODE set would have each test process compile the project and
# pytest rewrite every test module's asserts again on every run (about 3 s of each process's 6 s collection);
# the caches land in __pycache__ folders, which git ignores.
test: install
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The portal past one machine, on loopback (docs/deploy.md "Several nodes"): PostgreSQL primary and
# replica of our own, Redis database 13, two gunicorn nodes, nginx; stops only what it started.
cluster: install
	$(PY) scripts/cluster.py up $(CLUSTER_ARGS)

cluster-stop:
	$(PY) scripts/cluster.py down

# pg_dump -Fc of the cluster's primary with a .sha256 beside it (var/backups/); restore checks the
# checksum and loads the newest dump (or DUMP=…) into a fresh database (RESTORE_DB, created here).
RESTORE_DB ?= wanzhou_restored
backup:
	$(PY) scripts/cluster.py backup

restore:
	$(PY) scripts/cluster.py restore --into $(RESTORE_DB) $(if $(DUMP),--dump $(DUMP))

# The tests on that shape (tests_cluster/README.md); `make test` never runs them.
test-cluster: install
	$(PY) -m pytest -s tests_cluster $(PYTEST_ARGS)
