# The README's commands. Only Python 3.11 is needed (Debian 12's own python3.11
# with python3.11-venv will do): the rest installs itself into .venv.
# Another Python: make run PYTHON=/path/to/python3.11
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
# What `make run` needs (requirements.txt), and what tests and lint add (requirements-dev.txt).
INSTALLED_RUN := $(VENV)/.installed-run
INSTALLED_DEV := $(VENV)/.installed-dev

.PHONY: run test test-fast lint format messages css install install-dev python clean
# A recipe that fails leaves no half-made target (a .venv without pip, a stamp) behind.
.DELETE_ON_ERROR:

# Say which Python this is, and stop with what to install when it cannot make
# the virtual environment. A .venv made by another Python than the one named
# with PYTHON= is not reused silently.
python:
	@if [ -z "$(PYTHON)" ] || ! command -v "$(PYTHON)" >/dev/null 2>&1; then \
		echo "No Python found (looked for python3.11, then python3). This site needs Python 3.11." >&2; \
		echo "On Debian 12: sudo apt-get install python3.11 python3.11-venv" >&2; \
		echo "Or name one: make $(or $(MAKECMDGOALS),run) PYTHON=/path/to/python3.11" >&2; \
		exit 1; \
	fi
	@version=$$("$(PYTHON)" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])'); \
	echo "Python: $(PYTHON) ($$version)"; \
	case "$$version" in \
		3.11.*) ;; \
		3.1[2-9].*) echo "Note: the site is built and tested on Python 3.11; trying $$version." ;; \
		*) echo "This site needs Python 3.11; $(PYTHON) is $$version." >&2; \
		   echo "On Debian 12: sudo apt-get install python3.11 python3.11-venv, then make $(or $(MAKECMDGOALS),run) PYTHON=/usr/bin/python3.11" >&2; \
		   exit 1 ;; \
	esac
	@if [ ! -x $(BIN)/python ] && ! "$(PYTHON)" -c 'import ensurepip, venv' >/dev/null 2>&1; then \
		echo "$(PYTHON) cannot create a virtual environment: its venv module (with ensurepip) is missing." >&2; \
		echo "On Debian: sudo apt-get install python3.11-venv" >&2; \
		exit 1; \
	fi
	@if [ -x $(BIN)/python ]; then \
		made_by=$$($(BIN)/python -c 'import os, sys; print(os.path.realpath(sys._base_executable))'); \
		wanted=$$("$(PYTHON)" -c 'import os, sys; print(os.path.realpath(sys.executable))'); \
		if [ "$$made_by" != "$$wanted" ]; then \
			if [ "$(origin PYTHON)" = "file" ]; then \
				echo "Using $(VENV), made earlier with $$made_by (make clean to start again)."; \
			else \
				echo "$(VENV) was made with $$made_by, not $$wanted: run make clean first to start again with $(PYTHON)." >&2; \
				exit 1; \
			fi; \
		fi; \
	fi

$(BIN)/python: | python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED_RUN): requirements.txt | python $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

# requirements-dev.txt includes requirements.txt, so this also satisfies `make run`.
$(INSTALLED_DEV): requirements.txt requirements-dev.txt | python $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(INSTALLED_RUN)

install: python $(INSTALLED_RUN)
install-dev: python $(INSTALLED_DEV)

## make run: the site with the demo forum at http://127.0.0.1:8000 (SQLite, mail to the console)
run: install
	DEBUG=True $(BIN)/python manage.py migrate --noinput
	DEBUG=True $(BIN)/python manage.py load_demo
	@echo
	@echo "The demo forum is on its real date, 24 June 2021, so media registration is closed."
	@echo "To try media registration and signing end to end, move it to a Thursday two months ahead"
	@echo "(in another terminal; make run puts it back on its real date):"
	@echo "    DEBUG=True $(BIN)/python manage.py load_demo --upcoming"
	@echo "Mail (with the confirmation links) is printed below."
	@echo
	DEBUG=True $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (browser tests skip with a reason where Chromium is missing)
test: install-dev
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

## make test-fast: without the browser and slow tests
test-fast: install-dev
	$(TEST_ENV) $(BIN)/python -m pytest -m "not browser and not slow" $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py check

format: install-dev
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
