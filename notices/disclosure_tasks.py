"""Celery tasks of the monthly disclosure sheet; re-exported by ``notices.tasks`` (their names are
``notices.tasks.*`` so beat schedules and the admin refer to them there).

Both are idempotent: ``disclosure_generate`` returns the stored version when the content is
unchanged, so a task run twice, or late, stores one version.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task(name="notices.tasks.generate_disclosure_for")
def generate_disclosure_for(community_id: int, month_iso: str, actor_id: int | None = None) -> dict:
    """Generate one community's sheet for ``month_iso`` ("2026-10" or "2026-10-01")."""
    from django.contrib.auth import get_user_model

    from committee.dates import parse_month
    from committee.models import Community
    from notices.disclosure import disclosure_generate

    month = parse_month(month_iso[:7])
    if month is None:
        raise ValueError(f"bad month {month_iso!r}")
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        log.warning("generate_disclosure_for: community %s is gone", community_id)
        return {"community": community_id, "month": month_iso[:7], "skipped": "no community"}
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    sheet, created = disclosure_generate(community=community, month=month, actor=actor)
    return {
        "community": community.slug,
        "month": f"{month:%Y-%m}",
        "version": sheet.version,
        "created": created,
    }


@shared_task(name="notices.tasks.generate_monthly_disclosures")
def generate_monthly_disclosures(month_iso: str | None = None) -> list[dict]:
    """Beat, day 1 at 00:30 Asia/Shanghai: last month's sheet for every community.

    One community failing does not stop the others; the failure is logged and re-raised at the end
    so the task shows as failed and can be retried (the sheets already stored are kept).
    """
    from committee.dates import previous_month
    from committee.models import Community

    today = timezone.localtime(timezone.now()).date()
    month = month_iso[:7] if month_iso else f"{previous_month(today):%Y-%m}"
    results, errors = [], []
    for community_id in Community.objects.order_by("pk").values_list("pk", flat=True):
        try:
            results.append(generate_disclosure_for.run(community_id, month))
        except Exception as e:  # keep going for the other communities
            log.exception("monthly disclosure failed for community %s %s", community_id, month)
            errors.append((community_id, e))
    if errors:
        raise RuntimeError(f"monthly disclosure failed for communities {[c for c, _ in errors]}") from errors[
            0
        ][1]
    return results
