"""core.periodic: an app's registered schedule is written by setup_periodic_tasks, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from core import periodic

pytestmark = pytest.mark.django_db


def test_registered_schedule_is_created_once_and_updated_in_place(monkeypatch):
    monkeypatch.setattr(periodic, "SCHEDULES", {})
    spec = {"minute": "30", "hour": "8", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
    periodic.register("测试提醒（每日）", task="core.tests.noop", kind="crontab", spec=spec, description="x")
    call_command("setup_periodic_tasks")
    periodic.register("测试提醒（每日）", task="core.tests.noop2", kind="crontab", spec=spec, description="y")
    call_command("setup_periodic_tasks")
    task = PeriodicTask.objects.get(name="测试提醒（每日）")
    assert (task.task, task.description, task.crontab.hour, str(task.crontab.timezone)) == (
        "core.tests.noop2",
        "y",
        "8",
        "Asia/Shanghai",
    )


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown schedule kind"):
        periodic.register("x", task="t", kind="cron", spec={}, description="")
