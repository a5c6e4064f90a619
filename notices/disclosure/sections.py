"""The built-in sections of the sheet (an app replaces one by registering under its key)."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notices.disclosure.content import _SECTIONS, MonthContext, register_section
from notices.disclosure.postings import CATEGORY_SECTIONS
from notices.models import Category


def postings_by_category(ctx: MonthContext) -> dict:
    """一、本月公开事项: every posting published in the month, grouped by category.

    Categories printed in full by a section of their own (finance, resolutions, hardship) get a
    pointer to that section instead of a second list of the same postings.
    """
    groups = []
    for value, label in Category.choices:
        rows = [p for p in ctx.postings if p["category"] == value]
        if not rows:
            continue
        claimed = CATEGORY_SECTIONS.get(value)
        if claimed in _SECTIONS:
            groups.append(
                {
                    "category": value,
                    "label": str(label),
                    "count": len(rows),
                    "see": str(_SECTIONS[claimed].title),
                }
            )
        else:
            groups.append({"category": value, "label": str(label), "count": len(rows), "postings": rows})
    counts = [[g["label"], g["count"]] for g in groups]
    return {"groups": groups, "counts": counts, "total": len(ctx.postings)}


def _detailed(ctx: MonthContext, *categories: str) -> dict:
    rows = [p for p in ctx.postings if p["category"] in categories]
    if not rows:
        return {"empty": gettext("本月无数据")}
    return {"postings": rows}


def finance_section(ctx: MonthContext) -> dict:
    return _detailed(ctx, Category.FINANCE)


def resolutions_section(ctx: MonthContext) -> dict:
    return _detailed(ctx, Category.RESOLUTION, Category.IMPLEMENTATION)


def opinions_section(ctx: MonthContext) -> dict:
    """Opinions handled and the handling rate. The affairs app replaces this provider; until then
    there is no data source and the sheet says so."""
    return {"empty": gettext("本月无数据"), "note": gettext("居民意见办理记录尚未接入本平台。")}


def hardship_section(ctx: MonthContext) -> dict:
    """Hardship (低保) postings of the month: title and window only; bodies (names, incomes) never."""
    rows = [
        [p["title"], p["publish"], p["expire"] or gettext("至撤回或替换"), _objections_text(p["objections"])]
        for p in ctx.postings
        if p["category"] == Category.HARDSHIP
    ]
    if not rows:
        return {"empty": gettext("本月无数据")}
    return {
        "columns": [gettext("公示事项"), gettext("公开开始"), gettext("公开结束"), gettext("异议")],
        "rows": rows,
        "note": gettext(
            "依法保护个人信息：申请人姓名已作脱敏处理，不公开身份证号、电话及收入明细，详情请到居委会查询。"
        ),
    }


def _objections_text(value) -> str:
    if value is None:
        return gettext("不适用")
    filed, answered = value
    if not filed:
        return gettext("无")
    return gettext("%(filed)d件，已答复%(answered)d件") % {"filed": filed, "answered": answered}


register_section(
    "postings", _("本月公开事项一览"), postings_by_category, 10, "notices/pdf/section_postings.html"
)
register_section("finance", _("财务收支公开"), finance_section, 20, "notices/pdf/section_detailed.html")
register_section(
    "resolutions", _("决议事项及实施结果"), resolutions_section, 30, "notices/pdf/section_detailed.html"
)
register_section("opinions", _("居民意见办理情况"), opinions_section, 40)
register_section("hardship", _("低保等救助公示"), hardship_section, 50)
