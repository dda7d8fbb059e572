# The two commands a newcomer needs: `make run` and `make test`. Everything else is for developers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint check typecheck messages lock bench-import screenshots clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Stamps: reinstall only when the locked dependencies change, so a second `make run` is fast.
# requirements/*.txt pin every package with its hashes (pip-compile); the project itself goes in
# editable, without dependencies, since a local directory has no hash to check.
$(VENV)/.installed-app: pyproject.toml requirements/app.txt | $(PY)
	$(PY) -m pip install -q --require-hashes -r requirements/app.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements/test.txt | $(PY)
	$(PY) -m pip install -q --require-hashes -r requirements/test.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@ $(VENV)/.installed-app

run: $(VENV)/.installed-app
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_regions
	$(PY) manage.py load_demo
	@# The task worker (large imports) runs beside the server and stops with it.
	$(PY) manage.py task_worker --no-startup-delay & trap "kill $$!" EXIT INT TERM; $(PY) manage.py runserver $(HOST)

# On every core (pytest-xdist), the test database kept between runs (--reuse-db, pyproject.toml).
# Developers: ARGS="-m 'not slow'" skips the few tests of tens of seconds; DESA100_TEST_TODAY=2028-12-31
# moves the clock (ARGS="-m dated" for the tests that depend on the date). CI runs all of them.
test: $(VENV)/.installed-test
	$(BIN)/pytest -n auto $(ARGS)

# Refresh the README's screenshots: the demo's main pages on a phone and a desktop (Debian's chromium).
screenshots: $(VENV)/.installed-test
	DESA100_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q tests/browser/test_screenshots.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

check: $(VENV)/.installed-test
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/mypy config accounts regions campaigns enrollment coverage imports reports billing dashboards demo operations

# Type checking (mypy with django-stubs), part of `make check` and CI: every module, at zero errors.
typecheck: $(VENV)/.installed-test
	$(BIN)/mypy config accounts regions campaigns enrollment coverage imports reports billing dashboards demo operations

# Source strings are English; the Indonesian catalogue in locale/id is committed with its compiled .mo.
messages: $(VENV)/.installed-app
	$(PY) manage.py makemessages -l id --no-obsolete --ignore=.venv --ignore=bench
	$(PY) manage.py compilemessages -l id --ignore=.venv

# Re-pin every package (direct and transitive) with its hashes from pyproject.toml's ranges. The
# runtime lock holds only what the app runs on; test tools and the load generator (locust) have theirs.
lock: | $(PY)
	$(PY) -m pip install -q pip-tools
	$(BIN)/pip-compile -q --no-emit-index-url --no-emit-find-links --generate-hashes --strip-extras --allow-unsafe --upgrade -o requirements/app.txt pyproject.toml
	$(BIN)/pip-compile -q --no-emit-index-url --no-emit-find-links --generate-hashes --strip-extras --allow-unsafe -c requirements/app.txt --extra=test -o requirements/test.txt pyproject.toml
	$(BIN)/pip-compile -q --no-emit-index-url --no-emit-find-links --generate-hashes --strip-extras --allow-unsafe -c requirements/test.txt --extra=test --extra=bench -o requirements/bench.txt pyproject.toml

bench-import: $(VENV)/.installed-app
	$(PY) bench/import_regions.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles .pytest_cache
