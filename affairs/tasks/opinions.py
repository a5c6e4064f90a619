"""Daily reminders before an opinion's deadline and flags after it (idempotent: each item is
reminded and flagged once per deadline, so a second or late run changes nothing)."""

from __future__ import annotations

from celery import shared_task

from core import periodic

TASK = "affairs.tasks.remind_opinion_deadlines"


@shared_task(name=TASK)
def remind_opinion_deadlines() -> dict[str, int]:
    from affairs.services.opinions import reminders_due

    return reminders_due()


def register_schedule() -> None:
    periodic.register(
        "居民意见办理提醒（每日 08:30）",
        task=TASK,
        kind="crontab",
        spec={"minute": "30", "hour": "8", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        description="Remind owners one working day before an opinion's deadline and flag it after.",
    )
