"""Celery tasks of the hardship review (thin: each calls a function that is safe to run twice)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="assistance.tasks.open_recertifications")
def open_recertifications() -> dict:
    from assistance.recertification import open_recertifications as run

    return run()


@shared_task(name="assistance.tasks.recheck_cases")
def recheck_cases() -> int:
    """Re-run the cross-checks of every open case and every beneficiary (registry changes such as a
    member who moved out or died flag the case)."""
    from assistance.checks import refresh_flags
    from assistance.flow import OPEN_STATES
    from assistance.models import Case

    ids = list(
        Case.objects.filter(state__in=[*OPEN_STATES, Case.State.APPROVED]).values_list("pk", flat=True)
    )
    refresh_flags(ids)
    return len(ids)
