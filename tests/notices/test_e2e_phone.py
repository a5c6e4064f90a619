"""The board on a 360 px phone in headless Chromium, and the Content-Security-Policy in a real browser.

- Every tab is on screen, in Chinese and in English; nothing needs a sideways scroll of the page.
- Links and buttons outside running text are at least 24 × 24 px (WCAG 2.2 target size).
- Amounts in a posting's table stay on one line; a wide table scrolls in its own box.
- The policy blocks nothing on public pages, the login page or the admin, and the admin's scripts
  still run (date shortcuts, the language switch).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from notices import nav
from notices.models import Category
from tests.factories import CommunityFactory, staff_user
from tests.notices.board_helpers import posting
from tests.notices.test_e2e_board import browser_type_launch_args  # noqa: F401  (Debian's Chromium)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDE = (
    "<p>各楼栋维修基金使用情况（单位：元）：</p><table><thead><tr><th>楼栋</th><th>项目</th><th>预算</th>"
    "<th>已支出</th><th>结余</th><th>施工单位</th><th>完成情况</th></tr></thead><tbody>"
    + "".join(
        f"<tr><td>{n}号楼</td><td>屋面防水及外墙修补</td><td>126,500.00</td><td>98,240.50</td>"
        f"<td>28,259.50</td><td>某某建筑工程有限公司</td><td>已验收</td></tr>"
        for n in range(1, 4)
    )
    + "</tbody></table>"
)
FINANCE = (
    "<p>现将本社区2026年10月财务收支情况公开如下（单位：元）。</p>"
    "<table><thead><tr><th>类别</th><th>项目</th><th>金额</th></tr></thead><tbody>"
    "<tr><td>收入</td><td>上级拨付社区工作经费</td><td>56,000.00</td></tr>"
    "<tr><td>支出</td><td>环境整治（楼道清理、垃圾清运）</td><td>7,800.00</td></tr>"
    "<tr><td><strong>合计</strong></td><td>收入 69,900.00；支出 20,100.50</td><td>结余 49,799.50</td></tr>"
    "</tbody></table>"
)
# Collects what the policy blocks; injected by the browser before any page script runs.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""
SMALL_TARGETS = """
() => [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")]
  .filter(el => el.offsetParent !== null && !el.closest(".notice-body, .card-excerpt, .foot-note"))
  .filter(el => { const r = el.getBoundingClientRect(); return r.width < 24 || r.height < 24; })
  .map(el => `${el.tagName} "${(el.textContent || el.name || "").trim().slice(0, 20)}" ${Math.round(el.getBoundingClientRect().width)}x${Math.round(el.getBoundingClientRect().height)}`)
"""


@pytest.fixture
def board(db):
    now = timezone.now()
    community = CommunityFactory(name="幸福社区", slug="xingfu", address="幸福路1号", phone="010-12345678")
    made = {
        "finance": posting(
            community,
            title="2026年10月财务收支公开",
            category=Category.FINANCE,
            body=FINANCE,
            publish_at=now - dt.timedelta(days=2),
            days=30,
        ),
        "wide": posting(
            community, title="维修基金使用情况", body=WIDE, publish_at=now - dt.timedelta(days=3), days=30
        ),
        "hardship": posting(
            community,
            title="低保评议结果公示（第四季度）",
            category=Category.HARDSHIP,
            objections_open=True,
            publish_at=now - dt.timedelta(days=1),
        ),
    }
    for i, category in enumerate(
        [Category.URGENT, Category.ELECTION, Category.RESOLUTION, Category.CONVENTION] * 6
    ):
        posting(
            community, title=f"公开事项{i + 1}", category=category, publish_at=now - dt.timedelta(hours=i + 5)
        )
    return community, made


def new_page(browser, live_server, *, width=360, lang="zh", cookies=()):
    context = browser.new_context(viewport={"width": width, "height": 760}, device_scale_factor=1)
    context.add_init_script(WATCH_CSP)
    if lang == "en":
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    context.add_cookies([{**c, "url": live_server.url} for c in cookies])
    return context, context.new_page()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)


def blocked(page) -> list[str]:
    return page.evaluate("window.__csp")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_board_tabs_and_targets_fit_a_360px_phone(live_server, browser, board, lang):
    community, made = board
    context, page = new_page(browser, live_server, lang=lang)
    for name, path in [
        ("board", f"/c/{community.slug}/"),
        ("objection", f"/c/{community.slug}/notices/{made['hardship'].pk}/"),
        ("subscribe", f"/c/{community.slug}/subscribe/"),
        ("finance", f"/c/{community.slug}/notices/{made['finance'].pk}/"),
    ]:
        page.goto(live_server.url + path)
        shot(page, f"{name}-{lang}")
        tabs = page.locator(".tabs-nav a")
        # Every registered tab (the board's and the apps'), each wholly on the screen.
        assert tabs.count() == len(nav.tabs(community.slug, "")) >= 5
        for i in range(tabs.count()):
            box = tabs.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, (name, lang, tabs.nth(i).inner_text())
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360, (name, lang)
        assert page.evaluate(SMALL_TARGETS) == [], (name, lang)
        assert blocked(page) == [], (name, lang)
    context.close()


def test_amounts_stay_on_one_line_and_wide_tables_scroll_in_their_box(live_server, browser, board):
    community, made = board
    context, page = new_page(browser, live_server)
    page.goto(f"{live_server.url}/c/{community.slug}/notices/{made['finance'].pk}/")
    one_line = page.evaluate(
        """() => [...document.querySelectorAll(".notice-body td.num, .notice-body th")].map(cell => {
             const range = document.createRange(); range.selectNodeContents(cell);
             const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
             return [cell.textContent, tops.size];
           })"""
    )
    assert ["56,000.00", 1] in one_line and ["结余 49,799.50", 1] in one_line
    assert all(lines == 1 for _text, lines in one_line), one_line  # 类别 is not one character per line
    right = page.evaluate(
        "[...document.querySelectorAll('.notice-body td.num')].map(td => getComputedStyle(td).textAlign)"
    )
    assert set(right) == {"right"}

    page.goto(f"{live_server.url}/c/{community.slug}/notices/{made['wide'].pk}/")
    shot(page, "wide-table")
    box = page.locator(".table-scroll")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls...
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360  # ...the page does not
    assert box.evaluate("el => el.getBoundingClientRect().right") <= 360
    context.close()


def test_subscribe_page_copies_the_feed_address(live_server, browser, board):
    community, _made = board
    context, page = new_page(browser, live_server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/c/{community.slug}/subscribe/")
    address = page.locator("#feed-url").input_value()
    assert address == f"{live_server.url}/c/{community.slug}/feed/"
    page.get_by_role("button", name="复制订阅地址").click()  # shown only when the script ran
    page.get_by_text("已复制，请到阅读器中粘贴").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert blocked(page) == []
    context.close()


def test_admin_scripts_run_under_the_policy(live_server, browser, board):
    community, _made = board
    client = Client()
    client.force_login(staff_user(communities=[community], role="主任"))
    session = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    context, page = new_page(browser, live_server, width=1280, cookies=[session])
    page.goto(f"{live_server.url}/admin/notices/posting/add/")
    # DateTimeShortcuts.js adds "今天 | 日历" next to the date fields: the admin's JS ran.
    page.locator(".datetimeshortcuts").first.wait_for()
    shot(page, "admin-posting-add")
    assert blocked(page) == []
    # The language switch submits itself (static/js/portal.js, was an inline onchange handler).
    with page.expect_navigation():
        page.select_option("#lang-switch select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert blocked(page) == []
    context.close()


def test_login_page_works_under_the_policy(live_server, browser, db):
    context, page = new_page(browser, live_server)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="登录").wait_for()
    assert page.locator("header.bar").evaluate("el => getComputedStyle(el).display") == "flex"  # CSS loaded
    with page.expect_navigation():
        page.select_option("#lang", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert blocked(page) == []
    context.close()
