"""The live tally page on a 360 px phone in headless Chromium: fits the width, no CSP violation,
reloads itself (meta refresh, no script)."""

from __future__ import annotations

from pathlib import Path

import pytest

from elections import services as es
from tests import factories as f
from tests.elections.test_voting import open_voting, voting_election
from tests.elections.util import local, voters_of
from tests.notices.test_e2e_board import browser_type_launch_args  # noqa: F401  (Debian's Chromium)
from tests.notices.test_e2e_phone import blocked, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_live_tally_on_a_360px_phone(live_server, browser):
    community = f.CommunityFactory(name="幸福社区", slug="xingfu")
    chair = f.staff_user(communities=[community], role="主任")
    election, _r, s1, s2 = voting_election(community, chair, voters=8, candidates=3)
    open_voting(election, chair)
    for v in voters_of(election)[:6]:
        es.check_in(election=election, voter=v, station=s1, actor=chair, at=local(2027, 6, 20, 9))
    es.election_close_voting(election=election, actor=chair)
    election.refresh_from_db()
    a, b, c = election.candidates.order_by("pk")
    for n, cand in enumerate([a, a, b, a, c], start=1):
        es.ballot_enter(election=election, station=s1, number=n, candidate_ids=[cand.pk], actor=chair)
    es.ballot_enter(
        election=election, station=s1, number=6, write_ins=[es.WriteIn("member", "某某")], actor=chair
    )
    context, page = new_page(browser, live_server)
    page.goto(f"{live_server.url}/c/xingfu/elections/")
    page.click("text=正在计票：查看唱票进度")
    page.wait_for_selector(".tally-table")
    assert "已唱票6张" in page.content()
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "elections-tally.png"), full_page=True)
    assert blocked(page) == []
    context.close()
