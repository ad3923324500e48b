# Every target creates or refreshes the project's own virtual environment (.venv) first, from the
# pinned versions in requirements.lock (made from pyproject.toml's ranges by `make lock`).
# Override the interpreter with `make PYTHON=python3.12 ...` and the year with `make build YEAR=2017-18`.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
YEAR   ?= 2018-19
OUT    ?= outputs
SOURCES := safer_analysis tests notebooks scripts benchmarks
# JupyterLab refuses to start as root (as in a container) unless told it may
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help venv build build-all test test-fast lint format lock lab check bench reference clean

help:
	@echo "make build      build the board pack for $(YEAR) into $(OUT)/$(YEAR)/"
	@echo "make build-all  build the board pack for every year in data/"
	@echo "make test       run the whole test suite (lint included)"
	@echo "make test-fast  the tests that build no board pack and need nothing beside the clone"
	@echo "make lab        open JupyterLab with the project's kernel"
	@echo "make check      validate the files in data/"
	@echo "make lint       ruff check and ruff format --check"
	@echo "make format     ruff format and ruff check --fix"
	@echo "make lock       re-pin requirements.lock from pyproject.toml"
	@echo "make reference  remake the package's reference tables from ../shared"
	@echo "make bench      benchmarks (see benchmarks/README.md)"

# (Re)install when the pinned dependencies or the project change.
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "safer-analysis needs Python 3.11 or newer; $(PYTHON) is older" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  { echo "could not create $(VENV): on Debian, apt-get install python3-venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name safer-analysis \
	  --display-name "Python (safer-analysis)" >/dev/null
	@touch $@

venv: $(STAMP)

build: $(STAMP)
	$(BIN)/safer-analysis build --year $(YEAR) --out $(OUT)

build-all: $(STAMP)
	$(BIN)/safer-analysis build --all-years --out $(OUT)

check: $(STAMP)
	$(BIN)/safer-analysis check

test: lint
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)

format: $(STAMP)
	$(BIN)/ruff format $(SOURCES)
	$(BIN)/ruff check --fix $(SOURCES)

lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 -o requirements.lock

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=. $(ROOT_FLAG)

reference: $(STAMP)
	$(BIN)/python scripts/make_reference_data.py

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
