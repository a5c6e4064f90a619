"""Settings: production passes ``check --deploy``, the embedded default works with nothing set,
Celery is configured for late acks and JSON."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Unset in the child: the stores, the secret, and what pytest itself set (tests/conftest.py).
STORE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def _env(**overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in STORE_VARS}
    env.update(overrides)
    return env


def _run(args, env, timeout=120):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.db import connection
from portal.celery import app
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "options": db.get("OPTIONS", {}),
    "cache": settings.CACHES["default"]["BACKEND"], "cache_dir": settings.CACHES["default"].get("LOCATION"),
    "broker": app.conf.broker_url, "backend": app.conf.result_backend,
    "broker_in": app.conf.broker_transport_options.get("data_folder_in"),
    "secret": settings.SECRET_KEY, "media": str(settings.MEDIA_ROOT),
    "journal": (
        connection.cursor().execute("PRAGMA journal_mode").fetchone()[0] if connection.vendor == "sqlite" else None
    ),
}))
"""


def _production_env(tmp_path, **extra):
    return _env(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        PORTAL_VAR_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="juwei.example.org",
        DATABASE_URL=os.environ["DATABASE_URL"],
        REDIS_URL=os.environ["REDIS_URL"],
        PORTAL_SITE_URL="https://juwei.example.org",
        **extra,
    )


def test_production_check_deploy_has_no_warning(tmp_path):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], _production_env(tmp_path))
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "System check identified no issues" in out, out
    assert "WARNING" not in out and "?:" not in out, out


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_embedded_database(tmp_path):
    env = _production_env(tmp_path)
    del env["DATABASE_URL"]
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_refuses_to_start_without_site_url(tmp_path):
    """The PDF's QR code and verify link, feeds and emails need the public address: no guessing."""
    env = _production_env(tmp_path)
    del env["PORTAL_SITE_URL"]
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "PORTAL_SITE_URL" in result.stderr


@pytest.mark.parametrize("value", ["juwei.example.org", "ftp://juwei.example.org", "https://"])
def test_production_refuses_a_site_url_that_is_not_an_address(tmp_path, value):
    result = _run(["manage.py", "check"], {**_production_env(tmp_path), "PORTAL_SITE_URL": value})
    assert result.returncode != 0
    assert "PORTAL_SITE_URL" in result.stderr and value in result.stderr


def test_dev_site_url_is_the_address_make_run_serves_on(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.PORTAL_SITE_URL)"
    env = _env(DJANGO_SETTINGS_MODULE="portal.settings.dev", PORTAL_VAR_DIR=str(tmp_path), PORT="8123")
    env.pop("PORTAL_SITE_URL", None)
    result = _run(["-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123"
    result = _run(["-c", code], {**env, "PORTAL_SITE_URL": "http://192.168.1.20:8123"})
    assert result.stdout.strip().splitlines()[-1] == "http://192.168.1.20:8123"


def test_production_security_settings(tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'hsts': s.SECURE_HSTS_SECONDS, 'ssl': s.SECURE_SSL_REDIRECT,"
        "'cookie': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE, 'mfa': s.PORTAL_MFA_REQUIRED}))"
    )
    result = _run(["-c", code], _production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    assert conf == {"debug": False, "hsts": 31536000, "ssl": True, "cookie": True, "csrf": True, "mfa": True}


def test_embedded_default_when_nothing_is_set(tmp_path):
    env = _env(DJANGO_SETTINGS_MODULE="portal.settings.dev", PORTAL_VAR_DIR=str(tmp_path))
    first = _run(["-c", PRINT_SETTINGS], env)
    assert first.returncode == 0, first.stderr
    conf = json.loads(first.stdout.strip().splitlines()[-1])

    assert conf["engine"] == "django.db.backends.sqlite3"
    assert conf["name"] == str(tmp_path / "db.sqlite3")
    assert conf["options"]["transaction_mode"] == "IMMEDIATE"
    # Shared by web, worker, beat and commands (tests/test_shared_cache.py runs two processes).
    assert conf["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert conf["cache_dir"] == str(tmp_path / "cache")
    assert conf["broker"].startswith("filesystem://")
    assert conf["broker_in"] == str(tmp_path / "celery" / "out")
    assert (tmp_path / "celery" / "out").is_dir()
    assert conf["backend"] == f"file://{tmp_path / 'celery' / 'results'}"
    assert conf["media"] == str(tmp_path / "media")

    # The generated secret is kept in var/ (owner-only) and reused by the next process.
    secret_file = tmp_path / "secret_key"
    assert secret_file.read_text().strip() == conf["secret"]
    assert len(conf["secret"]) >= 50
    assert secret_file.stat().st_mode & 0o077 == 0
    second = _run(["-c", PRINT_SETTINGS], env)
    assert json.loads(second.stdout.strip().splitlines()[-1])["secret"] == conf["secret"]

    # The embedded database opens in WAL mode (web, worker and beat share it). Migrating it and
    # serving from it is the smoke test's job (tests/test_stack.py).
    assert conf["journal"] == "wal"
    assert (tmp_path / "db.sqlite3").exists()


def test_environment_overrides_the_embedded_default(tmp_path):
    env = _env(
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        PORTAL_VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://someone@db.internal:5433/juwei",
        REDIS_URL="redis://cache.internal:6379/2",
        SECRET_KEY="x" * 60,
    )
    result = _run(["-c", PRINT_SETTINGS], env)
    assert result.returncode == 0, result.stderr
    conf = json.loads(result.stdout.strip().splitlines()[-1])
    assert conf["engine"] == "django.db.backends.postgresql"
    assert conf["name"] == "juwei"
    assert conf["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert conf["broker"] == "redis://cache.internal:6379/2"
    assert conf["backend"] == "redis://cache.internal:6379/2"
    assert conf["secret"] == "x" * 60
    assert not (tmp_path / "secret_key").exists()


def test_celery_configuration():
    from django.conf import settings

    from portal.celery import app

    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert conf.enable_utc is True
    assert conf.timezone == "UTC"
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "portal.tasks.ping" in app.tasks


@pytest.mark.django_db
def test_ping_task_reports_database(settings):
    from portal.tasks import ping

    result = ping.delay().get(timeout=10)  # eager in the test settings
    assert result["pong"] is True
    assert result["database"].startswith("test_")


def test_readme_documents_every_environment_variable():
    """Every variable the settings read appears in README.md's configuration table."""
    names = set()
    for path in (ROOT / "portal" / "settings").glob("*.py"):
        names |= set(
            re.findall(
                r"""(?:env|Env\(\))\.(?:str|bool|int|float|list|db|url|json)\(\s*["']([A-Z_]+)["']""",
                path.read_text(),
            )
        )
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "PORTAL_VAR_DIR"} <= names
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = sorted(name for name in names if f"| `{name}` |" not in table)
    assert not missing, f"README.md's configuration table lacks: {missing}"
