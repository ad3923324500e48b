# Every target creates or refreshes the project's own virtual environment (.venv) first.
# Override the interpreter with `make PYTHON=python3.12 ...` and the year with `make build YEAR=2017-18`.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
YEAR   ?= 2018-19
OUT    ?= outputs

.PHONY: help venv build build-all test test-fast lint lab check bench clean

help:
	@echo "make build      build the board pack for $(YEAR) into $(OUT)/$(YEAR)/"
	@echo "make build-all  build the board pack for every year in data/"
	@echo "make test       run the whole test suite"
	@echo "make test-fast  run the tests that do not build board packs"
	@echo "make lab        open JupyterLab with the project's kernel"
	@echo "make check      validate the files in data/"
	@echo "make lint       ruff"
	@echo "make bench      benchmarks (see benchmarks/README.md)"

# (Re)install when the project's dependencies change.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "safer-analysis needs Python 3.11 or newer; $(PYTHON) is older" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  { echo "could not create $(VENV): on Debian, apt-get install python3-venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
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

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check safer_analysis tests

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=.

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
