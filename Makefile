# The two commands of the README: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: install system-deps run test lint bench bench-quick clean

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

system-deps:
	./scripts/system-deps.sh

test: lint system-deps
	$(BIN)/pytest

clean:
	rm -rf var .pytest_cache .ruff_cache
