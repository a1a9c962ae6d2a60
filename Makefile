# The README's commands. Only Python 3.11 is needed: the rest installs itself.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Settings for the test suite (a real run reads them from the environment or .env).
# DEBUG is off as in production; the tests talk plain http to the test client and to
# a loopback server, so the HTTPS redirect and Secure-only cookies are turned off by
# name (HSTS stays on: it is sent only over https). Mail goes to Django's test outbox.
TEST_ENV := SECRET_KEY=test-only-secret-key-not-for-production DEBUG=False ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	SITE_URL=http://testserver EMAIL_URL=memorymail:// SECURE_SSL_REDIRECT=False SECURE_COOKIES=False

.PHONY: run test test-fast lint format messages css install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## make run: the site with the demo forum at http://127.0.0.1:8000 (SQLite, mail to the console)
run: install
	DEBUG=True $(BIN)/python manage.py migrate --noinput
	DEBUG=True $(BIN)/python manage.py load_demo
	DEBUG=True $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (browser tests skip with a reason where Chromium is missing)
test: install
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

## make test-fast: without the browser and slow tests
test-fast: install
	$(TEST_ENV) $(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py check

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make messages: refresh locale/*/django.po from the code (needs GNU gettext) and compile them
messages: install
	DEBUG=True $(BIN)/python manage.py makemessages --no-obsolete --no-location -l ru -l be -i ".venv/*" -i "staticfiles/*"
	DEBUG=True $(BIN)/python manage.py compilemessages -l ru -l be -i .venv -i staticfiles

## make css: Bootstrap trimmed to the classes our templates and crispy-forms use (needs npm)
CRISPY_TEMPLATES = $(shell $(BIN)/python -c "import crispy_bootstrap5, os; print(os.path.dirname(crispy_bootstrap5.__file__))")/templates
css: install
	mkdir -p .cache/purgecss/out
	cd .cache/purgecss && npm init -y >/dev/null && npm install --silent purgecss@6
	# Attribute selectors crispy-forms fills in at run time ([type=radio], [type=checkbox]).
	echo '<input type="radio"><input type="checkbox"><select multiple size="2">' > .cache/purgecss/keep.html
	.cache/purgecss/node_modules/.bin/purgecss --css static/vendor/bootstrap/bootstrap.min.css \
		--content "templates/**/*.html" "$(CRISPY_TEMPLATES)/**/*.html" "static/js/*.js" "registrations/forms.py" \
		.cache/purgecss/keep.html \
		--output .cache/purgecss/out/
	cp .cache/purgecss/out/bootstrap.min.css static/vendor/bootstrap/bootstrap.site.min.css

clean:
	rm -rf $(VENV) staticfiles test_db.sqlite3*
