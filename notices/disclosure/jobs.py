"""Generation jobs of the monthly disclosure sheet (月报生成任务).

Every request to generate a sheet (the admin's form and action, the beat task on the 1st) is a
:class:`~notices.models.DisclosureJob` with a state staff can see: 排队中 until a worker takes it,
生成中, then 已完成 with the sheet or 失败 with the reason. A job queued for long means no worker
is running; the admin says so instead of "已提交，稍后刷新" forever.

One community and month has at most one queued or running job (a partial unique constraint): a
request made twice while the first is waiting returns the same job. Running a job is idempotent: a
job already finished, or running in another worker, is left alone, so a message delivered twice
(late acknowledgement, a re-sent request) generates once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.dates import month_bounds
from core.errors import RuleViolation
from core.models import Community, User
from notices.disclosure.generate import disclosure_generate
from notices.models import DisclosureJob, MonthlyDisclosure

log = logging.getLogger(__name__)

# A worker takes a job within about a second (Redis) or half a second (the embedded broker); a
# job still queued after this long means no worker is taking jobs.
QUEUED_WARNING_AFTER = dt.timedelta(minutes=2)
# A sheet renders in seconds (1000 postings: ~5 s). A job "running" this long lost its worker
# (killed, restarted); a new request may replace it.
RUNNING_STALE_AFTER = dt.timedelta(minutes=30)
ERROR_MAX = 2000

State = DisclosureJob.State


def _enqueue(job_id: int) -> None:
    # By name: tasks call services, services never import tasks (no import cycle).
    from celery import current_app

    transaction.on_commit(lambda: current_app.tasks["notices.tasks.run_disclosure_job"].delay(job_id))


def disclosure_job_request(
    *,
    community: Community,
    month: dt.date,
    actor: User | None,
    at: dt.datetime | None = None,
    enqueue: bool = True,
) -> tuple[DisclosureJob, bool]:
    """Record a request to generate ``community``'s sheet of ``month`` and queue it for a worker.

    Returns ``(job, created)``. While a job for the same community and month is queued or running,
    that job is returned (``created`` False) and no second one is made; a job that has waited past
    :data:`QUEUED_WARNING_AFTER` is sent to the broker again (running it twice is harmless). A job
    left "running" by a lost worker is marked failed and replaced.
    """
    at = at or timezone.now()
    month = month.replace(day=1)
    if month > timezone.localtime(at).date():
        raise RuleViolation(_("%(month)s尚未开始，不能生成月报。"), params={"month": f"{month:%Y年%m月}"})
    with transaction.atomic():
        active = (
            DisclosureJob.objects.select_for_update()
            .filter(community=community, month=month, state__in=DisclosureJob.ACTIVE)
            .first()
        )
        if (
            active is not None
            and active.state == State.RUNNING
            and at - active.started_at > RUNNING_STALE_AFTER
        ):
            _finish(
                active,
                state=State.FAILED,
                at=at,
                error=gettext("后台任务中断（生成超时未完成），已重新提交。"),
            )
            active = None
        if active is not None:
            if enqueue and active.state == State.QUEUED and at - active.requested_at > QUEUED_WARNING_AFTER:
                _enqueue(active.pk)
            return active, False
        job = DisclosureJob(community=community, month=month, requested_by=actor, requested_at=at)
        try:
            with transaction.atomic():
                job.save()
        except IntegrityError:
            # A concurrent request made the active job first: that one stands for both.
            return DisclosureJob.objects.get(
                community=community, month=month, state__in=DisclosureJob.ACTIVE
            ), False
        if enqueue:
            _enqueue(job.pk)
    return job, True


def _finish(job: DisclosureJob, *, state: str, at: dt.datetime, error: str = "", **fields) -> None:
    job.state = state
    job.finished_at = at
    job.error = error[:ERROR_MAX]
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["state", "finished_at", "error", *fields])


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    return gettext("生成时出错：%(error)s") % {"error": f"{type(error).__name__}: {error}"}


def disclosure_job_run(*, job_id: int, at: dt.datetime | None = None) -> DisclosureJob | None:
    """Run a queued job: generate the sheet, record done (with the sheet) or failed (with the reason).

    ``at`` is when the sheet is generated (default: now); the sheet is a draft unless its month has
    ended by then. Returns the job, or None if it no longer exists. A job already done or failed,
    or running elsewhere and not stale, is returned untouched.
    """
    at = at or timezone.now()
    with transaction.atomic():
        job = DisclosureJob.objects.select_for_update().select_related("community").filter(pk=job_id).first()
        if job is None:
            log.warning("disclosure job %s is gone", job_id)
            return None
        if job.state in (State.DONE, State.FAILED):
            return job
        if job.state == State.RUNNING and at - job.started_at <= RUNNING_STALE_AFTER:
            return job
        job.state, job.started_at = State.RUNNING, at
        job.save(update_fields=["state", "started_at"])
    # The generation commits on its own: a failure below must not undo the "running" record.
    try:
        sheet, created = disclosure_generate(
            community=job.community, month=job.month, actor=job.requested_by, at=at
        )
    except Exception as e:  # every failure is recorded for staff; the traceback goes to the log
        if not isinstance(e, ValidationError):
            log.exception(
                "disclosure job %s (%s %s) failed", job.pk, job.community.slug, f"{job.month:%Y-%m}"
            )
        _finish(job, state=State.FAILED, at=timezone.now(), error=_reason(e))
        return job
    _finish(job, state=State.DONE, at=timezone.now(), disclosure=sheet, created_version=created)
    return job


# --- Reads for the admin ------------------------------------------------------------------------


def jobs_recent(*, communities, limit: int = 8) -> list[DisclosureJob]:
    """The latest jobs of ``communities`` (a queryset), newest first, with what the admin shows."""
    return list(
        DisclosureJob.objects.filter(community__in=communities)
        .select_related("community", "requested_by", "disclosure")
        .order_by("-requested_at", "-id")[:limit]
    )


def job_waiting_too_long(job: DisclosureJob, *, at: dt.datetime | None = None) -> bool:
    at = at or timezone.now()
    return job.state == State.QUEUED and at - job.requested_at > QUEUED_WARNING_AFTER


def job_running_too_long(job: DisclosureJob, *, at: dt.datetime | None = None) -> bool:
    at = at or timezone.now()
    return (
        job.state == State.RUNNING
        and job.started_at is not None
        and at - job.started_at > RUNNING_STALE_AFTER
    )


def months_to_finalise(*, community: Community, at: dt.datetime) -> list[dt.date]:
    """Ended months of ``community`` that have a draft but no final sheet yet (oldest first)."""
    rows = MonthlyDisclosure.objects.filter(community=community).values_list("month", "is_final")
    drafts = {m for m, final in rows if not final}
    finals = {m for m, final in rows if final}
    return sorted(m for m in drafts - finals if month_bounds(m)[1] <= at)
