# The two commands of the README: `make run` and `make test`. Both are safe to run again.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
# The first interpreter of 3.12 or newer: pyenv's choice (.python-version), then the usual names.
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  && { command -v $$p; break; }; done)

.PHONY: run test venv migrate seed icons lint imports format clean bench bench-integrity \
	messages compilemessages

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Python 3.12 or newer is needed and none was found on PATH."; \
	  echo "Install it (e.g. 'pyenv install 3.12' or 'apt-get install python3.12 python3.12-venv'),"; \
	  echo "or point to it: make run PYTHON=/path/to/python3.12"; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

# A local .env for development, written once from .env.example with DEBUG on, so plain
# `manage.py` commands (shell, createsuperuser, check) work too. An existing .env is never touched.
.env:
	@{ echo "# Written by 'make run' for local development; edit freely, it is never overwritten."; \
	  sed 's/^# DEBUG=false$$/DEBUG=true/' .env.example; } > .env
	@echo "Wrote .env for local development (DEBUG=true)."

migrate: venv .env
	DEBUG=true $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=true $(PY) manage.py load_library
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py seed_demo_history

# The home-screen icons from massage/icon_source.png; the PNGs are committed and a test checks
# that this draws exactly them, so it rewrites none unless the source or the drawing changed.
icons: venv .env
	DEBUG=true $(PY) manage.py make_icons

run: seed icons compilemessages
	@echo "Serving on http://127.0.0.1:8000 (Ctrl+C to stop)"
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

test: venv compilemessages
	$(VENV)/bin/pytest

# The translation catalogues (README, "Languages"). `make messages` gathers every marked string
# into locale/<lang>/LC_MESSAGES/django.po for each language in LANGUAGES but English, keeping
# what translators wrote; commit the .po files. `make compilemessages` builds the .mo files the
# site reads (not committed): `make run` and `make test` do it first. JavaScript has no catalogue
# of its own: its words come from the server with each page.
I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=build --ignore=staticfiles \
	--ignore=tests --ignore=bench
TRANSLATED = $$(DEBUG=true $(PY) manage.py shell -v 0 -c "from django.conf import settings; \
	print(' '.join('-l ' + code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE))")

messages: venv
	DEBUG=true $(PY) manage.py makemessages $(TRANSLATED) --no-obsolete $(I18N_IGNORE)

compilemessages: venv
	@command -v msgfmt >/dev/null || { echo "GNU gettext is needed to build the translations:" \
	  "apt-get install gettext (or brew install gettext)."; exit 1; }
	DEBUG=true $(PY) manage.py compilemessages $(I18N_IGNORE)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

imports: venv
	$(VENV)/bin/lint-imports --no-cache

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The bench's own tools (locust, the optional "bench" extra), on top of the development ones.
$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install --quiet ".[dev,bench]"
	@touch $(BENCH_STAMP)

# The load benchmark (docs/PERFORMANCE.md): seeds bench/.data/ once, serves the site with gunicorn
# and production settings on 127.0.0.1, drives each key request with wrk and prints the table,
# then the load-integrity run below. About 8 minutes (plus about 6 the first time, to seed);
# BENCH_DURATION=30 for longer runs.
bench: $(BENCH_STAMP)
	$(PY) bench/load.py
	$(MAKE) bench-integrity

# 50 parents at once for 60 s on SQLite, then on PostgreSQL (127.0.0.1:5432, a database of its
# own): no 5xx, and every cue the server acknowledged is stored exactly once.
# INTEGRITY_SECONDS=10 for a quick check, INTEGRITY_DATABASES=sqlite without PostgreSQL.
bench-integrity: $(BENCH_STAMP)
	$(PY) bench/integrity.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
