"""Writes of finance disclosure: record an entry, generate the month's statement, post it.

DOMAIN.md "Public affairs disclosure": finance in and out is posted on the board and printed in the
monthly sheet. Amounts are exact decimals; the statement's totals and balance are computed here from
the entries (and checked again by a database constraint), never typed. Posting the statement again
after an entry was corrected publishes a new version of the same posting (the board's correction),
so the record shows both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from affairs.models.finance import INCOME_CATEGORIES, FinanceEntry, FinanceStatement
from core.dates import month_bounds
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from notices.attachments import check_upload

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
E = FinanceEntry


def parse_amount(value) -> Decimal:
    """An amount as typed (``1,200.50``, ``￥300``) as an exact Decimal; a clear message otherwise."""
    if isinstance(value, Decimal):
        amount = value
    else:
        text = str(value or "").strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise RuleViolation({"amount": [_("金额须为数字，如 1200.50。")]}) from None
    if not amount.is_finite():
        raise RuleViolation({"amount": [_("金额须为数字，如 1200.50。")]})
    if amount <= 0:
        raise RuleViolation({"amount": [_("金额必须大于零；收入或支出由“收支”一栏区分。")]})
    if amount != amount.quantize(CENT):
        raise RuleViolation({"amount": [_("金额最多保留两位小数（精确到分）。")]})
    if amount > MAX_AMOUNT:
        raise RuleViolation({"amount": [_("金额过大，请核对。")]})
    return amount.quantize(CENT)


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def entry_save(*, entry: FinanceEntry, actor, at: dt.datetime | None = None) -> FinanceEntry:
    """Record or correct an entry (the admin's save). The kind and the category must agree."""
    check_scope(actor, entry.community_id)
    entry.amount = parse_amount(entry.amount)
    if entry.voucher and not entry.voucher._committed:  # a new upload: judged by content
        check_upload(entry.voucher.file)
    income = entry.category in INCOME_CATEGORIES
    if entry.kind and (entry.kind == E.Kind.INCOME) != income:
        raise RuleViolation(
            {"category": [_("科目“%(c)s”与收支类别不符。") % {"c": entry.get_category_display()}]}
        )
    if entry.pk is None:
        entry.entered_by = actor if getattr(actor, "pk", None) else None
    save_governed(entry, actor=actor, reason=_("录入财务收支") if entry._state.adding else _("更正财务收支"))
    return entry


@dataclass
class StatementData:
    month: dt.date
    opening: Decimal
    income: Decimal
    expense: Decimal
    count: int
    lines: list[tuple[str, str, Decimal]] = field(default_factory=list)  # (收/支, 科目, 合计)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.income - self.expense


def statement_data(*, community, month: dt.date) -> StatementData:
    """The month's figures from the entries (two queries): opening balance is every earlier entry."""
    start, end = month_bounds(month)
    start_d, end_d = start.date(), end.date()
    qs = FinanceEntry.objects.filter(community=community)
    before = qs.filter(occurred_on__lt=start_d).aggregate(
        i=Sum("amount", filter=Q(kind=E.Kind.INCOME)), e=Sum("amount", filter=Q(kind=E.Kind.EXPENSE))
    )
    # Quantized: SQLite (the embedded demo) sums decimals in floating point.
    opening = (Decimal(before["i"] or 0) - Decimal(before["e"] or 0)).quantize(CENT)
    rows = (
        qs.filter(occurred_on__gte=start_d, occurred_on__lt=end_d)
        .values("kind", "category")
        .annotate(total=Sum("amount"), n=Count("pk"))
        .order_by()
    )
    labels = dict(E.Category.choices)
    order = {c: i for i, c in enumerate(E.Category.values)}
    data = StatementData(month=_month(month), opening=opening, income=Decimal(0), expense=Decimal(0), count=0)
    for row in sorted(rows, key=lambda r: (r["kind"] != E.Kind.INCOME, order.get(r["category"], 99))):
        row["total"] = Decimal(row["total"]).quantize(CENT)
        kind_label = str(E.Kind(row["kind"]).label)
        data.lines.append((kind_label, str(labels.get(row["category"], row["category"])), row["total"]))
        data.count += row["n"]
        if row["kind"] == E.Kind.INCOME:
            data.income += row["total"]
        else:
            data.expense += row["total"]
    return data


def statements_out_of_date(*, communities) -> list[FinanceStatement]:
    """Posted statements whose figures no longer match the entries (an entry of that month or an
    earlier one was added, corrected or deleted after posting): the board shows old figures until
    the month is posted again. One grouped query over the entries, whatever the number of months."""
    from django.db.models.functions import TruncMonth

    posted = list(
        FinanceStatement.objects.filter(community__in=communities, posting_id__isnull=False).order_by(
            "community_id", "month"
        )
    )
    if not posted:
        return []
    per_month: dict[tuple[int, dt.date], dict] = {}
    for row in (
        FinanceEntry.objects.filter(community_id__in={st.community_id for st in posted})
        .annotate(m=TruncMonth("occurred_on"))
        .values("community_id", "m", "kind")
        .annotate(total=Sum("amount"), n=Count("pk"))
        .order_by()
    ):
        month = row["m"].date() if isinstance(row["m"], dt.datetime) else row["m"]
        figures = per_month.setdefault(
            (row["community_id"], month), {"i": Decimal(0), "e": Decimal(0), "n": 0}
        )
        figures["i" if row["kind"] == E.Kind.INCOME else "e"] += Decimal(row["total"]).quantize(CENT)
        figures["n"] += row["n"]
    stale = []
    for st in posted:
        opening = sum(
            (f["i"] - f["e"] for (c, m), f in per_month.items() if c == st.community_id and m < st.month),
            Decimal(0),
        )
        now = per_month.get((st.community_id, st.month), {"i": Decimal(0), "e": Decimal(0), "n": 0})
        if (opening.quantize(CENT), now["i"], now["e"], now["n"]) != (
            st.opening_balance,
            st.income_total,
            st.expense_total,
            st.entries,
        ):
            stale.append(st)
    return stale


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def statement_body(community, data: StatementData) -> str:
    """The posting's HTML: a three-column table whose amount cells the board right-aligns."""
    rows = "".join(
        f"<tr><td>{escape(k)}</td><td>{escape(c)}</td><td>{money(v)}</td></tr>" for k, c, v in data.lines
    )
    # Three cells per row (the board's sanitizer keeps no colspan), so every amount is in the
    # right-aligned amount column.
    totals = [
        (_("结余"), _("上月结余"), data.opening),
        (_("合计"), _("本月收入"), data.income),
        (_("合计"), _("本月支出"), data.expense),
        (_("结余"), _("本月结余"), data.closing),
    ]
    rows += "".join(
        f"<tr><td><strong>{escape(a)}</strong></td><td><strong>{escape(b)}</strong></td>"
        f"<td><strong>{money(v)}</strong></td></tr>"
        for a, b, v in totals
    )
    head = _("现将本社区%(y)d年%(m)d月财务收支情况公开如下（单位：元），共%(n)d笔，请居民监督。") % {
        "y": data.month.year,
        "m": data.month.month,
        "n": data.count,
    }
    return (
        f"<p>{escape(head)}</p><table><thead><tr><th>{_('收支')}</th><th>{_('科目')}</th>"
        f"<th>{_('金额')}</th></tr></thead><tbody>{rows}</tbody></table>"
        f"<p>{escape(_('本表由收支明细自动汇总生成。如有疑问，请于公开之日起10日内向居务监督委员会反映。'))}</p>"
    )


@transaction.atomic
def statement_generate(
    *, community, month: dt.date, actor, at: dt.datetime | None = None
) -> FinanceStatement:
    """Compute (or recompute) the month's statement from its entries."""
    at = at or timezone.now()
    check_scope(actor, community.pk)
    month = _month(month)
    if month > _month(timezone.localdate(at)):
        raise RuleViolation(_("不能生成尚未开始的月份的收支表。"))
    data = statement_data(community=community, month=month)
    statement = FinanceStatement.objects.select_for_update().filter(
        community=community, month=month
    ).first() or FinanceStatement(community=community, month=month)
    statement.opening_balance = data.opening
    statement.income_total = data.income
    statement.expense_total = data.expense
    statement.closing_balance = data.closing
    statement.entries = data.count
    statement.generated_at = at
    # The balance rule is the database's (a CHECK constraint); Django's own pre-check of it would
    # compare decimals as text on the embedded SQLite demo, so only the fields are validated here.
    statement.full_clean(validate_constraints=False)
    save_governed(statement, actor=actor, reason=_("生成月度收支表"), validate=False)
    return statement


@transaction.atomic
def statement_post(
    *, statement: FinanceStatement, actor, note: str = "", at: dt.datetime | None = None, days: int = 30
):
    """Generate the statement afresh and post it on the board; a statement already posted is
    corrected (a new version) when its figures changed, and left alone when they did not."""
    from notices import services as board
    from notices.models import Category, Posting
    from notices.sanitize import sanitize_body

    at = at or timezone.now()
    statement = FinanceStatement.objects.select_for_update().get(pk=statement.pk)
    check_scope(actor, statement.community_id)
    community = statement.community
    data = statement_data(community=community, month=statement.month)
    if not data.count:
        raise RuleViolation(_("%(m)s没有收支明细，不能公开。") % {"m": f"{statement.month:%Y-%m}"})
    statement = statement_generate(community=community, month=statement.month, actor=actor, at=at)
    body = statement_body(community, data)
    title = _("%(y)d年%(m)d月财务收支公开") % {"y": statement.month.year, "m": statement.month.month}
    posting = Posting.objects.filter(pk=statement.posting_id).first() if statement.posting_id else None
    if posting is not None and posting.body == sanitize_body(body):
        return statement, None  # already posted with these very figures
    if posting is None:
        posting = board.publish(
            community=community,
            category=Category.FINANCE,
            title=title,
            body=body,
            expire_at=at + dt.timedelta(days=days),
            sources=[statement],
            actor=actor,
            at=at,
        )
    else:
        posting = board.posting_new_version(
            posting,
            actor=actor,
            correction_note=(note or "").strip() or _("根据更正后的收支明细重新生成"),
            at=at,
            body=body,
        )
    statement.posting_id = posting.pk
    statement.posted_at = at
    save_governed(statement, actor=actor, reason=_("公开月度收支表"), validate=False)
    return statement, posting
