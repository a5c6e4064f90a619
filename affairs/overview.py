"""The affairs columns of the communities overview (core/overview.py): this month's opinions and
last month's finance statement."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from affairs.models.finance import FinanceEntry, FinanceStatement
from affairs.sheet_opinions import monthly_figures
from core import overview


def opinions_this_month(communities, at):
    month = timezone.localdate(at).replace(day=1)
    figures = monthly_figures(community_ids=[c.pk for c in communities], month=month, at=at)
    url = reverse("admin:affairs_opinion_changelist")
    out = {}
    for c in communities:
        f = figures.get(c.pk)
        if not f or not f["received"]:
            out[c.pk] = _("本月未收到")
            continue
        text = _("收到%(received)d件，办结率%(rate)s，逾期%(overdue)d件") % {
            "received": f["received"],
            "rate": f["handling_rate"],
            "overdue": f["overdue"],
        }
        out[c.pk] = overview.Cell(text, f"{url}?{urlencode({'community': c.pk})}")
    return out


def finance_last_month(communities, at):
    today = timezone.localdate(at)
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    posted = set(
        FinanceStatement.objects.filter(
            community__in=communities, month=last, posting_id__isnull=False
        ).values_list("community_id", flat=True)
    )
    with_entries = set(
        FinanceEntry.objects.filter(
            community__in=communities, occurred_on__gte=last, occurred_on__lt=today.replace(day=1)
        ).values_list("community_id", flat=True)
    )
    return {
        c.pk: _("已公开") if c.pk in posted else (_("未公开") if c.pk in with_entries else _("无收支"))
        for c in communities
    }


def register() -> None:
    overview.register_column("opinions_month", gettext_lazy("本月居民意见"), opinions_this_month, order=30)
    overview.register_column("finance_last_month", gettext_lazy("上月收支表"), finance_last_month, order=31)
