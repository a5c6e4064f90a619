"""On a 360 px phone in headless Chromium: a resident files an opinion, staff answer it in the admin,
the resident reads the answer by tracking code and rates it; the finance statement's amounts stay on
one line, right-aligned. Screenshots go to test-artifacts/affairs-*.png."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from affairs.models.finance import FinanceEntry
from affairs.models.opinions import Opinion
from affairs.services import finance
from tests.factories import CommunityFactory, staff_user
from tests.notices.test_e2e_board import browser_type_launch_args  # noqa: F401  (Debian's Chromium)
from tests.notices.test_e2e_phone import SMALL_TARGETS, WATCH_CSP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def new_page(browser, live_server, *, width=360, cookies=()):
    context = browser.new_context(viewport={"width": width, "height": 760}, device_scale_factor=1)
    context.add_init_script(WATCH_CSP)
    context.add_cookies([{**c, "url": live_server.url} for c in cookies])
    return context, context.new_page()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"affairs-{name}.png"), full_page=True)


def fits(page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert page.evaluate(SMALL_TARGETS) == []
    assert page.evaluate("window.__csp") == []


@pytest.fixture
def people(db):
    community = CommunityFactory(name="幸福社区", slug="xingfu", address="幸福路1号", phone="010-12345678")
    chair = staff_user(communities=[community], role="主任", full_name="张主任")
    officer = staff_user(communities=[community], role="专管员", full_name="李专管")
    return community, chair, officer


def session_of(user) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value}


def test_resident_files_staff_answer_resident_reads_and_rates(live_server, browser, people):
    community, chair, officer = people
    context, page = new_page(browser, live_server)
    page.goto(f"{live_server.url}/c/{community.slug}/opinions/new/")
    shot(page, "opinion-form")
    fits(page)
    page.select_option("#id_category", "facility")
    page.fill("#id_body", "3号楼东侧路灯不亮已经一周，晚上出门看不清路。")
    page.fill("#id_location", "3号楼东侧")
    page.fill("#id_phone", "138 0000 1234")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    code = page.locator(".reference-value").inner_text().strip()
    opinion = Opinion.objects.get()
    assert code == opinion.code and opinion.phone == "13800001234"
    shot(page, "opinion-filed")
    fits(page)
    assert "13800001234" not in page.content() and "1234" not in page.locator("main").inner_text()

    # Staff, at a desk: assign to the officer, then answer.
    staff, admin = new_page(browser, live_server, width=1280, cookies=[session_of(chair)])
    url = f"{live_server.url}/admin/affairs/opinion/{opinion.pk}/change/"
    admin.goto(url)
    options = admin.locator("#id_step option").all_inner_texts()
    assert "受理并分派" in options and "答复" not in options
    admin.select_option("#id_step", "assign")
    admin.select_option("#id_owner_choice", str(officer.pk))
    with admin.expect_navigation():
        admin.locator("input[name=_continue]").click()
    admin.select_option("#id_step", "answer")
    admin.fill("#id_answer_text", "已联系物业更换灯泡，路灯已恢复照明。")
    with admin.expect_navigation():
        admin.locator("input[name=_continue]").click()
    shot(admin, "opinion-admin")
    assert admin.evaluate("window.__csp") == []
    staff.close()

    page.goto(f"{live_server.url}/c/{community.slug}/opinions/track/")
    page.fill("#id_code", code.lower().replace("-", " "))
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    assert "已联系物业更换灯泡" in page.locator(".answer").inner_text()
    shot(page, "opinion-answered")
    fits(page)
    with page.expect_navigation():
        page.get_by_role("button", name="满意", exact=True).click()
    assert "感谢您的评价" in page.content()
    assert Opinion.objects.get().rating == "satisfied"
    context.close()


def test_finance_statement_on_a_phone(live_server, browser, people):
    community, chair, _officer = people
    rows = [
        ("income", "grant", "上级拨付社区工作经费", "56000.00"),
        ("income", "service_income", "停车管理收入", "5400.00"),
        ("expense", "environment", "楼道清理、垃圾清运", "7800.00"),
        ("expense", "office", "办公用品", "12350.50"),
    ]
    for kind, category, item, amount in rows:
        finance.entry_save(
            entry=FinanceEntry(
                community=community, occurred_on=dt.date(2026, 10, 8), kind=kind, category=category,
                item=item, amount=Decimal(amount), approver=chair,
            ),
            actor=chair,
        )  # fmt: skip
    statement = finance.statement_generate(community=community, month=dt.date(2026, 10, 1), actor=chair)
    _statement, posting = finance.statement_post(statement=statement, actor=chair)
    context, page = new_page(browser, live_server)
    page.goto(f"{live_server.url}/c/{community.slug}/notices/{posting.pk}/")
    shot(page, "finance-posting")
    fits(page)
    cells = page.evaluate(
        """() => [...document.querySelectorAll(".notice-body td.num")].map(cell => {
             const range = document.createRange(); range.selectNodeContents(cell);
             const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
             return [cell.textContent, tops.size, getComputedStyle(cell).textAlign];
           })"""
    )
    assert ["56,000.00", 1, "right"] in cells and ["41,249.50", 1, "right"] in cells
    assert all(lines == 1 and align == "right" for _t, lines, align in cells), cells
    box = page.locator(".table-scroll")
    assert box.evaluate("el => el.getBoundingClientRect().right") <= 360
    context.close()


def test_captain_report_and_english_pages_fit_a_phone(live_server, browser, people):
    from committee.models import BuildingCaptain
    from tests.factories import BuildingCaptainFactory, BuildingFactory, UserFactory

    community, _chair, _officer = people
    c = BuildingCaptainFactory(building=BuildingFactory(community=community, name="3号楼"))
    BuildingCaptain.objects.filter(pk=c.pk).update(status=BuildingCaptain.Status.CONFIRMED)
    c.resident.staff_user = UserFactory(username="cap3")
    c.resident.save()
    context, page = new_page(browser, live_server, cookies=[session_of(c.resident.staff_user)])
    page.goto(f"{live_server.url}/c/{community.slug}/opinions/report/")
    shot(page, "captain-report")
    fits(page)
    page.get_by_label("安全隐患").check()
    page.fill("#id_body", "楼顶水箱盖板脱落，有坠落危险。")
    with page.expect_navigation():
        page.get_by_role("button", name="报告").click()
    assert Opinion.objects.get().source == "captain"
    context.close()
    context, page = new_page(browser, live_server)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    for name, path in [("form-en", "opinions/new/"), ("figures-en", "opinions/")]:
        page.goto(f"{live_server.url}/c/{community.slug}/{path}")
        shot(page, name)
        fits(page)
    context.close()
