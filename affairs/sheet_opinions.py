"""Monthly opinion figures (received, solved, urgent, overdue, handling rate, satisfaction): the public
page and the monthly sheet's "居民意见办理情况" section (``notices.disclosure.content.register_section``
under the key the board's placeholder used, so the sheet no longer says 本月无数据).

Definitions, per month of *receipt* (items held as a possible flood are left out until released,
items not accepted — spam, duplicates, not the committee's matter — are left out altogether):
- 收到 received: items filed in the month;
- 解决 solved: of those, closed as solved (the seeds' 597 of 736);
- 紧急 urgent: of those, marked urgent;
- 逾期 overdue: of those, acknowledged or answered after its deadline, or still waiting past it;
- 办结率 handling rate: solved / received (the seeds' 81.11 %);
- 满意率 satisfaction: (满意 + 基本满意) / rated.

One SQL query for any number of communities (conditional aggregates grouped by community).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DateField, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affairs.models.opinions import OPEN_STATES, Opinion
from core.dates import month_bounds

S = Opinion.Status
FIGURES = ("received", "solved", "urgent", "overdue", "rated", "satisfied")


def overdue_q(today: dt.date) -> Q:
    return (
        Q(status=S.NEW, ack_due__lt=today)
        | Q(status__in=OPEN_STATES, answer_due__lt=today)
        | Q(acknowledged_at__date__gt=F("ack_due"))
        | Q(answered_at__date__gt=F("answer_due"))
    )


def _rate(part: int, whole: int) -> str:
    if not whole:
        return "-"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value}%"


def _aggregates(today: dt.date) -> dict:
    return {
        "received": Count("pk"),
        "solved": Count("pk", filter=Q(status=S.CLOSED, resolved=True)),
        "urgent": Count("pk", filter=Q(urgent=True)),
        "overdue": Count("pk", filter=overdue_q(today)),
        "rated": Count("pk", filter=~Q(rating="")),
        "satisfied": Count("pk", filter=Q(rating__in=[Opinion.Rating.SATISFIED, Opinion.Rating.FAIR])),
    }


def _counted(community_ids, start: dt.datetime, end: dt.datetime):
    return Opinion.objects.filter(
        community_id__in=list(community_ids), filed_at__gte=start, filed_at__lt=end, held=False
    ).exclude(status=S.DISMISSED)


def _with_rates(figures: dict) -> dict:
    figures["handling_rate"] = _rate(figures["solved"], figures["received"])
    figures["satisfaction"] = _rate(figures["satisfied"], figures["rated"])
    return figures


def monthly_figures(*, community_ids, month: dt.date, at: dt.datetime | None = None) -> dict[int, dict]:
    """``{community_id: {received, solved, urgent, overdue, rated, satisfied, handling_rate,
    satisfaction}}`` for the month of ``month`` as known at ``at`` (one query)."""
    at = at or timezone.now()
    start, end = month_bounds(month)
    rows = (
        _counted(community_ids, start, end)
        .values("community_id")
        .annotate(**_aggregates(timezone.localdate(at)))
        .order_by()
    )
    out = {cid: dict.fromkeys(FIGURES, 0) for cid in community_ids}
    for row in rows:
        out[row.pop("community_id")] = row
    return {cid: _with_rates(figures) for cid, figures in out.items()}


def figures_by_month(
    *, community_ids, months, at: dt.datetime | None = None
) -> dict[tuple[int, dt.date], dict]:
    """``{(community_id, month): figures}`` for several months at once, the same definitions as
    ``monthly_figures`` in one query (grouped by community and month of receipt in the portal's time
    zone): the public page's six months, or a year of every community, without a query per month."""
    at = at or timezone.now()
    months = sorted({m.replace(day=1) for m in months})
    out = {(cid, m): dict.fromkeys(FIGURES, 0) for cid in community_ids for m in months}
    if not months:
        return out
    start, end = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    tz = timezone.get_default_timezone()
    rows = (
        _counted(community_ids, start, end)
        .annotate(month=TruncMonth("filed_at", output_field=DateField(), tzinfo=tz))
        .values("community_id", "month")
        .annotate(**_aggregates(timezone.localdate(at)))
        .order_by()
    )
    for row in rows:
        key = (row.pop("community_id"), row.pop("month"))
        if key in out:  # a month inside the span but not asked for stays out
            out[key] = row
    return {key: _with_rates(figures) for key, figures in out.items()}


def figures_for(community, month: dt.date, at: dt.datetime | None = None) -> dict:
    return monthly_figures(community_ids=[community.pk], month=month, at=at)[community.pk]


def recent_months(today: dt.date, n: int) -> list[dt.date]:
    months, y, m = [], today.year, today.month
    for _i in range(n):
        months.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months


def opinions_section(ctx) -> dict:
    """The sheet's section: the month's figures, and the count per kind (no text, no names)."""
    f = figures_for(ctx.community, ctx.month, ctx.at)
    if not f["received"]:
        return {"empty": gettext("本月无数据")}
    start, end = ctx.start, ctx.end
    kinds = (
        Opinion.objects.filter(community=ctx.community, filed_at__gte=start, filed_at__lt=end, held=False)
        .exclude(status=S.DISMISSED)
        .values("category")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=S.CLOSED, resolved=True)))
        .order_by("-n", "category")
    )
    labels = dict(Opinion.Category.choices)
    return {
        "summary": [
            [gettext("收到"), f["received"]],
            [gettext("已解决"), f["solved"]],
            [gettext("紧急"), f["urgent"]],
            [gettext("逾期"), f["overdue"]],
            [gettext("办结率"), f["handling_rate"]],
            [gettext("满意率"), f["satisfaction"]],
        ],
        "columns": [gettext("类别"), gettext("收到（件）"), gettext("已解决（件）")],
        # Counts as text: the sheet's numeric-cell check reads 0 as empty (notices.bodytext.is_numeric).
        "rows": [[str(labels.get(k["category"], k["category"])), str(k["n"]), str(k["done"])] for k in kinds],
        "note": gettext(
            "办结率＝已解决件数÷收到件数；满意率＝（满意＋基本满意）÷参与评价件数；不予受理的重复、无效提交不计入。受理时限%(ack)d个工作日，答复时限%(answer)d个工作日。"
        )
        % {
            "ack": ctx.community.rules.opinion_ack_working_days,
            "answer": ctx.community.rules.opinion_answer_working_days,
        },
    }


def register() -> None:
    from notices.disclosure.content import register_section

    register_section("opinions", _("居民意见办理情况"), opinions_section, 40)
