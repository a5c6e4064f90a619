"""Container health checks (docker-compose.yml): ``python scripts/healthcheck.py web|worker|beat``.

- web: ``GET /healthz`` (database reachable) with the first of ALLOWED_HOSTS as the Host header.
- worker: this container's Celery worker answers a remote-control ping through the broker.
- beat: beat keeps sending its periodic tasks: the most recent ``last_run_at`` of the enabled interval
  tasks is no older than twice the shortest interval plus a minute of grace.
Exit code 0 = healthy, 1 = unhealthy (with the reason on stderr).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")


def check_web(url: str = "http://127.0.0.1:8000/healthz") -> str | None:
    host = (os.environ.get("ALLOWED_HOSTS") or "localhost").split(",")[0].strip().lstrip(".") or "localhost"
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            if resp.status != 200:
                return f"/healthz answered {resp.status}"
    except Exception as e:  # noqa: BLE001
        return f"/healthz failed: {e}"
    return None


def check_worker(node: str | None = None) -> str | None:
    from portal.celery import app

    node = node or os.environ.get("CELERY_WORKER_NAME") or f"worker@{socket.gethostname()}"
    replies = app.control.ping(destination=[node], timeout=5)
    if not any(node in reply for reply in replies):
        return f"worker {node} did not answer a ping"
    return None


def check_beat(now: dt.datetime | None = None) -> str | None:
    import django

    django.setup()
    from django.utils import timezone
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    tasks = list(PeriodicTask.objects.filter(enabled=True, interval__isnull=False).select_related("interval"))
    if not tasks:
        return None  # nothing scheduled yet: nothing to be late for
    shortest = min(dt.timedelta(**{t.interval.period: t.interval.every}) for t in tasks)
    last = max((t.last_run_at for t in tasks if t.last_run_at), default=None)
    started = min(t.date_changed for t in tasks)
    reference = last or started
    allowed = 2 * shortest + dt.timedelta(minutes=1)
    if now - reference > allowed:
        return f"beat has sent no periodic task since {reference.isoformat()} (allowed gap {allowed})"
    return None


CHECKS = {"web": check_web, "worker": check_worker, "beat": check_beat}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in CHECKS:
        print(f"usage: healthcheck.py {'|'.join(CHECKS)}", file=sys.stderr)
        return 2
    problem = CHECKS[argv[0]]()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print("healthy")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
