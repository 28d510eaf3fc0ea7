# The two commands of the README, and the checks they run.
# Each target makes its own virtual environment in .venv and installs what it needs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUNTIME := $(VENV)/.runtime
PLUGINS := $(wildcard plugins/*/pyproject.toml)
DEMO_STORE := $(CURDIR)/build/demo.db
DEMO_REPORT := $(CURDIR)/build/sro-report-demo.html

.PHONY: demo test lint typecheck pytest browser docs bench clean

# The runtime: sro-core and its plugins, without the developer toolchain (what `make demo` needs).
$(RUNTIME): pyproject.toml $(PLUGINS)
	@echo "make demo: installing sro-core and its plugins into $(VENV) (runtime only)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-e . $(foreach p,$(PLUGINS),-e $(dir $(p)))
	@touch $(RUNTIME)

# The developer toolchain on top: pytest, hypothesis, ruff, mypy, mkdocs (what `make test` needs).
$(STAMP): $(RUNTIME)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' $(foreach p,$(PLUGINS),-e $(dir $(p)))
	touch $(STAMP)

## demo: install the runtime, build a realistic school year in build/ and write its report there
demo: $(RUNTIME)
	@mkdir -p build
	@echo "make demo: building the school year in $(DEMO_STORE) (a fresh store each run)"
	@$(BIN)/sro --store sqlite:///$(DEMO_STORE) demo --reset --yes --output $(DEMO_REPORT)

## test: set up, then run every check and every test
test: lint typecheck pytest docs bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) browser
	$(BIN)/python -m pytest

# The report's browser test needs Debian's chromium (and poppler-utils to look at the printed
# PDF's pages): CI installs them; elsewhere the test says it was skipped and why.
browser:
	@{ command -v chromium && command -v pdftoppm; } >/dev/null 2>&1 || [ -z "$$CI" ] || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium poppler-utils >/dev/null; } || \
		echo "could not install chromium and poppler-utils: the report's browser test cannot run"

## bench: every benchmark at a tiny size, to show they still run (figures: docs/performance.md)
bench: $(STAMP)
	$(BIN)/python bench/run.py --tiny

## docs: build the documentation site; any warning fails
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir build/site

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
