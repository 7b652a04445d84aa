# The two commands of the README: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: install system-deps run test messages test-scale soak lint bench bench-quick clean

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/dossier db upgrade
	$(BIN)/dossier demo
	@echo "Dossier unique: http://127.0.0.1:$(PORT)  (API docs: http://127.0.0.1:$(PORT)/docs)"
	$(BIN)/dossier serve --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Extract the texts again and merge them into dossier/locale/*/LC_MESSAGES/messages.po.
messages: install
	$(BIN)/dossier i18n update

system-deps:
	./scripts/system-deps.sh

# Two workers: CI has two cores, and the suite (browser tests on SQLite and PostgreSQL
# included) took 22 minutes in one process. Each worker has its own databases.
PYTEST_WORKERS ?= 2
test: lint system-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# Two Prefect workers and a Prefect server on PostgreSQL route 200 dossiers (docs/production.md).
test-scale: install system-deps
	SCALE_TEST=1 $(BIN)/pytest tests/scale

# Fifty busy users on PostgreSQL + S3 with a Prefect restart midway, then the books (issue 12).
soak: install system-deps
	$(BIN)/python -m bench.soak

# Ratios of our path to the raw limit of the same work (BENCHMARKS.md, bench/results.json).
bench: install system-deps
	$(BIN)/python -m bench.run

bench-quick: install system-deps
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf var .pytest_cache .ruff_cache
