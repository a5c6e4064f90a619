"""The station screen on a 360 px phone in headless Chromium: find a voter, press the one big
button, see the confirmation; a voter who already voted elsewhere shows where and when."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from elections import services as es
from elections.models import CheckIn, StationStaff
from tests import factories as f
from tests.elections.test_voting import open_voting, voting_election
from tests.elections.util import voters_of
from tests.notices.test_e2e_board import browser_type_launch_args  # noqa: F401  (Debian's Chromium)
from tests.notices.test_e2e_phone import blocked, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_check_in_on_a_360px_phone(live_server, browser):
    community = f.CommunityFactory(name="幸福社区", slug="xingfu")
    chair = f.staff_user(communities=[community], role="主任")
    election, _r, s1, s2 = voting_election(community, chair, voters=6)
    open_voting(election, chair)
    worker = f.staff_user(communities=[community], role="居民组长")
    es.staff_assign(station=s1, user=worker, role=StationStaff.Role.OFFICER, actor=chair)
    voters = voters_of(election)
    carrier, grantor, elsewhere = voters[3], voters[4], voters[5]
    es.proxy_authorize(
        election=election, grantor=grantor, proxy=carrier, authorization="委托书第1号", actor=chair
    )
    es.check_in(election=election, voter=elsewhere, station=s2, actor=chair)
    client = Client()
    client.force_login(worker)
    session = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    context, page = new_page(browser, live_server, cookies=[session])
    url = f"{live_server.url}/c/xingfu/elections/{election.pk}/station/1/"
    page.goto(url)
    page.fill("#id_q", carrier.id_last4)
    page.click("text=查找")
    button = page.locator(".checkin-button").first
    assert "含代投1人" in button.inner_text()
    box = button.bounding_box()
    assert box["width"] >= 300 and box["height"] >= 48  # one big button across the phone
    assert grantor.name in page.locator(".voter-proxies").first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "station-search.png"), full_page=True)
    button.click()
    page.wait_for_selector(".station-message")
    assert f"已登记：{carrier.name}（另代投1人）" in page.locator(".station-message").inner_text()
    assert CheckIn.objects.filter(election=election).count() == 3
    page.fill("#id_q", elsewhere.id_last4)
    page.click("text=查找")
    done = page.locator(".voter-done").first.inner_text()
    assert "第2站 社区中心会场" in done and "投票" in done
    page.screenshot(path=str(ARTIFACTS / "station-already.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert blocked(page) == []
    context.close()


def test_double_entry_of_a_stations_count_in_the_admin(live_server, browser):
    community = f.CommunityFactory(name="幸福社区", slug="xingfu")
    chair = f.staff_user(communities=[community], role="主任")
    typist = f.staff_user(communities=[community], role="委员")
    election, _r, s1, _s2 = voting_election(community, chair, voters=4)
    open_voting(election, chair)
    for v in voters_of(election)[:3]:
        es.check_in(election=election, voter=v, station=s1, actor=chair)
    es.election_close_voting(election=election, actor=chair)
    a, b = election.candidates.order_by("pk")

    def enter(user, b_votes: int):
        client = Client()
        client.force_login(user)
        session = {"name": "sessionid", "value": client.cookies["sessionid"].value}
        context, page = new_page(browser, live_server, width=1280, cookies=[session])
        page.goto(f"{live_server.url}/admin/elections/pollingstation/{s1.pk}/count/")
        for name, value in {"issued": 3, "returned": 3, "valid": 3, "void": 0, "blank": 0}.items():
            page.fill(f"#id_{name}", str(value))
        page.fill(f"#id_c{a.pk}", "2")
        page.fill(f"#id_c{b.pk}", str(b_votes))
        page.click("#count-form input[type=submit]")
        page.wait_for_selector(".messagelist")  # the redirect back to the station, with its message
        return context, page

    context, page = enter(chair, 1)
    assert "第一次录入已保存" in page.content()
    context.close()
    context, page = enter(typist, 0)
    text = page.content()
    assert f"第1站 {b.resident.name} 票数：第一次 1，第二次 0" in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "count-mismatch.png"), full_page=True)
    assert blocked(page) == []
    context.close()
