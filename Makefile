# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench fuzz clean

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

# Fuzzing (issue 12): a bench-style job, not part of `make test`. atheris goes in
# bench/out/atheris-lib for this job only; where it does not install, hypothesis runs alone.
FUZZ_ARGS ?= -n 100000
ATHERIS_ARGS ?= -n 10000

bench/out/atheris-lib/atheris:
	$(BIN)/python -m pip install --quiet --target bench/out/atheris-lib 'atheris>=3' \
		|| echo "atheris did not install: fuzzing with hypothesis alone" >&2

fuzz: $(VENV)/.test-deps
	-@$(MAKE) --no-print-directory bench/out/atheris-lib/atheris
	$(BIN)/python bench/fuzz.py $(FUZZ_ARGS)
	if [ -d bench/out/atheris-lib/atheris ]; then \
		$(BIN)/python bench/fuzz.py --engine atheris $(ATHERIS_ARGS); fi

clean:
	rm -rf $(VENV)
