# Sinergi: `make demo` runs the product on SQLite with synthetic data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The demo runs as users will see it: translated error pages, never a debug traceback (DEBUG=1 to debug).
DEMO_ENV := DJANGO_SETTINGS_MODULE=config.settings.local DEBUG=$(or $(DEBUG),0)
TEST_ENV := DJANGO_SETTINGS_MODULE=config.settings.test

.PHONY: setup demo test lint typecheck format messages system-deps bench clean

$(STAMP): requirements/dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements/dev.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Debian packages the tests and translations need: Chromium for the browser tests, gettext for the catalogues,
# poppler-utils (pdftotext, pdftoppm) to read the PDFs back, Java for the Spark run of the record linkage.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v msgfmt >/dev/null || ! command -v pdftotext >/dev/null || ! command -v java >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium gettext poppler-utils default-jre-headless >/dev/null; \
	fi

# Compiled catalogues (.mo) are build output, not committed.
messages: $(STAMP)
	@if find sinergi -name '*.po' -path '*/LC_MESSAGES/*' | grep -q .; then \
		$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v 0; fi

setup: $(STAMP) system-deps messages

demo: setup
	mkdir -p var
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v 0
	$(DEMO_ENV) $(PY) manage.py demo_seed
	@# The background worker (e-mails into var/mail, notifications, model retraining, imports) runs beside the
	@# server and stops with it; `worker` is db_worker made to ride out database outages (core/worker.py).
	$(DEMO_ENV) $(PY) manage.py worker --no-reload -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(TEST_ENV) $(PY) -m pytest -n auto -q --durations=10

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with the Django and DRF plugins (strict on the pure engines, services and selectors: pyproject.toml) and
# the import contracts between the apps (docs/architecture.md).
typecheck: $(STAMP)
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var
