# Each target bootstraps .venv on a machine that has only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# allotropy lives in its own environment: its pins (jsonschema<4.18, rainbow-api==1.0.10) clash with the
# test tools in .venv. The allotropy bridge's tests run it there (BENCHLING_INGEST_ALLOTROPY_PYTHON), and
# bench/parse_allotropy.py times it there. The version is pinned so tests compare against one allotropy.
ALLOTROPY_VENV := .venv-allotropy
ALLOTROPY_VERSION := 0.1.150
ALLOTROPY_STAMP := $(ALLOTROPY_VENV)/.installed-$(ALLOTROPY_VERSION)

.PHONY: demo test lint unit bench venv services clean

# The example parser package in tests/plugin_package is not installed here: the tests put it on their own
# path (tests/support/test_plugin.py), so it never shows in the parser lists of whoever uses .venv. The
# uninstall removes it from a .venv made before that.
$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip uninstall --quiet --yes example-lab-parser
	touch $(STAMP)

$(ALLOTROPY_STAMP):
	test -x $(ALLOTROPY_VENV)/bin/python || $(PYTHON) -m venv $(ALLOTROPY_VENV)
	$(ALLOTROPY_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(ALLOTROPY_VENV)/bin/python -m pip install --quiet 'allotropy==$(ALLOTROPY_VERSION)'
	touch $@

venv: $(STAMP) $(ALLOTROPY_STAMP)

demo: $(STAMP)
	$(BIN)/benchling-ingest demo

lint: $(STAMP)
	$(BIN)/ruff check ingest parsers tests bench
	$(BIN)/ruff format --check ingest parsers
	$(BIN)/mypy

# PostgreSQL and Chromium from Debian's packages, for the shared-ledger and browser tests (see the script).
services:
	bash .ci/system-packages.sh

test: lint services $(ALLOTROPY_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

unit: $(STAMP) $(ALLOTROPY_STAMP)
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

# The allotropy venv is created first; if that fails (e.g. offline), the benchmarks still run and the
# allotropy sections of docs/BENCHMARKS.md say why they were not measured.
bench: $(STAMP)
	-$(MAKE) $(ALLOTROPY_STAMP)
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) $(ALLOTROPY_VENV) build *.egg-info
