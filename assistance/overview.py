"""The hardship column of the communities overview (core/overview.py): cases in hand and how many
carry a cross-check flag. Counts only: no applicant is named."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assistance.checks import OPEN
from assistance.models import Case
from core import overview


def cases_in_hand(communities, at):
    rows = (
        Case.objects.filter(community__in=communities, state__in=OPEN)
        .values("community_id")
        .annotate(
            n=Count("pk", distinct=True), flagged=Count("pk", filter=Q(flags__isnull=False), distinct=True)
        )
        .order_by()
    )
    counts = {r["community_id"]: r for r in rows}
    url = reverse("admin:assistance_case_changelist")
    out = {}
    for c in communities:
        r = counts.get(c.pk)
        if not r:
            out[c.pk] = _("无在办")
            continue
        text = _("在办%(n)d件，其中%(flagged)d件有核查提示") % r
        link = {"community": c.pk, "open": "yes"}
        if r["flagged"]:
            link["flags"] = "any"
        out[c.pk] = overview.Cell(text, f"{url}?{urlencode(link)}")
    return out


def register() -> None:
    overview.register_column("cases", gettext_lazy("低保与困难救助"), cases_in_hand, order=40)
