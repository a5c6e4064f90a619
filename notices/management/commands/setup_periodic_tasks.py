"""The one place periodic schedules live (django-celery-beat's database scheduler, STYLE.md #13).

Idempotent: run after every ``migrate`` (``make run``, the compose ``migrate`` service); schedules are
updated in place by name, never duplicated. A schedule renamed here replaces the old entry: an entry
of ours (same task) under a name no longer listed is deleted, so beat never runs a task twice.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from core import periodic

LOCAL_TZ = "Asia/Shanghai"

# name -> (task, schedule kind, schedule, description)
SCHEDULES = {
    "公开期边界处理（每分钟）": (
        "notices.tasks.process_window_boundaries",
        "interval",
        {"every": 1, "period": IntervalSchedule.MINUTES},
        "Record windows that opened/closed and hand them to the items the postings cite (idempotent).",
    ),
    "公开期事项通知补发（每15分钟）": (
        "notices.tasks.redeliver_window_events",
        "interval",
        {"every": 15, "period": IntervalSchedule.MINUTES},
        "Queue again window events an item has not taken yet (worker died, retries ran out).",
    ),
    "公开登记簿登记码公布（每5分钟）": (
        "notices.tasks.publish_ledger_heads",
        "interval",
        {"every": 5, "period": IntervalSchedule.MINUTES},
        "Record each community's new ledger head outside the ledger table (idempotent).",
    ),
    "异议答复提醒（每日）": (
        "notices.tasks.remind_pending_objections",
        "crontab",
        {"minute": "0", "hour": "9", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        "Email staff about objections unanswered for PORTAL_OBJECTION_REMINDER_DAYS days.",
    ),
    "居务公开月报（每月1日 00:30）": (
        "notices.tasks.generate_monthly_disclosures",
        "crontab",
        {"minute": "30", "hour": "0", "day_of_week": "*", "day_of_month": "1", "month_of_year": "*"},
        "Last month's disclosure sheet for every community.",
    ),
}


class Command(BaseCommand):
    help = "Create or update the periodic Celery beat schedules (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        # The board's own schedules, then those the apps above it registered (core.periodic).
        schedules = {**SCHEDULES, **periodic.SCHEDULES}
        ours = {task for task, *_rest in schedules.values()}
        for stale in PeriodicTask.objects.filter(task__in=ours).exclude(name__in=schedules):
            stale.delete()
            self.stdout.write(f"removed: {stale.name} (renamed)")
        for name, (task, kind, spec, description) in schedules.items():
            defaults = {
                "task": task,
                "enabled": True,
                "description": description,
                "args": json.dumps([]),
                "kwargs": json.dumps({}),
                "interval": None,
                "crontab": None,
            }
            if kind == "interval":
                defaults["interval"], _ = IntervalSchedule.objects.get_or_create(**spec)
            else:
                defaults["crontab"], _ = CrontabSchedule.objects.get_or_create(**spec, timezone=LOCAL_TZ)
            _task, created = PeriodicTask.objects.update_or_create(name=name, defaults=defaults)
            verb = "created" if created else "updated"
            self.stdout.write(f"{verb}: {name} -> {task}")
