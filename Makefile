# Juwei portal. `make run` starts the demo; `make test` is what CI runs (.ci/run).
#
# Both start from nothing on a fresh Debian machine: system packages (scripts/system-deps.sh),
# a virtualenv in .venv with a pinned uv, the locked dependencies (uv.lock), compiled messages.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
# Python 3.11 (Django 5.2, pyproject's requires-python); Debian 12's python3 is 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
UV := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never $(VENV)/bin/uv
PORT ?= 8000
# Links printed on the demo's PDFs (QR code, verify page). honcho gives each process its own PORT
# (web PORT, worker PORT+100, ...), so the worker learns the web address from this, not from PORT.
PORTAL_SITE_URL ?= http://127.0.0.1:$(PORT)
# `make run DEMO_HOUSEHOLDS=200` seeds a smaller demo (default: seed_demo's ~1,200 households).
DEMO_HOUSEHOLDS ?=
# Tests and benchmarks run against the machine's real PostgreSQL and Redis.
TEST_DATABASE_URL ?= postgres://root@127.0.0.1:5432/juwei
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
PYTEST_ARGS ?=
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help system-deps install run test lint bench services-check messages clean

help:
	@echo "make run    start the demo (web + Celery worker + beat) on the embedded default"
	@echo "make test   ruff, djLint, migration check and pytest on PostgreSQL + Redis (what CI runs)"
	@echo "make bench  benchmarks, figures written to docs/benchmarks.md"

# Pango, CJK fonts, gettext, Chromium, poppler, python3-venv: apt-get as root, else the exact command.
system-deps:
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh

$(PY): | system-deps
	$(PYTHON) -m venv $(VENV)

$(VENV)/bin/uv: | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"

install: system-deps | $(VENV)/bin/uv
	$(UV) sync --frozen --inexact --quiet
	@$(MAKE) --no-print-directory messages

# compilemessages fails when no locale folder exists yet; compile only when there is something.
messages:
	@if find . -path ./$(VENV) -prune -o -name '*.po' -print | grep -q .; then \
		env -u DATABASE_URL $(PY) manage.py compilemessages --ignore=$(VENV) -v 0; \
	fi

run: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo --if-empty $(if $(DEMO_HOUSEHOLDS),--households $(DEMO_HOUSEHOLDS))
	$(PY) manage.py setup_periodic_tasks
	@echo ""
	@echo "  Juwei portal:  http://127.0.0.1:$(PORT)/   (staff: http://127.0.0.1:$(PORT)/admin/)"
	@$(PY) manage.py demo_logins
	@echo "  Ctrl-C stops the web server, the Celery worker and Celery beat."
	@echo ""
# honcho exits 130 on Ctrl-C, after stopping all three: that is the normal way out.
	PORT=$(PORT) PORTAL_SITE_URL=$(PORTAL_SITE_URL) VENV=$(VENV) $(VENV)/bin/honcho start -f Procfile || [ $$? -eq 130 ]

# Fails loudly when PostgreSQL or Redis is unreachable; creates the test database if missing.
services-check:
	@$(TEST_ENV) $(PY) scripts/services_check.py

# djLint reads its rules and what to skip from pyproject.toml ([tool.djlint]), so a template an app
# keeps in its own templates/ folder is linted too.
lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint . --lint

# pytest's exit code 5 (no test collected) fails this target like any other non-zero code.
test: install lint services-check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run -v 1
	$(TEST_ENV) $(VENV)/bin/pytest $(PYTEST_ARGS)

bench: install services-check
	$(TEST_ENV) $(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) var
