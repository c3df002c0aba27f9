# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/desk: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/desk pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

demo: $(BIN)/desk
	$(BIN)/desk demo --open

test: $(VENV)/.test-deps
	$(BIN)/ruff check desk db widgets tests bench
	$(BIN)/ruff format --check desk db widgets tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python -m pytest -q || { rc=$$?; [ $$rc -ne 5 ] || echo "pytest collected no tests: that is a failure" >&2; exit $$rc; }

bench/out/twarc-venv/bin/twarc2:
	$(PYTHON) -m venv bench/out/twarc-venv
	bench/out/twarc-venv/bin/python -m pip install --quiet twarc-csv 'pandas<3'

bench: $(BIN)/desk bench/out/twarc-venv/bin/twarc2
	$(BIN)/python bench/store.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/tui.py

clean:
	rm -rf $(VENV)
