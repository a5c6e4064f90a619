"""The Celery app (worker: ``celery -A portal worker``, beat: ``celery -A portal beat``).

Configuration lives in Django settings under the ``CELERY_`` prefix (portal/settings/base.py): late
acknowledgement, tasks re-queued when a worker dies, JSON only, UTC on the wire (display time zone
Asia/Shanghai is Django's ``TIME_ZONE``), beat schedules in the database (django-celery-beat).
Every task must be idempotent: with ``acks_late`` a task can run twice.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal", include=["portal.tasks"])
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
