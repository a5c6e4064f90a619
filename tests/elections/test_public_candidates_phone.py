"""The candidacy lookup on a 360 px phone in headless Chromium: fits the width, no CSP violation,
a rejected nominee reads each condition with its mark and the grounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from elections import services as es
from tests import factories as f
from tests.elections.util import local, to_nominations
from tests.notices.test_e2e_board import browser_type_launch_args  # noqa: F401  (Debian's Chromium)
from tests.notices.test_e2e_phone import blocked, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_candidacy_lookup_on_a_360px_phone(live_server, browser):
    import datetime as dt

    community = f.CommunityFactory(name="幸福社区", slug="xingfu")
    chair = f.staff_user(communities=[community], role="主任")
    election, residents = f.election_with_roll(
        community, voters=4, election_day=dt.date(2027, 6, 20), actor=chair
    )
    for text in ["拥护宪法，遵纪守法，品行良好", "在本社区居住满一年", "热心公益，办事公道，群众认可"]:
        es.condition_add(election=election, text=text, actor=chair)
    to_nominations(election, chair, posted_at=local(2027, 5, 10, 9))
    nominee = residents[0]
    candidate = es.candidate_nominate(
        election=election, resident=nominee, office="member", kind="self", actor=chair
    )
    es.election_start_vetting(election=election, actor=chair, at=local(2027, 5, 25, 9))
    c1, c2, c3 = election.conditions.all()
    es.candidate_vet(
        candidate=candidate,
        results={
            c1.pk: (True, ""),
            c2.pk: (False, "户籍于2026年9月迁入本社区，居住不满一年（经查登记记录）"),
            c3.pk: (True, ""),
        },
        actor=chair,
    )
    context, page = new_page(browser, live_server)
    page.goto(f"{live_server.url}/c/xingfu/elections/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "elections-index-vetting.png"), full_page=True)
    page.click("text=被提名人查询本人资格审查结果")
    page.fill("#id_name", nominee.name)
    page.fill("#id_last4", nominee.id_number[-4:])
    page.click("button[type=submit]")
    page.wait_for_selector(".checklist")
    text = page.content()
    assert "审查未通过" in text and "依据：户籍于2026年9月迁入本社区" in text
    assert (
        page.locator(".checklist li.failed").count() == 1
        and page.locator(".checklist li.passed").count() == 2
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / "elections-candidacy.png"), full_page=True)
    assert blocked(page) == []
    context.close()


def test_qa_meeting_admin_form_shows_its_errors(live_server, browser):
    import datetime as dt

    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    community = f.CommunityFactory(name="幸福社区", slug="xingfu")
    chair = f.staff_user(communities=[community], role="主任")
    election, _r = f.election_with_roll(community, actor=chair)
    es.condition_add(election=election, text="遵纪守法", actor=chair)
    to_nominations(election, chair, posted_at=timezone.now() - dt.timedelta(days=6))
    client = Client()
    client.force_login(chair)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }
    context, page = new_page(browser, live_server, width=1024, cookies=[cookie])
    page.goto(f"{live_server.url}/admin/elections/election/{election.pk}/change/")
    page.click("text=记录竞选答辩会")
    page.fill("#id_notes", "候选人电话13912345678")
    page.click("input[type=submit]")
    page.wait_for_selector(".errorlist")
    assert "请填写答辩会举行时间。" in page.content()
    held = timezone.localtime() - dt.timedelta(days=1)
    page.fill("#id_held_at", held.strftime("%Y-%m-%dT%H:%M"))
    page.click("input[type=submit]")
    page.wait_for_selector(".errorlist")
    assert "答辩会记录将公开，不能含有手机号码" in page.content()
    assert page.input_value("#id_notes") == "候选人电话13912345678"  # what was typed is kept
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "elections-qa-meeting-admin.png"), full_page=True)
    assert blocked(page) == []
    context.close()
