"""A real Celery worker (subprocess) on the test Redis, reading the pytest-django test database."""

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).parent / "celery"


def _database_url() -> str:
    """The URL of the database this test runs in (``test_<name>``), for the worker subprocess."""
    s = connection.settings_dict
    auth = s["USER"] or ""
    if s["PASSWORD"]:
        auth += f":{s['PASSWORD']}"
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """``celery -A portal worker`` consuming one private queue, so parallel runs never share tasks."""

    def __init__(self, tmp_path):
        self.queue = f"test-{uuid.uuid4().hex[:12]}"
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(
            DJANGO_SETTINGS_MODULE="portal.settings.test",
            DATABASE_URL=_database_url(),
            REDIS_URL=os.environ["REDIS_URL"],
            CELERY_BROKER_URL=os.environ["REDIS_URL"],
            CELERY_RESULT_BACKEND=os.environ["REDIS_URL"],
            PORTAL_VAR_DIR=str(tmp_path / "var"),
        )
        self.log = []
        self.proc = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.log.append(line)
            if " ready." in line:
                self.ready.set()

    def output(self) -> str:
        return "".join(self.log)

    def wait_for_log(self, text: str, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def worker(django_db_setup, tmp_path_factory):
    """One worker for the module (it starts in seconds); the last test stops it."""
    w = Worker(tmp_path_factory.mktemp("worker"))
    yield w
    w.stop()


@pytest.fixture
def live_celery():
    """The in-process app sends to the real broker instead of running tasks eagerly."""
    from portal.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = old


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_task_against_test_database(worker, live_celery):
    from core.models import Community, StreetOffice
    from portal.tasks import ping

    office = StreetOffice.objects.create(name="测试街道")
    Community.objects.create(street_office=office, name="幸福社区", slug="xingfu-worker")
    assert worker.ready.wait(60), f"worker did not come up:\n{worker.output()}"

    started = time.monotonic()
    result = ping.apply_async(queue=worker.queue).get(timeout=60)
    latency = time.monotonic() - started

    assert result["pong"] is True
    assert result["database"] == connection.settings_dict["NAME"]
    assert result["database"].startswith("test_")
    assert "xingfu-worker" in result["communities"]
    # The worker logs the success just after storing the result.
    assert worker.wait_for_log("] succeeded in"), worker.output()
    assert "Task portal.tasks.ping[" in worker.output()

    # The compose health check for workers pings this very worker through the broker.
    sys.path.insert(0, str(ROOT / "scripts"))
    import healthcheck

    assert healthcheck.check_worker(f"{worker.queue}@{socket.gethostname()}") is None
    assert "did not answer" in healthcheck.check_worker(f"nobody-{worker.queue}@{socket.gethostname()}")
    print(f"round trip through the worker: {latency:.2f} s")


@pytest.mark.django_db(transaction=True)
def test_real_worker_records_window_boundaries_once(worker, live_celery):
    """The board's periodic task, run twice by the worker: the second run records nothing new."""
    from django.utils import timezone

    from notices.models import WindowEvent
    from notices.tasks import process_window_boundaries
    from tests.factories import released_posting

    opened_at = timezone.now() - dt.timedelta(hours=1)
    posting = released_posting(publish_at=opened_at, at=opened_at)
    assert worker.ready.wait(60), f"worker did not come up:\n{worker.output()}"

    at = timezone.now().isoformat()  # JSON on the wire
    first = process_window_boundaries.apply_async(kwargs={"at": at}, queue=worker.queue).get(timeout=60)
    second = process_window_boundaries.apply_async(kwargs={"at": at}, queue=worker.queue).get(timeout=60)

    assert first == {"opened": 1, "closed": 0}
    assert second == {"opened": 0, "closed": 0}
    events = WindowEvent.objects.filter(posting=posting)
    assert [(e.kind, e.boundary_at) for e in events] == [(WindowEvent.Kind.OPENED, opened_at)]


def test_worker_stops_cleanly_on_sigterm(worker):
    """Last in the module: stops the shared worker."""
    assert worker.ready.wait(60), f"worker did not come up:\n{worker.output()}"
    worker.stop()
    assert worker.proc.returncode == 0, worker.output()
