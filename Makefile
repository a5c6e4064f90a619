# Juwei portal. `make run` starts the demo; `make test` is what CI runs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
PORT ?= 8000
# Tests and benchmarks run against the machine's real PostgreSQL and Redis.
TEST_DATABASE_URL ?= postgres://root@127.0.0.1:5432/juwei
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test lint bench services-check messages clean

$(PY):
	python3 -m venv $(VENV)

$(VENV)/bin/uv: | $(PY)
	$(PY) -m pip install -q "uv==$(UV_VERSION)"

install: | $(VENV)/bin/uv
	bash scripts/system-deps.sh
	UV_PROJECT_ENVIRONMENT=$(VENV) $(VENV)/bin/uv sync --frozen --inexact --quiet
	$(MAKE) --no-print-directory messages

messages:
	cd $(CURDIR) && env -u DATABASE_URL $(PY) manage.py compilemessages --ignore=.venv -v 0

run: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py setup_periodic_tasks
	@echo ""
	@echo "  Juwei portal:  http://127.0.0.1:$(PORT)/   (staff: http://127.0.0.1:$(PORT)/admin/)"
	@$(PY) manage.py demo_logins
	@echo "  Ctrl-C stops the web server, the Celery worker and Celery beat."
	@echo ""
	PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

services-check:
	@DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) scripts/services_check.py

lint:
	$(VENV)/bin/ruff check .

test: install lint services-check
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest

bench: install services-check
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) var
