"""Celery tasks of the affairs app (thin: they call services), one module per concept."""

from affairs.tasks.opinions import remind_opinion_deadlines  # noqa: F401
