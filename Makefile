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
# environment has pandas 2. A second one, without lifelines and lifetimes,
# gets the newest pandas; their tests are skipped there. It runs on Python
# 3.12 where the machine has it (else on $(PYTHON)), with pyworkforce 0.5.4,
# whose ErlangA needs 3.12: the peer of the Erlang A tests and benchmark.
# PYENV_VERSION lets a pyenv shim run an installed 3.12 that is not the
# selected version; other interpreters ignore it. Choose another with
# `make test-pandas3 PYTHON_VENV3=python3.13`.
VENV3 := .venv-pandas3
ifndef PYTHON_VENV3
PYTHON_VENV3 := $(or $(shell PYENV_VERSION=3.12 python3.12 -c \
	"import sys; print(sys.executable)" 2>/dev/null),$(PYTHON))
endif
# The environment is made anew when its interpreter's version changes.
VENV3_VERSION := $(shell $(PYTHON_VENV3) -c \
	"import platform; print(platform.python_version())" 2>/dev/null)
VENV3_STAMP := $(VENV3)/.python-$(VENV3_VERSION)
# The benchmark case that test-pandas3 and bench-report also measure there.
ERLANG_A_CASE := required-agents-erlang-a

$(VENV3_STAMP):
	rm -rf $(VENV3)
	$(PYTHON_VENV3) -m venv $(VENV3)
	$(VENV3)/bin/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV3)/.installed: pyproject.toml $(VENV3_STAMP)
	$(VENV3)/bin/python -m pip install --quiet -e ".[test,dask,plot,reference-erlang-a]"
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

# The test suite, doctests included, on the newest pandas (no coverage gate),
# then the Erlang A benchmark case in quick mode: against pyworkforce's
# ErlangA on Python 3.12, else against cxmetrics' Erlang C.
test-pandas3: $(VENV3)/.installed
	$(VENV3)/bin/python -c "import platform, pandas; \
	print('Python', platform.python_version(), 'pandas', pandas.__version__)"
	$(VENV3)/bin/python -m pytest -q -p no:cacheprovider
	$(VENV3)/bin/python benchmarks/compare.py --quick --case $(ERLANG_A_CASE)

# Long simulations at full size.
test-full: $(VENV)/.installed-dev
	CXMETRICS_FULL=1 $(BIN)/python -m pytest -m slow

# Every benchmark case against its peer, at full size; rewrites docs/benchmarks.md.
# The Erlang A row is then measured again in the second environment, against
# pyworkforce's ErlangA where it runs (Python 3.12), and replaced in the page.
# A failed case or a missed target fails the report only after both steps ran.
bench-report: $(VENV)/.installed-dev $(VENV3)/.installed
	status=0; \
	$(BIN)/python benchmarks/compare.py --write docs/benchmarks.md || status=$$?; \
	$(VENV3)/bin/python benchmarks/compare.py --update docs/benchmarks.md \
		--case $(ERLANG_A_CASE) || status=$$?; \
	exit $$status

clean:
	rm -rf $(VENV) $(VENV3) site .pytest_cache .mypy_cache .ruff_cache .coverage .benchmarks
