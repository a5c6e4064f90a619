"""The monthly sheet's section "决议事项及实施结果": every resolution voted in the month and every
motion whose implementation moved in the month, with its status (replaces the board's generic list
of resolution postings)."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affairs.models.motions import Motion
from notices.disclosure.content import MonthContext, register_section
from notices.disclosure.postings import handwritten
from notices.models import Category

S = Motion.State


def _status(motion: Motion) -> str:
    if motion.state == S.RESULT_POSTED:
        return gettext("已实施，结果已公开")
    if motion.state == S.IMPLEMENTING:
        tasks = list(motion.tasks.all())
        done = sum(1 for t in tasks if t.done_at is not None)
        return gettext("实施中（%(done)d/%(n)d项完成）") % {"done": done, "n": len(tasks)}
    return motion.get_state_display()


def resolutions_section(ctx: MonthContext) -> dict:
    motions = list(
        Motion.objects.filter(community=ctx.community, vote_closed_at__isnull=False)
        .filter(
            Q(vote_closed_at__gte=ctx.start, vote_closed_at__lt=ctx.end)
            | Q(state__in=[S.RESOLUTION_POSTED, S.IMPLEMENTING], vote_closed_at__lt=ctx.end)
            | Q(result_posting__publish_at__gte=ctx.start, result_posting__publish_at__lt=ctx.end)
        )
        .select_related("meeting")
        .prefetch_related("tasks")
        .order_by("vote_closed_at", "pk")
    )
    # Resolution and result notices typed by hand are printed as posted.
    typed = handwritten(ctx, Category.RESOLUTION, Category.IMPLEMENTATION)
    extra = {"handwritten": {"postings": typed}} if typed else {}
    if not motions:
        return extra or {"empty": gettext("本月无数据")}
    rows = [
        [
            m.title,
            f"{timezone.localtime(m.vote_closed_at):%Y-%m-%d}",
            gettext("赞成%(yes)d/反对%(no)d/弃权%(abstain)d")
            % {"yes": m.yes_count, "no": m.no_count, "abstain": m.abstain_count},
            gettext("通过") if m.passed else gettext("未通过"),
            _status(m),
        ]
        for m in motions
    ]
    passed = sum(1 for m in motions if m.passed)
    return extra | {
        "columns": [
            gettext("议题"),
            gettext("表决日期"),
            gettext("表决结果"),
            gettext("结论"),
            gettext("实施情况"),
        ],
        "widths": ["", "m", "window", "s", "window"],
        "rows": rows,
        "summary": [[gettext("本月列入"), len(motions)], [gettext("其中通过"), passed]],
    }


register_section(
    "resolutions",
    _("决议事项及实施结果"),
    resolutions_section,
    30,
    template="notices/pdf/section_table_handwritten.html",
)
