# Development tasks. `make run` and `make test` are all a fresh clone needs (see README.md).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when the dependencies change.
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# The two-server test's own database and Redis database number: it empties both.
MULTISERVER_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test_multiserver
MULTISERVER_REDIS_URL ?= redis://127.0.0.1:6379/5
PYTEST_ARGS ?=

# Browsers come from Debian (chromium), never from a Playwright download.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: venv install migrate run lint typecheck pytest test test-postgres test-multiserver bench translations

venv: $(BIN)/python

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -qq -e ".[dev]"
	touch $@

migrate: install
	$(BIN)/flask --app app db upgrade

# SQLite in instance/ unless DATABASE_URL is set; `make run HOST=0.0.0.0 PORT=8000` to listen elsewhere.
run: migrate
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# Runs on TEST_DATABASE_URL when it is set, else on a throwaway SQLite file.
pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

test-postgres: install
	TEST_DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest $(PYTEST_ARGS)

# Two gunicorn servers on one PostgreSQL and one Redis (tests/deployment/test_two_servers.py); .ci/run starts both.
test-multiserver: install
	MULTISERVER_DATABASE_URL=$(MULTISERVER_DATABASE_URL) MULTISERVER_REDIS_URL=$(MULTISERVER_REDIS_URL) \
		$(BIN)/pytest -m multiserver tests/deployment $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/bench_http.py --rounds 3 --output docs/benchmarks.md

# Catalogues (README, "Translations"): extract the marked strings, merge them into each language, compile the .mo.
# templates/_macros is scanned too (Babel skips directories starting with "_" by default).
BABEL_EXTRACT := -F babel.cfg --ignore-dirs=".* __pycache__" --add-location=file --no-wrap -c TRANSLATORS: --project=lbp-screening
translations: install
	$(BIN)/pybabel -q extract $(BABEL_EXTRACT) -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --ignore-obsolete --no-wrap
	$(BIN)/pybabel compile -d translations --statistics
