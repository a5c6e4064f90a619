"""The public meetings page on a 360 px phone in headless Chromium (no sideways scroll, nothing
blocked by the CSP), with screenshots; the minutes PDF rendered to PNG with pdftoppm for a look."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from affairs.minutes_pdf import render_minutes
from affairs.models import Motion, Vote
from affairs.services import meetings, motions
from tests.affairs.meetings.conftest import hold_meeting, make_representatives
from tests.factories import CommitteeTermFactory, CommunityFactory, staff_user
from tests.notices.test_e2e_board import browser_type_launch_args  # noqa: F401  (Debian's Chromium)
from tests.notices.test_e2e_phone import ARTIFACTS, SMALL_TARGETS, blocked, new_page, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    community = CommunityFactory(name="幸福社区", slug="xingfu", address="幸福路1号", phone="010-12345678")
    term = CommitteeTermFactory(
        community=community, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2029, 1, 1)
    )
    make_representatives(term, 9)
    chair = staff_user(communities=[community])
    hold_meeting(
        community,
        actor=chair,
        starts_at=timezone.now() + dt.timedelta(days=4),
        title="关于3号楼加装电梯及小区停车管理的居民代表会议",
    )
    for title, yes in [("3号楼加装电梯", 5), ("拆除5号楼自行车棚改建停车位", 2)]:
        motion = motions.motion_propose(
            community=community,
            title=title,
            description=f"{title}，请居民代表会议表决。",
            source=Motion.Source.REPRESENTATIVES,
            sponsors="王芳等5名居民代表",
            sponsors_count=5,
            actor=chair,
        )
        motions.motion_step(motion=motion, step="deliberate", note="商议同意。", actor=chair)
        motions.motion_step(motion=motion, step="review", note="审议同意。", actor=chair)
        meeting = hold_meeting(community, present=7, actor=chair, title=f"居民代表会议（{title}）")
        motions.motion_open_vote(motion=motion, meeting=meeting, actor=chair)
        for i, m in enumerate(meeting.members.filter(attendance="present").order_by("pk")):
            choice = Vote.Choice.YES if i < yes else (Vote.Choice.NO if i < 6 else Vote.Choice.ABSTAIN)
            motions.vote_record(motion=motion, member=m, choice=choice, actor=chair)
        motions.motion_close_vote(motion=motion, actor=chair)
    meeting = meetings.meeting_close(
        meeting=meeting, minutes="会议由主任主持。\n到会代表对议题进行了讨论。", actor=chair
    )
    return community, meeting


def test_meetings_page_fits_a_360px_phone_and_minutes_render(live_server, browser):
    community, meeting = _world()
    context, page = new_page(browser, live_server)
    page.goto(f"{live_server.url}/c/{community.slug}/meetings/")
    shot(page, "meetings-zh")
    assert "关于3号楼加装电梯" in page.content()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert page.evaluate(SMALL_TARGETS) == []
    assert blocked(page) == []
    context.close()

    from affairs.models import Consultation
    from affairs.services import consultations

    now = timezone.now()
    round_ = consultations.consultation_save(
        consultation=Consultation(
            community=community,
            title="小区环境整治先办哪件事",
            question="请按紧迫程度对下列事项排序，结果将作为居民代表会议表决的参考。",
            items="3号楼加装电梯及配套管线迁改\n东门步道增设夜间照明\n非机动车充电棚\n停车管理",
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=6),
        ),
        actor=None,
    )
    context, page = new_page(browser, live_server)
    page.goto(f"{live_server.url}/c/{community.slug}/consultations/{round_.pk}/")
    for i, rank in enumerate(["2", "1", "4", "3"]):
        page.select_option(f"#id_item{i}", rank)
    shot(page, "consultation-zh")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert page.evaluate(SMALL_TARGETS) == []
    page.click("button[type=submit]")
    assert "问卷已提交" in page.content()
    assert blocked(page) == []
    context.close()
    assert round_.responses.count() == 1

    data, pages = render_minutes(meeting)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "minutes.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(ARTIFACTS / "minutes")], check=True)
    assert pages >= 1
