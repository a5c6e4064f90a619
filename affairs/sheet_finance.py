"""The monthly sheet's finance section (财务收支公开), computed from the entries like the posted
statement (``affairs.services.finance.statement_data``), replacing the board's list of postings."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affairs.services.finance import money, statement_data
from notices.disclosure.postings import handwritten
from notices.models import Category


def finance_section(ctx) -> dict:
    data = statement_data(community=ctx.community, month=ctx.month)
    # Finance notices typed by hand (a fund's quarterly statement, ...) are printed as posted.
    typed = handwritten(ctx, Category.FINANCE)
    extra = {"handwritten": {"postings": typed}} if typed else {}
    if not data.count:
        return extra or {"empty": gettext("本月无数据")}
    return extra | {
        "summary": [
            [gettext("上月结余"), money(data.opening)],
            [gettext("本月收入"), money(data.income)],
            [gettext("本月支出"), money(data.expense)],
            [gettext("本月结余"), money(data.closing)],
        ],
        "columns": [gettext("收支"), gettext("科目"), gettext("金额（元）")],
        "rows": [[k, c, money(v)] for k, c, v in data.lines],
        "note": gettext("本表由%(n)d笔收支明细自动汇总生成，凭证可到居委会查阅。") % {"n": data.count},
    }


def register() -> None:
    from notices.disclosure.content import register_section

    register_section(
        "finance",
        _("财务收支公开"),
        finance_section,
        20,
        template="notices/pdf/section_table_handwritten.html",
    )
