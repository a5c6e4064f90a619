"""Shared by bench_admin and bench_import: a fresh database per benchmark, Django in a subprocess.

Django reads ``DATABASE_URL`` once at start-up, so each benchmark creates its own database next to
the one given (same server), runs its measuring code in a child process pointed at it with the
demo's settings (``portal.settings.dev``, DEBUG off, persistent connections), and drops the
database afterwards. The child prints one JSON line with the figures.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import urlparse, urlunparse


def db_url(base: str, name: str) -> str:
    return urlunparse(urlparse(base)._replace(path=f"/{name}"))


def admin_sql(base: str, sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(db_url(base, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


class FreshDatabase:
    """``with FreshDatabase(ctx, "juwei_bench_h2_admin") as env:`` — migrated, dropped after."""

    def __init__(self, ctx, name: str):
        # Suffixed with the given database's name: several worktrees share one PostgreSQL server,
        # and two runs on one fixed name would drop each other's database mid-measurement.
        base = urlparse(ctx.database_url).path.lstrip("/")
        self.ctx, self.name = ctx, f"{name}_{base}" if base and base != "juwei" else name
        self.root = Path(ctx.root)
        self.python = str(self.root / ".venv" / "bin" / "python")

    def __enter__(self) -> dict:
        admin_sql(self.ctx.database_url, f"DROP DATABASE IF EXISTS {self.name}")
        admin_sql(self.ctx.database_url, f"CREATE DATABASE {self.name}")
        scratch = Path(self.ctx.scratch) / self.name
        scratch.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
            "DEBUG": "false",
            "DATABASE_URL": db_url(self.ctx.database_url, self.name),
            "REDIS_URL": self.ctx.redis_url,
            "CELERY_BROKER_URL": self.ctx.redis_url,
            "PORTAL_VAR_DIR": str(scratch / "var"),
            "PYTHONPATH": str(self.root),
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run([self.python, "manage.py", "migrate", "-v0"], env=self.env, cwd=self.root, check=True)
        return self.env

    def __exit__(self, *exc) -> None:
        admin_sql(self.ctx.database_url, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def call(self, module: str, function: str, *args: str) -> dict:
        done = subprocess.run(
            [self.python, "-c", f"import sys, {module} as m; m.{function}(*sys.argv[1:])", *args],
            env=self.env,
            cwd=self.root,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"{module}.{function} failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


def measure(fn, repeat: int) -> tuple[object, list[str], list[float]]:
    """``fn`` once to warm up, once with its SQL captured, then ``repeat`` timed runs (in a child
    process where Django is set up). Returns (the warm-up's value, the SQL, the seconds)."""
    import time

    from django.db import connection

    value = fn()
    captured: list[str] = []

    def record(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return value, captured, times


def median(values: list[float]) -> float:
    s = sorted(values)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def yes(ok: bool) -> str:
    return "yes" if ok else "**no**"
