"""What the meetings and motions part of the app registers with the base at start-up."""

from __future__ import annotations


def register() -> None:
    from affairs import meetings_demo, motions_desk, motions_disclosure, tasks  # noqa: F401
    from core import periodic

    periodic.register(
        "决议实施任务逾期催办（每日 08:40）",
        task="affairs.tasks.remind_overdue_implementation",
        kind="crontab",
        spec={"minute": "40", "hour": "8", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        description="Remind the owners of overdue implementation tasks of resolutions, once a day.",
    )
