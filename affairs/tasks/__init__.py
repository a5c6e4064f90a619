"""Celery tasks of the affairs app (one module per concept)."""

from affairs.tasks.motions import remind_overdue_implementation  # noqa: F401
