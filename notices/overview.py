"""The board's columns of the communities overview (core/overview.py)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import overview
from notices.models import MonthlyDisclosure, Objection, Posting
from notices.selectors import visible_q


def _counts(qs, field: str) -> dict[int, int]:
    return dict(qs.values_list(field).annotate(n=Count("pk")).order_by())


def postings_public(communities, at):
    counts = _counts(Posting.objects.filter(visible_q(at), community__in=communities), "community_id")
    url = reverse("admin:notices_posting_changelist")
    return {
        c.pk: overview.Cell(
            str(counts.get(c.pk, 0)), f"{url}?{urlencode({'community': c.pk, 'window': 'public'})}"
        )
        for c in communities
    }


def objections_pending(communities, at):
    counts = _counts(
        Objection.objects.filter(status=Objection.Status.PENDING, posting__community__in=communities),
        "posting__community_id",
    )
    url = reverse("admin:notices_objection_changelist")
    return {
        c.pk: overview.Cell(
            str(counts.get(c.pk, 0)),
            f"{url}?{urlencode({'community': c.pk, 'status__exact': 'pending'})}",
        )
        for c in communities
    }


def last_sheet(communities, at):
    today = timezone.localdate(at)
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    done = set(
        MonthlyDisclosure.objects.filter(community__in=communities, month=last, is_final=True).values_list(
            "community_id", flat=True
        )
    )
    return {c.pk: _("已生成") if c.pk in done else _("未生成") for c in communities}


def register() -> None:
    overview.register_column("postings_public", gettext_lazy("公示中"), postings_public, order=10)
    overview.register_column("objections_pending", gettext_lazy("待答复异议"), objections_pending, order=11)
    overview.register_column("last_sheet", gettext_lazy("上月月报"), last_sheet, order=12)
