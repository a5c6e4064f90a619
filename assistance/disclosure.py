"""The hardship section of the monthly disclosure sheet (居务公开月报): the cases posted in the
month, listed as the posting listed them (masked name, household size, programme, amount)."""

from __future__ import annotations

from django.utils.translation import gettext


def hardship_section(ctx) -> dict:
    from assistance.models import Case
    from assistance.services.posting import public_rows
    from notices.models import Category

    postings = {p["id"]: p for p in ctx.postings if p["category"] == Category.HARDSHIP}
    if not postings:
        return {"empty": gettext("本月无数据")}
    cases = list(
        Case.objects.filter(posting_id__in=list(postings))
        .select_related("applicant", "programme")
        .prefetch_related("investigations", "members")
        .order_by("posting_id", "pk")
    )
    rows = []
    by_posting: dict[int, list] = {}
    for c in cases:
        by_posting.setdefault(c.posting_id, []).append(c)
    for pk, p in postings.items():
        listed = by_posting.get(pk)
        if not listed:
            # A hardship posting written by hand (no cases behind it): its title and window only.
            rows.append([p["title"], "-", "-", "-", p["window"], _objections(p["objections"])])
            continue
        for r in public_rows(listed):
            rows.append(
                [
                    r.name,
                    str(r.household_size),
                    r.programme,
                    r.amount,
                    p["window"],
                    _objections(p["objections"]),
                ]
            )
    return {
        "columns": [
            gettext("申请人（或公示事项）"),
            gettext("家庭人口"),
            gettext("救助类别"),
            gettext("救助金额（元/月）"),
            gettext("公示期"),
            gettext("异议"),
        ],
        "widths": ["", "s", "s", "m", "window", "s"],
        "rows": rows,
        "note": gettext(
            "依法保护个人信息：申请人姓名已作脱敏处理，不公开身份证号、住址及收入明细，详情请到居委会查询。"
        ),
    }


def _objections(value) -> str:
    """Objection counts of the posting, never who (as the board's own sections print them)."""
    if value is None:
        return gettext("不适用")
    filed, answered = value
    if not filed:
        return gettext("无")
    return gettext("%(filed)d件，已答复%(answered)d件") % {"filed": filed, "answered": answered}
