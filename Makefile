# Every target creates or refreshes the project's own virtual environment (.venv) first, from
# pinned versions made from pyproject.toml's ranges by `make lock`: requirements.lock holds what a
# build needs, requirements-lab.lock adds JupyterLab (`make lab`), requirements-dev.lock adds the
# tests and linters (`make test`), so a first build installs only what it uses.
# Override the interpreter with `make PYTHON=python3.12 ...` and the year with `make build YEAR=2017-18`.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-run
LAB    := $(VENV)/.installed-lab
DEV    := $(VENV)/.installed-dev
YEAR   ?= 2018-19
OUT    ?= outputs
SOURCES := safer_analysis tests notebooks scripts benchmarks
# JupyterLab refuses to start as root (as in a container) unless told it may
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help venv build build-all test test-fast lint format lock lab check bench reference docs clean

help:
	@echo "make build      build the board pack for $(YEAR) into $(OUT)/$(YEAR)/"
	@echo "make build-all  build the board pack for every year in data/"
	@echo "make test       run the whole test suite (lint included)"
	@echo "make test-fast  the tests that build no board pack and need nothing beside the clone"
	@echo "make lab        open JupyterLab with the project's kernel"
	@echo "make check      validate the files in data/"
	@echo "make lint       ruff check and ruff format --check"
	@echo "make format     ruff format and ruff check --fix"
	@echo "make lock       re-pin the three requirements*.lock files from pyproject.toml"
	@echo "make reference  remake the package's reference tables from ../shared"
	@echo "make bench      benchmarks (see benchmarks/README.md)"
	@echo "make docs       build the documentation site into site/ (open site/index.html)"

# (Re)install when the pinned dependencies or the project change. Packages are installed with uv
# (itself pinned, and installed into the environment with pip first): with a warm cache a first
# build's install takes seconds. uv reads UV_INDEX_URL and uv.toml where a mirror is needed.
# pip is twice quiet: its errors still show, but not warnings about a machine's own settings.
UV_VERSION := $(shell sed -n 's/^uv==\([^ ;]*\).*/\1/p' requirements-dev.lock)
UV := $(BIN)/uv pip install --quiet --python $(BIN)/python

$(VENV)/.created: requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "safer-analysis needs Python 3.11 or newer; $(PYTHON) is older" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  { echo "could not create $(VENV): on Debian, apt-get install python3-venv" >&2; exit 1; }
	@echo "Preparing $(VENV) (uv $(UV_VERSION)) ..."
	@$(BIN)/python -m pip install --quiet --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@touch $@

$(STAMP): pyproject.toml requirements.lock $(VENV)/.created
	@echo "Installing what a build needs into $(VENV) (requirements.lock) ..."
	@$(UV) -r requirements.lock
	@$(UV) --no-deps -e .
	@touch $@

$(LAB): pyproject.toml requirements-lab.lock $(STAMP)
	@echo "Installing JupyterLab into $(VENV) (requirements-lab.lock) ..."
	@$(UV) -r requirements-lab.lock
	@$(BIN)/python -m ipykernel install --sys-prefix --name safer-analysis \
	  --display-name "Python (safer-analysis)" >/dev/null
	@touch $@

$(DEV): pyproject.toml requirements-dev.lock $(LAB)
	@echo "Installing the tests and linters into $(VENV) (requirements-dev.lock) ..."
	@$(UV) -r requirements-dev.lock
	@touch $@

venv: $(DEV)

build: $(STAMP)
	$(BIN)/safer-analysis build --year $(YEAR) --out $(OUT)

build-all: $(STAMP)
	$(BIN)/safer-analysis build --all-years --out $(OUT)

check: $(STAMP)
	$(BIN)/safer-analysis check

test: lint
	$(BIN)/python -m pytest

test-fast: $(DEV)
	$(BIN)/python -m pytest -m "not slow"

lint: $(DEV)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)

format: $(DEV)
	$(BIN)/ruff format $(SOURCES)
	$(BIN)/ruff check --fix $(SOURCES)

# the development lock first; the build's and the lab's are kept to its versions
lock: $(DEV)
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 -q -o requirements-dev.lock
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	  -c requirements-dev.lock -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra lab --universal --python-version 3.11 \
	  -c requirements-dev.lock -q -o requirements-lab.lock

lab: $(LAB)
	$(BIN)/jupyter lab --notebook-dir=. $(ROOT_FLAG)

reference: $(STAMP)
	$(BIN)/python scripts/make_reference_data.py

bench: $(DEV)
	$(BIN)/python benchmarks/run.py

# the documentation site (mkdocs.yml); any warning fails the build
docs: $(DEV)
	$(BIN)/mkdocs build --strict

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info site
