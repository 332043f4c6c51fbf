# Each target bootstraps .venv on a machine that has only Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# allotropy (timed by bench/parse_allotropy.py) is deliberately not a project dependency: it lives here.
ALLOTROPY_VENV := .venv-allotropy

.PHONY: demo test lint unit bench venv services clean

$(STAMP): pyproject.toml tests/plugin_package/pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet -e tests/plugin_package
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/benchling-ingest demo

lint: $(STAMP)
	$(BIN)/ruff check ingest parsers tests bench
	$(BIN)/ruff format --check ingest parsers
	$(BIN)/mypy

# PostgreSQL and Chromium from Debian's packages, for the shared-ledger and browser tests (see the script).
services:
	bash .ci/system-packages.sh

test: lint services
	$(BIN)/python -m pytest $(PYTEST_ARGS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

# The allotropy venv is created or refreshed first; if that fails (e.g. offline), the benchmarks still run
# and the allotropy section of docs/BENCHMARKS.md says why it was not measured.
bench: $(STAMP)
	-$(PYTHON) -m venv $(ALLOTROPY_VENV) && $(ALLOTROPY_VENV)/bin/pip install --quiet --upgrade allotropy
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) $(ALLOTROPY_VENV) build *.egg-info
