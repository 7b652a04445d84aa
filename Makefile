# The two commands of the README: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: install system-deps run test race messages test-scale soak lint bench bench-quick clean

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

# Two workers: CI has two cores. Each worker has its own databases. worksteal: a worker
# that ran out of tests takes some of the other's, so the minute-long browser and race tests
# do not leave one worker running alone at the end.
PYTEST_WORKERS ?= 2
test: lint system-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal

# The races of tests/races, each RACE_TRIALS times instead of make test's 20 (8 for the
# erasure of a dossier being routed, a Prefect flow per trial): the long repetition.
RACE_TRIALS ?= 100
race: install system-deps
	RACE_TRIALS=$(RACE_TRIALS) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal tests/races

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
