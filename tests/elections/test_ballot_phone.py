"""On a 360 px phone in headless Chromium: the recorder corrects a mistyped ballot from the recent
list, and the poll worker picks the 代书 helper among several residents of the same name."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from elections import services as es
from elections.models import Ballot, CheckIn, StationStaff
from tests import factories as f
from tests.elections.test_voting import open_voting, voting_election
from tests.elections.util import voters_of
from tests.notices.test_e2e_board import browser_type_launch_args  # noqa: F401  (Debian's Chromium)
from tests.notices.test_e2e_phone import blocked, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _session(user):
    client = Client()
    client.force_login(user)
    return [{"name": "sessionid", "value": client.cookies["sessionid"].value}]


def _fits(page):
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_correct_a_ballot_on_a_360px_phone(live_server, browser):
    community = f.CommunityFactory(name="幸福社区", slug="xingfu")
    chair = f.staff_user(communities=[community], role="主任")
    election, _r, s1, _s2 = voting_election(community, chair, voters=6, candidates=2)
    open_voting(election, chair)
    for v in voters_of(election)[:3]:
        es.check_in(election=election, voter=v, station=s1, actor=chair)
    es.election_close_voting(election=election, actor=chair)
    election.refresh_from_db()
    a, b = election.candidates.select_related("resident").order_by("pk")
    recorder = f.staff_user(communities=[community], role="居民组长")
    es.staff_assign(station=s1, user=recorder, role=StationStaff.Role.RECORDER, actor=chair)
    for n, c in ((1, a), (2, a), (3, b)):
        es.ballot_enter(election=election, station=s1, number=n, candidate_ids=[c.pk], actor=recorder)
    context, page = new_page(browser, live_server, cookies=_session(recorder))
    page.goto(f"{live_server.url}/c/xingfu/elections/{election.pk}/station/1/ballots/")
    assert page.locator(".ballot-recent li").count() == 3
    page.locator(".ballot-recent-fix").nth(1).click()  # newest first: ballot #2
    assert "更正第2号选票" in page.locator(".ballot-correcting").inner_text()
    assert page.locator(f'input[name="candidate"][value="{a.pk}"]').is_checked()
    _fits(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ballot-correct.png"), full_page=True)
    page.uncheck(f'input[name="candidate"][value="{a.pk}"]')
    page.check(f'input[name="candidate"][value="{b.pk}"]')
    page.fill("#id_reason", "唱票人读的是另一名候选人")
    page.click("text=保存更正")
    page.wait_for_selector(".station-message")
    assert "第2号选票已更正为" in page.locator(".station-message").inner_text()
    assert Ballot.objects.get(station=s1, number=2).marks.get().candidate_id == b.pk
    page.screenshot(path=str(ARTIFACTS / "ballot-corrected.png"), full_page=True)
    assert blocked(page) == []
    context.close()


def test_pick_the_scribe_among_namesakes_on_a_360px_phone(live_server, browser):
    community = f.CommunityFactory(name="幸福社区", slug="xingfu")
    chair = f.staff_user(communities=[community], role="主任")
    election, _r, s1, _s2 = voting_election(community, chair, voters=6)
    open_voting(election, chair)
    worker = f.staff_user(communities=[community], role="居民组长")
    es.staff_assign(station=s1, user=worker, role=StationStaff.Role.OFFICER, actor=chair)
    helpers = [
        f.ResidentFactory(household=f.HouseholdFactory(community=community), name="欧阳代书")
        for _ in range(2)
    ]
    voter = voters_of(election)[3]
    context, page = new_page(browser, live_server, cookies=_session(worker))
    page.goto(f"{live_server.url}/c/xingfu/elections/{election.pk}/station/1/")
    page.fill("#id_q", voter.id_last4)
    page.click("text=查找")
    page.click("text=选民不能书写，由他人代书")
    page.fill('input[name="scribe"]', "欧阳代书")
    page.locator(".checkin-button").first.click()
    page.wait_for_selector(".scribe-choices")
    assert page.locator(".scribe-pick").count() == 2
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "station-scribe-choices.png"), full_page=True)
    box = page.locator(".scribe-pick").first.bounding_box()
    assert box["width"] >= 280 and box["height"] >= 44  # a big target across the card
    _fits(page)
    page.locator(".scribe-pick").nth(1).click()
    page.wait_for_selector(".station-message")
    assert f"已登记：{voter.name}" in page.locator(".station-message").first.inner_text()
    assert CheckIn.objects.get(voter=voter).scribe_id in {h.pk for h in helpers}
    assert blocked(page) == []
    context.close()
