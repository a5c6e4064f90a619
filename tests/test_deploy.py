"""docker-compose.yml, Dockerfile and health checks: no Docker engine here, so the compose file is
parsed and every command it runs is checked against the project."""

import datetime as dt
import importlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
LONG_RUNNING = ["postgres", "redis", "web", "worker", "beat"]
APP_SERVICES = ["migrate", "web", "worker", "beat"]

sys.path.insert(0, str(ROOT / "scripts"))
import healthcheck  # noqa: E402


def _commands(service) -> list[list[str]]:
    """A service's command as argv lists; ``sh -c "exec a && b"`` yields one list per part."""
    command = SERVICES[service]["command"]
    if isinstance(command, list) and command[:2] == ["sh", "-c"]:
        return [
            [w for w in shlex.split(part) if w != "exec"]
            for part in re.split(r"&&|;", command[2])
            if part.strip()
        ]
    return [shlex.split(command) if isinstance(command, str) else list(command)]


def test_compose_has_the_five_services_and_a_migration_step():
    assert set(LONG_RUNNING) <= set(SERVICES)
    assert SERVICES["postgres"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")
    for name in APP_SERVICES:
        assert SERVICES[name]["build"] == "."
        assert SERVICES[name]["env_file"] == ".env"
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert SERVICES[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert SERVICES[name]["depends_on"]["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize("service", LONG_RUNNING)
def test_every_long_running_service_has_a_health_check(service):
    check = SERVICES[service]["healthcheck"]
    assert check["test"][0] in ("CMD", "CMD-SHELL")
    assert len(check["test"]) > 1
    assert check["interval"] and check["retries"] >= 1


def test_volumes_for_database_broker_and_media():
    assert {"pgdata", "redisdata", "media"} <= set(COMPOSE["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["postgres"]["volumes"]
    assert "redisdata:/data" in SERVICES["redis"]["volumes"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    media_root = re.search(r"MEDIA_ROOT=(\S+)", dockerfile).group(1)
    for name in ("web", "worker"):  # uploads (web) and generated PDFs (worker) share the volume
        assert f"media:{media_root}" in SERVICES[name]["volumes"]


def test_manage_py_commands_in_compose_exist():
    from django.core.management import get_commands

    known = get_commands()
    used = [
        cmd[2] for service in APP_SERVICES for cmd in _commands(service) if cmd[:2] == ["python", "manage.py"]
    ]
    assert "migrate" in used
    missing = [name for name in used if name not in known]
    assert not missing, f"docker-compose.yml runs unknown manage.py commands: {missing}"


def test_gunicorn_target_is_importable():
    (cmd,) = _commands("web")
    assert cmd[0] == "gunicorn"
    module, _, attr = cmd[1].partition(":")
    assert (module, attr) == ("portal.wsgi", "application")
    application = getattr(importlib.import_module(module), attr)
    assert callable(application)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "portal.wsgi:application" in dockerfile
    assert "DJANGO_SETTINGS_MODULE=portal.settings.production" in dockerfile


@pytest.mark.parametrize("service,sub", [("worker", "worker"), ("beat", "beat")])
def test_celery_commands_name_the_portal_app(service, sub):
    (cmd,) = _commands(service)
    assert cmd[:4] == ["celery", "-A", "portal", sub]
    app = importlib.import_module("portal").celery_app
    assert app.main == "portal"
    assert app.conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"


def test_health_check_commands_exist():
    for service in ("web", "worker", "beat"):
        test = SERVICES[service]["healthcheck"]["test"]
        assert test[1:3] == ["python", "scripts/healthcheck.py"]
        assert test[3] in healthcheck.CHECKS
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "healthcheck.py"), "nonsense"], capture_output=True, text=True
    )
    assert result.returncode == 2 and "usage" in result.stderr


def test_env_example_covers_compose_interpolation():
    example = (ROOT / ".env.example").read_text()
    defined = set(re.findall(r"^([A-Z_]+)=", example, re.M))
    text = (ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"(?<!\$)\$\{([A-Z_]+)\}", text))
    assert interpolated <= defined, interpolated - defined
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"} <= defined


def test_dockerfile_installs_from_the_lock_with_the_pinned_uv():
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    uv_version = re.search(r"^UV_VERSION := (\S+)", makefile, re.M).group(1)
    assert f'"uv=={uv_version}"' in dockerfile
    assert "COPY pyproject.toml uv.lock" in dockerfile
    assert "uv sync --frozen" in dockerfile
    assert re.search(r"^FROM python:3\.11", dockerfile, re.M)
    assert "USER juwei" in dockerfile


# --- The health checks themselves ------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_endpoint(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_cache(client, settings):
    settings.CACHES = {  # nothing listens on port 1
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"cache: ConnectionError" in response.content


@pytest.mark.django_db
def test_beat_health_check_follows_last_run(settings):
    from django.utils import timezone
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    now = timezone.now()
    assert healthcheck.check_beat(now) is None  # nothing scheduled yet
    every_minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    task = PeriodicTask.objects.create(name="probe", task="portal.tasks.ping", interval=every_minute)
    PeriodicTask.objects.filter(pk=task.pk).update(last_run_at=now - dt.timedelta(seconds=90))
    assert healthcheck.check_beat(now) is None
    PeriodicTask.objects.filter(pk=task.pk).update(last_run_at=now - dt.timedelta(minutes=10))
    problem = healthcheck.check_beat(now)
    assert problem and "beat has sent no periodic task" in problem


# --- The fresh-machine install path ------------------------------------------------------------


def test_system_deps_are_installed_here():
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "system-deps.sh")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # nothing missing, nothing done


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to drop to nobody")
def test_system_deps_print_the_exact_command_when_not_root():
    result = subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "bash",
            str(ROOT / "scripts" / "system-deps.sh"),
        ],
        env={**os.environ, "SYSTEM_DEPS_EXTRA": "juwei-no-such-package"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert (
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends juwei-no-such-package"
        in result.stderr
    )


# --- What the image installs ----------------------------------------------------------------------


def test_production_dependencies_alone_run_the_app(tmp_path):
    """The image installs the lock without the dev group (Dockerfile): the app, its commands, the
    WSGI and Celery apps and collectstatic (the image's build step) must work with that alone."""
    venv = tmp_path / "venv"
    uv = Path(sys.executable).parent / "uv"
    sync = subprocess.run(
        [
            str(uv),
            "sync",
            "--frozen",
            "--no-dev",
            "--no-install-project",
            "--quiet",
            "--python",
            sys.executable,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv), "UV_PYTHON_DOWNLOADS": "never"},
    )
    assert sync.returncode == 0, sync.stderr
    assert not (venv / "bin" / "pytest").exists()  # really without the dev group
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        PORTAL_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY="build-only-" + "x" * 50,
        DATABASE_URL=f"sqlite:///{tmp_path / 'build.sqlite3'}",
        REDIS_URL="redis://localhost:6379/0",
        PORTAL_SITE_URL="https://build.invalid",
    )
    python = str(venv / "bin" / "python")
    code = (
        "import django; django.setup(); import portal.wsgi, portal.celery, notices.tasks;"
        "from django.core.management import get_commands; c = get_commands();"
        "print(all(n in c for n in ('migrate', 'setup_periodic_tasks', 'collectstatic')))"
    )
    imports = subprocess.run(
        [python, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert imports.returncode == 0, imports.stderr
    assert imports.stdout.strip().endswith("True")
    assert (venv / "bin" / "gunicorn").exists() and (venv / "bin" / "celery").exists()

    static = subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert static.returncode == 0, static.stderr
    assert (tmp_path / "var" / "static" / "staticfiles.json").exists()
