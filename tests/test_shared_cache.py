"""The embedded default (``make run``, no Redis) keeps one board cache for every process.

A web server and a second process (a management command, like the Celery worker or ``manage.py
shell``) run on the embedded default settings with their own ``PORTAL_VAR_DIR``: a posting the
second process publishes is on the web server's next response, and a posting it schedules a few
seconds ahead appears at its time, although the board was cached in between.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORE_VARS = (
    "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE",
)  # fmt: skip

SETUP = """
from core.models import Community, StreetOffice
office = StreetOffice.objects.create(name="幸福街道")
Community.objects.create(street_office=office, name="幸福社区", slug="xingfu")
"""

# Publishes through the service every app uses (the cache is bumped on commit, in this process).
PUBLISH = """
import datetime as dt, json, os
from django.utils import timezone
from core.models import Community
from notices.services import publish
title, delay = os.environ["TITLE"], float(os.environ["DELAY"])
at = timezone.now()
p = publish(community=Community.objects.get(slug="xingfu"), category="notice", title=title,
            publish_at=at + dt.timedelta(seconds=delay), expire_at=at + dt.timedelta(days=7))
print(json.dumps({"publish_at": p.publish_at.timestamp()}))
"""


def _env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in STORE_VARS}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.dev", PORTAL_VAR_DIR=str(var_dir), LOG_LEVEL="WARNING")
    return env


def _manage(env: dict, *args: str, **extra: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str = "/c/xingfu/") -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("ETag") or "", resp.read().decode()
    finally:
        conn.close()


def _publish(env: dict, title: str, delay: float) -> float:
    out = _manage(env, "shell", "-c", PUBLISH, TITLE=title, DELAY=str(delay))
    return json.loads(out.strip().splitlines()[-1])["publish_at"]


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """One migrated embedded-default site and its web server for the tests of this module."""
    env = _env(tmp_path_factory.mktemp("shared_cache") / "var")
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "shell", "-c", SETUP)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(port, "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield env, port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_posting_published_by_another_process_is_on_the_next_response(web):
    env, port = web
    status, etag, page = _get(port)
    assert status == 200 and "幸福社区" in page
    assert _get(port)[1] == etag  # the board is cached: the same rendering answers again

    _publish(env, "另一进程发布的停水通知", 0)
    assert "另一进程发布的停水通知" in _get(port)[2]


def test_a_posting_scheduled_by_another_process_appears_at_its_time(web):
    env, port = web
    _get(port)
    # A few seconds ahead; on a slow machine the first look may come too late to prove anything,
    # so try again further ahead (never more than a few seconds of waiting in all).
    for attempt, delay in enumerate((3, 6, 12)):
        title = f"三秒后开始的公示{attempt}"
        publish_at = _publish(env, title, delay)
        status, _, page = _get(port)
        if time.time() < publish_at:  # answered before its time: cached without it
            assert status == 200 and title not in page
            break
    else:
        pytest.fail("the machine is too slow to publish a posting 12 s ahead and look before it opens")
    time.sleep(max(0.0, publish_at - time.time()) + 0.05)
    assert title in _get(port)[2]
