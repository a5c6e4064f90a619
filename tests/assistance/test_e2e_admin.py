"""The case officer's flow in the admin, in headless Chromium: the list (flagged cases first), the
case page with the steps the state allows, a household visit with photos, the investigation, and
posting a batch from the list. Screenshots go to test-artifacts/assistance-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from assistance.models import Case
from tests.assistance.world import PNG, build
from tests.notices.test_e2e_board import browser_type_launch_args  # noqa: F401  (Debian's Chromium)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"assistance-{name}.png"), full_page=True)


def test_case_officer_flow_in_the_admin(live_server, browser, tmp_path):
    world = build()
    case = world.apply()
    flagged = world.apply(incomes=("0",), size=1)
    world.visit(flagged)
    world.investigate(flagged, income="5000", size=1)
    ready = world.to_scored(world.apply())
    client = Client()
    client.force_login(world.officer)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()

    page.goto(f"{live_server.url}/admin/")
    desk = page.locator("#desk").inner_text()
    assert f"{flagged}：已调查核实" in desk and "高于现行标准" in desk
    _shot(page, "desk")

    page.goto(f"{live_server.url}/admin/assistance/case/")
    rows = page.locator("#result_list tbody tr")
    assert "1条提示" in rows.first.inner_text()  # flagged first
    _shot(page, "list")

    page.goto(f"{live_server.url}/admin/assistance/case/{case.pk}/change/")
    assert page.get_by_role("link", name="入户调查").is_visible()
    assert page.get_by_role("link", name="组长会同居民代表调查核实").count() == 0
    _shot(page, "case")
    page.get_by_role("link", name="入户调查").click()
    page.get_by_label(str(world.officer)).check()
    page.get_by_label(str(world.colleague)).check()
    picture = tmp_path / "visit.png"
    picture.write_bytes(PNG)
    page.locator("input[name=photo_1]").set_input_files(str(picture))
    page.locator("textarea[name=findings]").fill("两人入户，家中陈设简陋。")
    _shot(page, "visit-form")
    page.get_by_role("button", name="确认办理").click()
    assert "已办理“入户调查”" in page.locator(".messagelist").inner_text()

    page.get_by_role("link", name="组长会同居民代表调查核实").click()
    page.locator("select[name=group]").select_option(str(world.groups[0].pk))
    page.locator("select[name=leader]").select_option(str(world.leaders[0].pk))
    for rep in world.reps[0]:
        page.get_by_label(rep.name).check()
    page.locator("input[name=household_size]").fill("3")
    page.locator("input[name=monthly_income]").fill("1200")
    page.locator("textarea[name=findings]").fill("收入属实。")
    page.get_by_role("button", name="确认办理").click()
    assert "已办理" in page.locator(".messagelist").inner_text()
    assert Case.objects.get(pk=case.pk).state == Case.State.INVESTIGATED
    _shot(page, "case-investigated")

    page.goto(f"{live_server.url}/admin/assistance/case/?state__exact=scored")
    page.locator(f"input[name=_selected_action][value='{ready.pk}']").check()
    page.locator("select[name=action]").select_option("post_selected")
    page.locator("button[name=index]").click()
    assert "已发布“救助对象公示" in page.locator(".messagelist").inner_text()
    ready.refresh_from_db()
    assert ready.state == Case.State.POSTED
    context.close()

    # What residents read, on a 360 px phone: the masked table, never the full name.
    phone = browser.new_context(viewport={"width": 360, "height": 760})
    page = phone.new_page()
    page.goto(f"{live_server.url}/c/{world.community.slug}/notices/{ready.posting_id}/")
    text = page.locator("main").inner_text()
    assert "张*明" in text and "张三明" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(page, "public-phone")
    phone.close()
