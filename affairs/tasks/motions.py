"""Celery tasks of motions (thin: the work is in ``affairs.services``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="affairs.tasks.remind_overdue_implementation")
def remind_overdue_implementation() -> int:
    """Daily: remind the owners of overdue implementation tasks (once a day per task)."""
    from affairs.services.implementation import remind_overdue_tasks

    return remind_overdue_tasks()
