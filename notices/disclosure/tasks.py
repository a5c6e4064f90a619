"""Celery tasks of the monthly disclosure sheet; re-exported by ``notices.tasks`` (their names are
``notices.tasks.*`` so beat schedules and the admin refer to them there).

Both are idempotent: a generation job already finished is not run again, and
``disclosure_generate`` returns the stored version when the content is unchanged, so a task run
twice, or late, stores one version.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task(name="notices.tasks.run_disclosure_job")
def run_disclosure_job(job_id: int) -> dict | None:
    """Run one generation job (``notices.disclosure.jobs``); its outcome is recorded on the job."""
    from notices.disclosure.jobs import disclosure_job_run

    job = disclosure_job_run(job_id=job_id)
    if job is None:
        return None
    return {"job": job.pk, "state": job.state, "disclosure": job.disclosure_id, "error": job.error}


@shared_task(name="notices.tasks.generate_monthly_disclosures")
def generate_monthly_disclosures(month_iso: str | None = None) -> list[dict]:
    """Beat, day 1 at 00:30 Asia/Shanghai: the final sheet of last month for every community.

    Also finalises any earlier ended month that has only drafts (a month the task missed while the
    machine was off). Each sheet is a generation job run here, so staff see it in the admin like
    their own requests. One community failing does not stop the others; the failures are re-raised
    at the end so the task shows as failed and can be retried (the sheets already stored are kept).
    """
    from core.dates import parse_month, previous_month
    from core.models import Community
    from notices.disclosure.jobs import disclosure_job_request, disclosure_job_run, months_to_finalise
    from notices.models import DisclosureJob

    at = timezone.now()
    last = parse_month(month_iso[:7]) if month_iso else previous_month(timezone.localtime(at).date())
    if last is None:
        raise ValueError(f"bad month {month_iso!r}")
    results, failed = [], []
    for community in Community.objects.order_by("pk"):
        months = sorted({last, *months_to_finalise(community=community, at=at)})
        for month in months:
            job, _created = disclosure_job_request(
                community=community, month=month, actor=None, at=at, enqueue=False
            )
            job = disclosure_job_run(job_id=job.pk) or job
            result = {"community": community.slug, "month": f"{month:%Y-%m}", "state": job.state}
            if job.state == DisclosureJob.State.DONE:
                result.update(
                    version=job.disclosure.version, final=job.disclosure.is_final, created=job.created_version
                )
            elif job.state == DisclosureJob.State.FAILED:
                result["error"] = job.error
                failed.append(f"{community.slug} {month:%Y-%m}")
            results.append(result)
    if failed:
        raise RuntimeError(
            f"monthly disclosure failed for {failed}: {[r.get('error') for r in results if 'error' in r]}"
        )
    return results
