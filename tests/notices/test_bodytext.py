"""Posting bodies read as text (board excerpts, the feed, the monthly sheet) and shown as tables.

Cells are never glued together ("黎*霞 · 5 · 700.00", not "黎*霞5700.00"), amounts align right and
never break, and a table on a phone scrolls in its own box.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from notices import bodytext, services
from notices.disclosure import build_content
from notices.disclosure.render import render_html
from notices.models import Category
from tests.factories import CommunityFactory
from tests.notices.board_helpers import NOW, posting

HARDSHIP = (
    "<p>经评议，下列家庭拟享受最低生活保障：</p>"
    "<table><thead><tr><th>申请人</th><th>家庭人口</th><th>月保障金额（元）</th></tr></thead>"
    "<tbody><tr><td>黎*霞</td><td>5</td><td>700.00</td></tr>"
    "<tr><td>张*明</td><td>3</td><td>1,200.00</td></tr></tbody></table>"
    "<p>公示期7天。</p>"
)
FINANCE = (
    "<table><thead><tr><th>类别</th><th>项目</th><th>金额</th></tr></thead><tbody>"
    "<tr><td>收入</td><td>上级拨付社区工作经费</td><td>56,000.00</td></tr>"
    "<tr><td>支出</td><td>文体活动</td><td>800.00</td></tr>"
    "<tr><td><strong>合计</strong></td><td>收入 56,000.00；支出 800.00</td><td>结余 55,200.00</td></tr>"
    "</tbody></table>"
)


def test_plain_text_keeps_cells_and_rows_apart():
    text = bodytext.plain_text(HARDSHIP)
    assert text == (
        "经评议，下列家庭拟享受最低生活保障： 申请人 · 家庭人口 · 月保障金额（元）；"
        "黎*霞 · 5 · 700.00；张*明 · 3 · 1,200.00；公示期7天。"
    )
    assert (
        bodytext.plain_text("<p>第一段</p><p>第二段</p><ul><li>甲</li><li>乙</li></ul>")
        == "第一段 第二段 甲 乙"
    )
    assert bodytext.plain_text("<p>金额<strong>5</strong>元 &amp; 其他</p>") == "金额5元 & 其他"
    assert bodytext.plain_text("") == ""


def test_excerpt_is_the_start_of_the_text():
    short = bodytext.excerpt(HARDSHIP, 30)
    assert short.startswith("经评议，下列家庭拟享受最低生活保障： 申请人 · 家庭") and len(short) <= 33
    assert bodytext.excerpt(HARDSHIP, 500) == bodytext.plain_text(HARDSHIP)


@pytest.mark.parametrize(
    ("cell", "numeric"),
    [
        ("56,000.00", True),
        ("700.00 元", True),
        ("5", True),
        ("-3.5%", True),
        ("¥1,200", True),
        ("结余 49,799.50", True),
        ("合计：5户", True),
        ("收入 69,900.00；支出 20,100.50", False),
        ("2026年6月至12月", False),
        ("2026-03-01", False),
        ("上级拨付社区工作经费", False),
        ("", False),
    ],
)
def test_numeric_cells(cell, numeric):
    assert bodytext.is_numeric(cell) is numeric


def test_display_html_marks_numbers_and_boxes_tables():
    html = bodytext.display_html(FINANCE)
    assert '<td class="num">56,000.00</td>' in html and '<td class="num">结余 55,200.00</td>' in html
    assert "<td>收入 56,000.00；支出 800.00</td>" in html and "<td>收入</td>" in html
    assert html.startswith('<div class="table-scroll" role="region" tabindex="0"') and html.endswith(
        "</table></div>"
    )
    assert bodytext.display_html("<p>无表格</p>") == "<p>无表格</p>"


@pytest.mark.django_db
def test_board_excerpt_and_feed_separate_table_cells(client):
    community = CommunityFactory(slug="xingfu")
    with time_machine.travel(NOW, tick=False):
        p = posting(community, title="低保评议结果公示", category=Category.HARDSHIP, body=HARDSHIP)
        board = client.get(reverse("notices:board", kwargs={"slug": community.slug})).content.decode()
        feed = client.get(reverse("notices:feed", kwargs={"slug": community.slug})).content.decode()
        detail = client.get(
            reverse("notices:posting", kwargs={"slug": community.slug, "pk": p.pk})
        ).content.decode()
    assert "黎*霞 · 5 · 700.00" in board and "黎*霞5700.00" not in board
    assert "黎*霞 · 5 · 700.00；张*明 · 3 · 1,200.00" in feed
    assert '<div class="table-scroll"' in detail and '<td class="num">1,200.00</td>' in detail


@pytest.mark.django_db
def test_monthly_sheet_aligns_amounts_right_on_one_line():
    """In the PDF the amounts of a finance posting share their right edge and are never broken."""
    from weasyprint import HTML

    from notices.disclosure.render import sheet_stylesheets

    tz = timezone.get_default_timezone()
    community = CommunityFactory(name="幸福社区", slug="xingfu")
    at = dt.datetime(2026, 10, 8, 9, tzinfo=tz)
    services.publish(
        community=community,
        category=Category.FINANCE,
        title="2026年9月财务收支公开",
        body=FINANCE,
        publish_at=at,
        expire_at=at + dt.timedelta(days=7),
        at=at,
    )
    content = build_content(
        community=community, month=dt.date(2026, 10, 1), at=dt.datetime(2026, 11, 1, 1, tzinfo=tz)
    )
    html = render_html(content, version=1, generated_at=dt.datetime(2026, 11, 1, 1, tzinfo=tz))
    assert '<td class="num">56,000.00</td>' in html and '<td class="num">800.00</td>' in html

    document = HTML(string=html).render(stylesheets=sheet_stylesheets())
    right_edges = {}
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            text = getattr(box, "text", None)
            if text in ("56,000.00", "800.00"):
                right_edges[text] = round(box.position_x + box.width, 1)
            stack.extend(getattr(box, "children", []))
    # Each amount is one unbroken text box, and both end at the same right edge.
    assert set(right_edges) == {"56,000.00", "800.00"}
    assert right_edges["56,000.00"] == right_edges["800.00"]
