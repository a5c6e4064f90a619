"""Celery tasks of the affairs app (thin: they call services), one module per concept."""

from affairs.tasks.motions import remind_overdue_implementation  # noqa: F401
from affairs.tasks.opinions import remind_opinion_deadlines  # noqa: F401
