# Byline. `make run` serves the site with demo content; `make test` runs the whole suite.
# Needs only Python 3.11+ and make: everything else is installed into .venv from the lock files.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run dev test test-browser lint format bench clean help

help:
	@echo "make run    serve the site with demo content on http://127.0.0.1:$(PORT)"
	@echo "make dev    auto-reloading development server (DEBUG on)"
	@echo "make test   install test dependencies and run the whole suite"
	@echo "make lint   ruff format check + lint"
	@echo "make bench  performance benchmark (see docs/benchmarks.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps: reinstall only when a lock file changes.
$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.installed-test: requirements-test.lock $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.lock
	@touch $@

run: $(VENV)/.installed
	PORT=$(PORT) $(BIN)/byline run

dev: $(VENV)/.installed
	$(BIN)/byline migrate
	$(BIN)/byline demo
	BYLINE_DEBUG=on $(BIN)/byline runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-test
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test-browser: $(VENV)/.installed-test
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) data
