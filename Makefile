# The two commands a newcomer needs: `make run` and `make test`. Everything else is for developers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint check messages lock bench-import clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Stamps: reinstall only when the declared or pinned dependencies change, so a second `make run` is fast.
$(VENV)/.installed-app: pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install -q -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(PY)
	$(PY) -m pip install -q -c constraints.txt -e ".[test]"
	touch $@ $(VENV)/.installed-app

run: $(VENV)/.installed-app
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_regions
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST)

test: $(VENV)/.installed-test
	$(BIN)/pytest $(ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

check: $(VENV)/.installed-test
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .

# Source strings are English; the Indonesian catalogue in locale/id is committed with its compiled .mo.
messages: $(VENV)/.installed-app
	$(PY) manage.py makemessages -l id --no-obsolete --ignore=.venv --ignore=bench
	$(PY) manage.py compilemessages -l id --ignore=.venv

# Pin every installed package (direct and transitive) so installs are reproducible.
lock: $(VENV)/.installed-test
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

bench-import: $(VENV)/.installed-app
	$(PY) bench/import_regions.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles .pytest_cache
