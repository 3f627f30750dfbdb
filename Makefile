# Masar: `make run` and `make test` are all the set-up a fresh machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MASAR := $(VENV)/bin/masar
STAMP := $(VENV)/.installed
# Every dependency, direct and transitive, pinned with hashes (ADR 0097); `make lock` and
# `make upgrade` refresh it.
LOCK := requirements/dev.lock
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --universal --generate-hashes --python-version 3.12

# The first Python 3.12+ found: on PATH, then under pyenv.
PYTHON_BIN ?= $(shell for c in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: help venv install print-python system-check run test test-fast test-postgres lint format typecheck openapi openapi-check messages bench bench-quick bench-season-day lock upgrade clean

help:
	@echo "make run    - install, migrate, load the demo season, serve on http://127.0.0.1:8000"
	@echo "make test   - the whole test suite (SQLite; PostgreSQL with DATABASE_URL=postgres://...)"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - the benchmarks (full size; BENCH_ARGS=--quick for small)"
	@echo "make bench-season-day - the season rehearsal: a full peak day with faults (BENCH_ARGS=--quick)"
	@echo "make lock   - re-pin the lock files after a change to pyproject.toml (make upgrade: newest releases)"
	@echo "make openapi - regenerate docs/openapi.json (refuses unrecorded breaking changes)"
	@echo "make messages - regenerate and compile every translation catalogue (project and apps)"

# The venv is made anew whenever the lock or pyproject.toml changes, and holds exactly the
# lock: pinned, hash-checked, no resolver at install time.
$(STAMP): pyproject.toml $(LOCK)
	@if [ -z "$(PYTHON_BIN)" ]; then echo "Masar needs Python 3.12 or newer (none found on PATH or under ~/.pyenv)." >&2; exit 1; fi
	@echo "Using $(PYTHON_BIN) ($$($(PYTHON_BIN) --version)); installing from $(LOCK)"
	@rm -rf $(VENV)
	$(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

venv install: $(STAMP)

print-python:
	@echo $(PYTHON_BIN)

# What Masar needs from the operating system (src/masar/core/system_check.py): one line naming
# the Debian packages to install when something is missing. Standard library only.
system-check:
	@if [ -z "$(PYTHON_BIN)" ]; then echo "Masar needs Python 3.12 or newer (none found on PATH or under ~/.pyenv)." >&2; exit 1; fi
	@PYTHONPATH=src $(PYTHON_BIN) -m masar.core.system_check

run: system-check $(STAMP)
	$(MASAR) migrate --no-input
	$(MASAR) demo-seed --if-empty
	@echo ""
	@echo "Masar is serving on http://127.0.0.1:8000 (sign in with a demo login above; Ctrl+C stops)."
	@echo "A background worker (masar worker) and the scheduler (masar tick) run beside it."
	@$(MASAR) worker --no-reload --verbosity 0 & worker=$$!; \
	$(MASAR) tick --every 60 >/dev/null & tick=$$!; \
	trap 'kill $$worker $$tick 2>/dev/null' EXIT INT TERM; \
	$(MASAR) runserver 127.0.0.1:8000

test: system-check $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-fast: system-check $(STAMP)
	$(PY) -m pytest -n 2 -m "not browser and not slow" $(PYTEST_ARGS)

test-postgres: system-check $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/masar} $(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix src tests benchmarks
	$(VENV)/bin/ruff format src tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# The committed API contract (docs/api-changelog.md says when a breaking change may land).
openapi: $(STAMP)
	$(MASAR) openapi --write

# Every catalogue (src/masar/locale and each app's locale) from the marked strings, then
# the .mo files: masar/core/catalogues.py says which keywords and roots.
messages: $(STAMP)
	$(MASAR) messages

openapi-check: $(STAMP)
	$(MASAR) openapi --check $(if $(BASE_REF),--base-ref $(BASE_REF))

# The season rehearsal (benchmarks/season_day.py) runs a whole peak day on a PostgreSQL
# cluster of its own: `make bench-quick` runs its --quick day; the full day (150,000
# applications, a million watchlist names: tens of minutes) only by `make bench-season-day`.
bench: $(STAMP)
	@for b in benchmarks/*.py; do case $$b in */_*|*/season_day.py) continue;; esac; echo "== $$b"; $(PY) $$b $(BENCH_ARGS) || exit 1; done
	@if [ "$(BENCH_ARGS)" = "--quick" ]; then echo "== benchmarks/season_day.py"; $(PY) benchmarks/season_day.py --quick || exit 1; fi

bench-quick:
	$(MAKE) bench BENCH_ARGS=--quick

bench-season-day: $(STAMP)
	$(PY) benchmarks/season_day.py $(BENCH_ARGS)

# Re-pin after a change to pyproject.toml, keeping every other pin (make lock), or move every
# pin to the newest release that fits (make upgrade). Both lock files: dev.lock (what make
# installs: runtime, dev tools, build tools) and prod.lock (runtime only, for deployments,
# constrained to the same versions).
lock: $(STAMP)
	$(UV_COMPILE) pyproject.toml requirements/tools.in --extra dev $(UV_ARGS) -o $(LOCK)
	$(UV_COMPILE) pyproject.toml -c $(LOCK) -o requirements/prod.lock

upgrade:
	$(MAKE) lock UV_ARGS=--upgrade

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
