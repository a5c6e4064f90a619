"""A resident on a phone: open the board, search, open a posting, file an objection (headless Chromium)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from notices.models import Category, Objection
from tests.factories import CommunityFactory
from tests.notices.board_helpers import posting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="zh-CN"
    )
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"board-{name}.png"), full_page=True)


def test_resident_searches_opens_and_objects(live_server, phone):
    now = timezone.now()
    community = CommunityFactory(name="幸福社区", slug="xingfu", address="幸福路1号", phone="010-12345678")
    posting(
        community,
        title="关于停水的紧急通知",
        category=Category.URGENT,
        body="<p>3月15日8:00至18:00停水。</p>",
        publish_at=now - dt.timedelta(hours=2),
    )
    posting(
        community,
        title="2025年第一季度财务收支公开",
        category=Category.FINANCE,
        pinned=True,
        body="<p>收入 12,000 元；支出 8,500 元。</p>",
        publish_at=now - dt.timedelta(days=3),
        days=30,
    )
    roll = posting(
        community,
        title="第十二届居委会选举选民名单公示",
        category=Category.ELECTION,
        body="<p>选民名单已在居委会公告栏张贴，共 2,341 人。如有异议，请在公示期内实名提出。</p>",
        objections_open=True,
        publish_at=now - dt.timedelta(days=1),
        days=5,
    )
    for i in range(6):
        posting(
            community,
            title=f"楼道清理通知（{i + 1}号楼）",
            body="<p>请清理楼道杂物。</p>",
            publish_at=now - dt.timedelta(days=2, hours=i),
        )

    phone.goto(f"{live_server.url}/")  # the only community: straight to its board
    assert phone.url.endswith("/c/xingfu/")
    phone.get_by_text("居务公开栏").first.wait_for()
    shot(phone, "1-board")

    phone.fill("#id_q", "选民")
    phone.get_by_role("button", name="查找").click()
    phone.wait_for_url("**q=*")
    assert phone.locator(".card").count() == 1
    shot(phone, "2-search")

    phone.get_by_role("link", name="第十二届居委会选举选民名单公示").click()
    phone.get_by_text("已收到异议0件，已答复0件").wait_for()
    phone.fill("#id_name", "王芳")
    phone.fill("#id_phone", "13912345678")
    phone.fill("#id_body", "名单漏登了我家老人，请核实。")
    shot(phone, "3-detail-form")
    phone.get_by_role("button", name="提交异议").click()
    phone.get_by_text("您的异议已提交").wait_for()
    shot(phone, "4-filed")
    objection = Objection.objects.get(posting=roll)
    assert (objection.name, objection.phone) == ("王芳", "13912345678")

    phone.get_by_role("link", name="返回该事项").click()
    phone.get_by_text("已收到异议1件，已答复0件").wait_for()
    assert "13912345678" not in phone.content()


def test_bad_objection_shows_a_chinese_message(live_server, phone):
    now = timezone.now()
    community = CommunityFactory(slug="anle", name="安乐社区")
    roll = posting(
        community,
        title="低保评议结果公示",
        category=Category.HARDSHIP,
        objections_open=True,
        body="<p>张*明，3人，每月补助 1,200 元。</p>",
        publish_at=now - dt.timedelta(days=1),
    )
    phone.goto(f"{live_server.url}/c/anle/notices/{roll.pk}/")
    phone.fill("#id_name", "李娜")
    phone.fill("#id_phone", "12345")
    phone.fill("#id_body", "有异议")
    phone.get_by_role("button", name="提交异议").click()
    phone.locator(".alert").wait_for()
    shot(phone, "5-bad-objection")
    assert not Objection.objects.filter(posting=roll).exists()
