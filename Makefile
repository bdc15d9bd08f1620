# Two commands for a newcomer: `make run` and `make test`. Everything else is plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint migrate seed bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

migrate: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input

seed: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo --print-logins

# The worker delivers notification emails from the database queue (README: "Notifications");
# it runs beside the server and stops with it.
run: seed
	DJANGO_DEBUG=1 $(BIN)/python manage.py db_worker --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

# Two workers (pytest-xdist), each taking a whole test file at a time: a module's world is built
# once, and files whose tests rely on their order keep it. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
test: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# By hand, not in CI: load benchmark on PostgreSQL with the scale data (docs/performance.md).
bench: $(STAMP)
	bench/run.sh

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
