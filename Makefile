# Masar: `make run` and `make test` are all the set-up a fresh machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MASAR := $(VENV)/bin/masar
STAMP := $(VENV)/.installed

# The first Python 3.12+ found: on PATH, then under pyenv.
PYTHON_BIN ?= $(shell for c in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do \
	  p=$$(command -v $$c 2>/dev/null) || continue; \
	  $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { echo $$p; break; }; \
	done)

.PHONY: help venv install run test test-fast test-postgres lint format typecheck openapi openapi-check bench bench-quick clean

help:
	@echo "make run    - install, migrate, load the demo season, serve on http://127.0.0.1:8000"
	@echo "make test   - the whole test suite (SQLite; PostgreSQL with DATABASE_URL=postgres://...)"
	@echo "make lint   - ruff and mypy"
	@echo "make bench  - the benchmarks (full size; BENCH_ARGS=--quick for small)"
	@echo "make openapi - regenerate docs/openapi.json (refuses unrecorded breaking changes)"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON_BIN)" ]; then echo "Masar needs Python 3.12 or newer (none found on PATH or under ~/.pyenv)." >&2; exit 1; fi
	@echo "Using $(PYTHON_BIN) ($$($(PYTHON_BIN) --version))"
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv install: $(STAMP)

run: $(STAMP)
	$(MASAR) migrate --no-input
	$(MASAR) createcachetable
	$(MASAR) demo-seed --if-empty
	@echo ""
	@echo "Masar is serving on http://127.0.0.1:8000 (sign in with a demo login above; Ctrl+C stops)."
	@echo "A background worker (masar worker) and the scheduler (masar tick) run beside it."
	@$(MASAR) worker --no-reload --verbosity 0 & worker=$$!; \
	$(MASAR) tick --every 60 >/dev/null & tick=$$!; \
	trap 'kill $$worker $$tick 2>/dev/null' EXIT INT TERM; \
	$(MASAR) runserver 127.0.0.1:8000

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -n 2 -m "not browser and not slow" $(PYTEST_ARGS)

test-postgres: $(STAMP)
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

openapi-check: $(STAMP)
	$(MASAR) openapi --check $(if $(BASE_REF),--base-ref $(BASE_REF))

bench: $(STAMP)
	@for b in benchmarks/*.py; do case $$b in */_*) continue;; esac; echo "== $$b"; $(PY) $$b $(BENCH_ARGS) || exit 1; done

bench-quick:
	$(MAKE) bench BENCH_ARGS=--quick

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
