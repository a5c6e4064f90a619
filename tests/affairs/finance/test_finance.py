"""Finance as data: exact amounts, entries checked, the statement computed (never typed), posted on
the board with right-aligned amounts, corrected as a new version, printed in the monthly sheet."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from affairs.models.finance import FinanceEntry, FinanceStatement
from affairs.services import finance as svc
from core.errors import RuleViolation
from notices.bodytext import display_html
from notices.disclosure.content import build_content
from notices.models import Category, Posting
from tests.affairs.opinions.conftest import at

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def entry(community, chair, day, kind, category, amount, item="摘要"):
    e = FinanceEntry(
        community=community,
        occurred_on=day,
        kind=kind,
        category=category,
        item=item,
        amount=amount,
        approver=chair,
    )
    return svc.entry_save(entry=e, actor=chair)


@pytest.fixture
def october(community, chair):
    entry(community, chair, dt.date(2026, 9, 20), "income", "grant", "1000.00")  # opening balance
    entry(community, chair, dt.date(2026, 10, 3), "income", "grant", "50000.00", "上级拨付社区工作经费")
    entry(community, chair, dt.date(2026, 10, 9), "income", "service_income", "5400.10", "停车管理收入")
    entry(community, chair, dt.date(2026, 10, 6), "expense", "office", "2350.50", "办公用品")
    entry(community, chair, dt.date(2026, 10, 12), "expense", "environment", "0.10", "垃圾袋")
    entry(community, chair, dt.date(2026, 11, 1), "expense", "office", "99.00")  # next month


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "金额须为数字"),
        ("-5", "金额必须大于零"),
        ("0", "金额必须大于零"),
        ("1.005", "两位小数"),
        ("NaN", "金额须为数字"),
    ],
)
def test_bad_amounts_are_refused(typed, message):
    with pytest.raises(RuleViolation, match=message):
        svc.parse_amount(typed)


def test_amounts_as_typed_are_exact():
    assert svc.parse_amount("1,200.5") == Decimal("1200.50")
    assert svc.parse_amount("￥300") == Decimal("300.00")


def test_kind_and_category_must_agree(community, chair):
    with pytest.raises(RuleViolation, match="与收支类别不符"):
        entry(community, chair, dt.date(2026, 10, 3), "income", "office", "10")
    assert not FinanceEntry.objects.exists()


def test_database_refuses_a_negative_amount(community, chair):
    e = FinanceEntry(
        community=community,
        occurred_on=OCT,
        kind="income",
        category="grant",
        item="x",
        amount=-1,
        approver=chair,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        e.save()


def test_statement_is_computed_from_the_entries(community, chair, october):
    s = svc.statement_generate(community=community, month=OCT, actor=chair)
    assert (s.opening_balance, s.income_total, s.expense_total) == (
        Decimal("1000.00"), Decimal("55400.10"), Decimal("2350.60")
    )  # fmt: skip
    assert s.closing_balance == Decimal("54049.50") and s.entries == 4


def test_database_refuses_a_typed_balance(community, chair, october):
    s = svc.statement_generate(community=community, month=OCT, actor=chair)
    with pytest.raises(IntegrityError), transaction.atomic():
        FinanceStatement.objects.filter(pk=s.pk).update(closing_balance=Decimal("1.00"))


def test_future_month_and_empty_month_are_refused(community, chair):
    with pytest.raises(RuleViolation, match="尚未开始"):
        svc.statement_generate(
            community=community, month=timezone.localdate() + dt.timedelta(days=40), actor=chair
        )
    s = svc.statement_generate(community=community, month=dt.date(2026, 1, 1), actor=chair)
    with pytest.raises(RuleViolation, match="没有收支明细"):
        svc.statement_post(statement=s, actor=chair)
    assert not Posting.objects.exists()


def test_posted_with_right_aligned_amounts_then_corrected(community, chair, october):
    s = svc.statement_generate(community=community, month=OCT, actor=chair)
    s, posting = svc.statement_post(statement=s, actor=chair)
    assert (posting.category, posting.title, posting.version) == (
        Category.FINANCE,
        "2026年10月财务收支公开",
        1,
    )
    html = display_html(posting.body)
    assert (
        '<td class="num">50,000.00</td>' in html and '<td class="num"><strong>54,049.50</strong></td>' in html
    )
    assert svc.statement_post(statement=s, actor=chair)[1] is None  # unchanged: nothing new
    office = FinanceEntry.objects.get(category="office", occurred_on=dt.date(2026, 10, 6))
    office.amount = "2450.50"
    svc.entry_save(entry=office, actor=chair)
    s, v2 = svc.statement_post(statement=s, actor=chair, note="办公费金额录入有误，予以更正")
    assert v2.version == 2 and v2.correction_note == "办公费金额录入有误，予以更正"
    assert s.closing_balance == Decimal("53949.50") and s.posting_id == v2.pk
    assert "53,949.50" in v2.body


def test_monthly_sheet_finance_section(community, chair, october):
    content = build_content(community=community, month=OCT, at=at(dt.date(2026, 11, 2)))
    data = next(s for s in content["sections"] if s["key"] == "finance")["data"]
    assert ["本月结余", "54,049.50"] in data["summary"] and ["上月结余", "1,000.00"] in data["summary"]
    assert ["收入", "上级拨付经费", "50,000.00"] in data["rows"]


# --- admin ---------------------------------------------------------------------------------------


def entry_form(community, chair, **kw):
    data = {"community": community.pk, "occurred_on": "2026-10-05", "kind": "expense", "category": "office",
            "item": "打印纸", "amount": "120.50", "approver": chair.pk}  # fmt: skip
    data.update(kw)
    return data


def test_admin_records_an_entry_with_a_voucher(chair_client, community, chair):
    voucher = SimpleUploadedFile("fapiao.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    r = chair_client.post(
        reverse("admin:affairs_financeentry_add"), {**entry_form(community, chair), "voucher": voucher}
    )
    assert r.status_code == 302
    e = FinanceEntry.objects.get()
    assert (e.amount, e.entered_by, bool(e.voucher)) == (Decimal("120.50"), chair, True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "-3"}, "金额必须大于零"),
        ({"amount": "十元"}, "金额须为数字"),
        ({"kind": "income"}, "与收支类别不符"),
    ],
)
def test_admin_bad_entry_is_a_form_message(chair_client, community, chair, changes, message):
    r = chair_client.post(
        reverse("admin:affairs_financeentry_add"), entry_form(community, chair, **changes), follow=True
    )
    assert message in r.content.decode() and not FinanceEntry.objects.exists()


def test_admin_refuses_a_voucher_of_the_wrong_type(chair_client, community, chair):
    voucher = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    r = chair_client.post(
        reverse("admin:affairs_financeentry_add"), {**entry_form(community, chair), "voucher": voucher}
    )
    assert r.status_code == 200 and "exe" in r.content.decode() and not FinanceEntry.objects.exists()


def test_admin_generates_and_posts_a_statement(chair_client, community, chair, october):
    r = chair_client.post(
        reverse("admin:affairs_financestatement_add"), {"community": community.pk, "month": "2026-10-15"}
    )
    assert r.status_code == 302
    s = FinanceStatement.objects.get()
    assert s.month == OCT and s.closing_balance == Decimal("54049.50")
    url = reverse("admin:affairs_financestatement_changelist")
    r = chair_client.post(url, {"action": "post_selected", "_selected_action": [s.pk]}, follow=True)
    assert "已发布到公开栏" in r.content.decode()
    assert Posting.objects.filter(category=Category.FINANCE).count() == 1
    assert chair_client.get(reverse("admin:affairs_financestatement_change", args=[s.pk])).status_code == 200


def test_desk_asks_for_last_months_statement_until_posted(community, chair):
    from core import desk

    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    entry(community, chair, last + dt.timedelta(days=2), "income", "grant", "100.00")

    def todo():
        return [t for t in desk.todos_for(chair) if str(t.label) == "上月收支表待公开"]

    assert todo() and todo()[0].count == 1
    s = svc.statement_generate(community=community, month=last, actor=chair)
    svc.statement_post(statement=s, actor=chair)
    assert not todo()


def test_admin_warns_when_a_posted_month_changes(chair_client, community, chair, october):
    s = svc.statement_generate(community=community, month=OCT, actor=chair)
    svc.statement_post(statement=s, actor=chair)
    r = chair_client.post(
        reverse("admin:affairs_financeentry_add"), entry_form(community, chair), follow=True
    )
    assert "收支表已经公开" in r.content.decode()


def test_desk_flags_a_posted_month_whose_entries_changed_until_posted_again(
    chair_client, community, chair, october
):
    from core import desk

    def todo():
        return [t for t in desk.todos_for(chair) if str(t.label) == "已公开的收支表与明细不符"]

    sep = svc.statement_generate(community=community, month=dt.date(2026, 9, 1), actor=chair)
    oct_ = svc.statement_generate(community=community, month=OCT, actor=chair)
    svc.statement_post(statement=sep, actor=chair)
    svc.statement_post(statement=oct_, actor=chair)
    assert not todo()
    # A September correction changes September's figures and October's opening balance.
    late = FinanceEntry.objects.get(occurred_on=dt.date(2026, 9, 20))
    late.amount = "1200.00"
    svc.entry_save(entry=late, actor=chair)
    (flag,) = todo()
    assert flag.count == 2
    listed = chair_client.get(flag.url).content.decode()
    assert listed.count("2026-09") >= 1 and listed.count("2026-10") >= 1
    svc.statement_post(statement=sep, actor=chair)
    (flag,) = todo()
    assert flag.count == 1  # October still shows the old opening balance
    listed = chair_client.get(flag.url).content.decode()
    assert "2026-10" in listed and "2026-09" not in listed
    svc.statement_post(statement=oct_, actor=chair)
    assert not todo()
    # A deleted entry of a posted month is caught too.
    FinanceEntry.objects.filter(occurred_on=dt.date(2026, 10, 12)).delete()
    assert todo()[0].count == 1
