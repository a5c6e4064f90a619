"""Admin actions that run a service on each selected row and report refusals row by row."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib import messages
from django.db import models

from core.errors import RuleViolation


def run_service_on_each(
    request, *, items: Iterable[models.Model], service: Callable[[models.Model], object], done_message: str
) -> None:
    """Apply ``service`` to each selected item; report refusals item by item, never a 500.

    Keyword-only: the items and the service were once passed the wrong way round (a 500).
    """
    done = 0
    for item in items:
        try:
            service(item)
        except RuleViolation as e:
            messages.error(request, f"{item}：{'；'.join(e.messages)}")
        else:
            done += 1
    if done:
        messages.success(request, done_message % {"n": done})
