# The two commands of the README: `make run` (embedded demo) and `make test` (what CI runs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-sqlite lint format bench services messages

# axe-core for the accessibility test of the browser suite, from the npm registry (test-only).
AXE_VERSION := 4.14.1
AXE := .test-deps/node_modules/axe-core/axe.min.js
# The test SAML identity provider (tests/saml_idp) runs in a virtualenv of its own: pysaml2 needs
# pyOpenSSL, which caps cryptography below the version requirements.txt pins.
SAML_IDP := .test-deps/saml-idp/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

## run: the app on SQLite with demo data, a Celery worker and beat on a file broker, console email
run: $(VENV)/.run-deps
	scripts/run-embedded.sh

## test: lint, import layers, migrations check, then every test on the real PostgreSQL, Redis, worker and browser
test: $(VENV)/.dev-deps services $(AXE) $(SAML_IDP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=mentoring.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest
	$(MAKE) test-sqlite

## test-sqlite: the tests marked sqlite_too again on SQLite, as `make run` uses it (health, cohort page)
test-sqlite: $(VENV)/.dev-deps
	DATABASE_URL=sqlite://:memory: $(BIN)/pytest -m sqlite_too -p no:cacheprovider

services:
	scripts/ensure-services.sh

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .test-deps axe-core@$(AXE_VERSION)

$(SAML_IDP): tests/saml_idp/requirements.txt
	$(PYTHON) -m venv .test-deps/saml-idp
	.test-deps/saml-idp/bin/pip install --quiet -r tests/saml_idp/requirements.txt
	touch $@

lint: $(VENV)/.dev-deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: every benchmark in bench/ against PostgreSQL (figures go in issue notes)
bench: $(VENV)/.dev-deps services
	$(BIN)/python -m bench

## messages: refresh locale/*/django.po from the source (needs GNU gettext), then compile .mo
messages: $(VENV)/.dev-deps
	$(BIN)/python manage.py makemessages -l es -l de --add-location file --no-obsolete \
		--ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'staticfiles/*' \
		--ignore 'test-artifacts/*' --ignore '.run/*' --ignore 'media/*' --ignore '.test-deps/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'
