# The two quickstart commands are `make demo` and `make test`.
# Each creates .venv on first use and installs from the package registry.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-full lint typecheck docs bench-report clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,plot]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/cxmetrics demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

docs: $(VENV)/.installed-dev
	$(BIN)/mkdocs build --strict --site-dir site

# The whole gate: lint, types, tests with doctests and coverage, quick benchmarks, docs.
test: lint typecheck $(VENV)/.installed-dev
	$(BIN)/python -m pytest --cov --cov-report=term
	$(BIN)/python -m pytest benchmarks --benchmark-disable -q -p no:cacheprovider
	$(BIN)/python benchmarks/compare.py --quick
	$(BIN)/mkdocs build --strict --site-dir site

# Long simulations at full size.
test-full: $(VENV)/.installed-dev
	CXMETRICS_FULL=1 $(BIN)/python -m pytest -m slow

# Every benchmark case against its peer, at full size; rewrites docs/benchmarks.md.
bench-report: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/compare.py --write docs/benchmarks.md

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .coverage .benchmarks
