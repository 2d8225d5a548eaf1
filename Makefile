# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# PostgreSQL for the second test run; pytest-django creates and drops test_<name>.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/archive
# Redis beside PostgreSQL, as production pairs them; the tests empty this database number.
TEST_CACHE_URL ?= redis://127.0.0.1:6379/9
PYTEST_ARGS ?=

.PHONY: run test install lint format screenshots

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Production is the settings' default; the local server says DEBUG=true.
run: export DEBUG = true
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	@echo "== Test suite on SQLite =="
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)
	@if $(PY) scripts/postgres_reachable.py "$(TEST_DATABASE_URL)"; then \
		if $(PY) -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).ping()" "$(TEST_CACHE_URL)" 2>/dev/null; then \
			cache="$(TEST_CACHE_URL)"; \
		elif [ -n "$$REQUIRE_REDIS" ]; then \
			echo "!! Redis at $(TEST_CACHE_URL) is not reachable and REQUIRE_REDIS is set: failing."; \
			exit 1; \
		else \
			cache=""; echo "!! No Redis at $(TEST_CACHE_URL): the PostgreSQL run uses the local cache."; \
		fi; \
		echo "== Test suite on PostgreSQL ($(TEST_DATABASE_URL)), cache: $${cache:-local memory} =="; \
		DATABASE_URL="$(TEST_DATABASE_URL)" CACHE_URL="$$cache" $(PY) -m pytest $(PYTEST_ARGS); \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "!! PostgreSQL at $(TEST_DATABASE_URL) is not reachable and REQUIRE_POSTGRES is set: failing."; \
		exit 1; \
	else \
		echo "!! SKIPPED the PostgreSQL run: no server at $(TEST_DATABASE_URL)."; \
		echo "!! Start one, or set TEST_DATABASE_URL, to run the suite on PostgreSQL too."; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Refresh the README's screenshots (docs/screenshots/*.png) from the demo archive.
screenshots: install
	SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest tests/test_browser_reader.py -k screenshots

# Benchmarks (docs/benchmarks.md): build or reuse the archive, measure the pages in
# process on SQLite and PostgreSQL, gunicorn against Datasette over HTTP, write the
# tables. A million statements by default; e.g. BENCH_ARGS="--only sqlite --rounds 5".
BENCH_ARGS ?=
.PHONY: bench
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

# The bounded load test and the parallel exports over HTTP, gunicorn on PostgreSQL
# (docs/benchmarks.md): creates, fills and drops its own database. E.g.
# LOAD_ARGS="--duration 5 --connections 4" for a quick run.
LOAD_ARGS ?=
.PHONY: bench-load
bench-load: install
	$(PY) bench/load.py $(LOAD_ARGS)
