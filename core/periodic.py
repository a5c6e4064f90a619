"""Periodic schedules of the apps above the board (reminders, recertification, overdue flags).

``manage.py setup_periodic_tasks`` (in notices, which owns the board's own schedules) writes every
schedule into django-celery-beat's tables. An app above notices cannot be imported by it, so it
registers its schedules here from ``AppConfig.ready()``::

    from core import periodic

    periodic.register(
        "居民意见办理提醒（每日 08:30）",
        task="affairs.tasks.remind_opinion_deadlines",
        kind="crontab",
        spec={"minute": "30", "hour": "8", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        description="Remind case officers before an opinion's deadline and flag it after.",
    )

``kind`` is ``"interval"`` (spec: ``every``, ``period``) or ``"crontab"`` (times in Asia/Shanghai).
"""

from __future__ import annotations

# name -> (task, kind, spec, description); the name is what staff see in the beat admin.
SCHEDULES: dict[str, tuple[str, str, dict, str]] = {}


def register(name: str, *, task: str, kind: str, spec: dict, description: str) -> None:
    if kind not in {"interval", "crontab"}:
        raise ValueError(f"unknown schedule kind {kind!r}")
    SCHEDULES[name] = (task, kind, spec, description)
