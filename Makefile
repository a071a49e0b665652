PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: install run test lint format bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# The demo: migrate the SQLite file, import the bundled examples, serve with gunicorn.
run: export DJANGO_SECRET_KEY ?= $(shell cat .demo-secret-key 2>/dev/null || $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' | tee .demo-secret-key)
run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py import_articles examples/ ; test $$? -le 1
	$(BIN)/python manage.py create_demo_staff
	$(BIN)/gunicorn -c gunicorn.conf.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: export DJANGO_SECRET_KEY ?= insecure-key-for-tests-only
test: install lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

bench: export DJANGO_SECRET_KEY ?= insecure-key-for-benchmarks-only
bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) var staticfiles test-output bench-data db.sqlite3*
