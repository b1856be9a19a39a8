# The two quickstart commands are `make demo` and `make test`.
# Each creates .venv on first use and installs from the package registry.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test test-pandas3 test-full lint typecheck docs bench-report clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,plot]"
	touch $@

# lifelines (a reference in the tests) caps pandas below 3, so the main
# environment has pandas 2. A second one, without the reference libraries,
# gets the newest pandas; their tests are skipped there.
VENV3 := .venv-pandas3
$(VENV3)/bin/python:
	$(PYTHON) -m venv $(VENV3)
	$(VENV3)/bin/python -m pip install --quiet --upgrade pip

$(VENV3)/.installed: pyproject.toml | $(VENV3)/bin/python
	$(VENV3)/bin/python -m pip install --quiet -e ".[test,dask,plot]"
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

# The whole gate: lint, types, tests with doctests and coverage, quick
# benchmarks, docs, then the tests again on the newest pandas.
test: lint typecheck $(VENV)/.installed-dev
	$(BIN)/python -m pytest --cov --cov-report=term
	$(BIN)/python -m pytest benchmarks --benchmark-disable -q -p no:cacheprovider
	$(BIN)/python benchmarks/compare.py --quick
	$(BIN)/mkdocs build --strict --site-dir site
	$(MAKE) test-pandas3

# The test suite, doctests included, on the newest pandas (no coverage gate).
test-pandas3: $(VENV3)/.installed
	$(VENV3)/bin/python -c "import pandas; print('pandas', pandas.__version__)"
	$(VENV3)/bin/python -m pytest -q -p no:cacheprovider

# Long simulations at full size.
test-full: $(VENV)/.installed-dev
	CXMETRICS_FULL=1 $(BIN)/python -m pytest -m slow

# Every benchmark case against its peer, at full size; rewrites docs/benchmarks.md.
bench-report: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/compare.py --write docs/benchmarks.md

clean:
	rm -rf $(VENV) $(VENV3) site .pytest_cache .mypy_cache .ruff_cache .coverage .benchmarks
