# The two commands of the README, and the checks they run.
# Each target makes its own virtual environment in .venv and installs what it needs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PLUGINS := $(wildcard plugins/*/pyproject.toml)

.PHONY: demo test lint typecheck pytest browser docs bench clean

$(STAMP): pyproject.toml $(PLUGINS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' $(foreach p,$(PLUGINS),-e $(dir $(p)))
	touch $(STAMP)

## demo: set up, build a realistic school year and write the program report
demo: $(STAMP)
	$(BIN)/sro demo

## test: set up, then run every check and every test
test: lint typecheck pytest docs bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) browser
	$(BIN)/python -m pytest

# The report's browser test needs Debian's chromium: CI installs it; elsewhere the test says
# it was skipped and why.
browser:
	@command -v chromium >/dev/null 2>&1 || [ -z "$$CI" ] || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "could not install chromium: the report's browser test cannot run"

## bench: every benchmark at a tiny size, to show they still run (figures: docs/performance.md)
bench: $(STAMP)
	$(BIN)/python bench/run.py --tiny

## docs: build the documentation site; any warning fails
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir build/site

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis
