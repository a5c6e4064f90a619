"""One way of writing a window's end: the admin, the board, the feed and the PDF say the same day.

A 5-working-day posting published on Wednesday 2026-12-02 is public through Wednesday 12-09; it is
stored as ending at 2026-12-10 00:00. The admin used to say 公示结束（含）12月9日 while the board
said 公示至 2026-12-10 00:00.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from committee import services as committee_services
from core.windows import objections_until, posted_until, window_end, window_last_day
from notices import disclosure, services
from notices.feeds import BoardFeed
from notices.models import Category
from tests import factories as f

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
PUBLISHED = dt.datetime(2026, 12, 2, 10, 0, tzinfo=TZ)
SAME_END = "公示至2026年12月9日（含）"


def test_an_end_at_midnight_is_its_last_day_included():
    assert window_last_day(dt.datetime(2026, 12, 10, 0, 0, tzinfo=TZ)) == (dt.date(2026, 12, 9), None)
    assert window_end(dt.datetime(2026, 12, 10, 0, 0, tzinfo=TZ)) == "2026年12月9日（含）"
    # Stored in UTC, still midnight in Beijing.
    assert window_end(dt.datetime(2026, 12, 9, 16, 0, tzinfo=dt.UTC)) == "2026年12月9日（含）"
    assert posted_until(dt.datetime(2026, 12, 10, tzinfo=TZ)) == SAME_END
    assert objections_until(dt.datetime(2026, 12, 10, tzinfo=TZ)) == "异议受理至2026年12月9日（含）"


def test_any_other_end_keeps_its_time():
    end = dt.datetime(2026, 12, 10, 18, 0, tzinfo=TZ)
    assert window_last_day(end) == (dt.date(2026, 12, 10), dt.time(18, 0))
    assert posted_until(end) == "公示至2026年12月10日 18:00"
    assert window_end(end, year=False) == "12月10日 18:00"


def test_a_last_day_and_no_end():
    assert posted_until(dt.date(2026, 12, 9)) == SAME_END
    assert posted_until(None) == "长期公开，直至撤回或更正"


def test_english():
    with translation.override("en"):
        assert (
            posted_until(dt.datetime(2026, 12, 10, tzinfo=TZ)) == "Posted until 9 December 2026 (inclusive)"
        )
        assert (
            posted_until(dt.datetime(2026, 12, 10, 18, tzinfo=TZ)) == "Posted until 10 December 2026, 18:00"
        )
        assert (
            objections_until(dt.date(2026, 12, 9)) == "Objections accepted until 9 December 2026 (inclusive)"
        )


@pytest.fixture
def posted():
    """Building-captain nominations posted on 2026-12-02 for 5 working days."""
    community = f.CommunityFactory(name="幸福社区", slug="xingfu")
    chair = f.staff_user(communities=[community], role="主任")
    building = f.BuildingFactory(community=community, name="1号楼")
    household = f.HouseholdFactory(community=community, group=building.group, building=building)
    resident = f.ResidentFactory(household=household, name="刘洋")
    with time_machine.travel(PUBLISHED, tick=False):
        captain = committee_services.captain_nominate(building=building, resident=resident, actor=chair)
        result = committee_services.captains_post(captains=[captain], actor=chair, at=PUBLISHED)
    posting = result.posting
    assert timezone.localtime(posting.expire_at) == dt.datetime(2026, 12, 10, 0, 0, tzinfo=TZ)
    return community, chair, captain, posting


def test_admin_board_feed_and_pdf_write_the_same_end(client, posted):
    community, chair, captain, posting = posted
    client.force_login(chair)
    with time_machine.travel(PUBLISHED + dt.timedelta(days=1), tick=False):
        captains = client.get(reverse("admin:committee_buildingcaptain_changelist")).content.decode()
        captain_page = client.get(
            reverse("admin:committee_buildingcaptain_change", args=[captain.pk])
        ).content.decode()
        postings = client.get(reverse("admin:notices_posting_changelist")).content.decode()
        posting_page = client.get(reverse("admin:notices_posting_change", args=[posting.pk])).content.decode()
        client.logout()
        board = client.get(reverse("notices:board", kwargs={"slug": community.slug})).content.decode()
        detail = client.get(
            reverse("notices:posting", kwargs={"slug": community.slug, "pk": posting.pk})
        ).content.decode()
        feed = client.get(reverse("notices:feed", kwargs={"slug": community.slug})).content.decode()
    for name, page in [
        ("captain list", captains),
        ("captain page", captain_page),
        ("posting list", postings),
        ("posting page", posting_page),
        ("board", board),
        ("detail", detail),
        ("feed", feed),
    ]:
        assert (SAME_END if name != "detail" else "公示结束</dt><dd><time") in page, name
        assert "2026年12月9日（含）" in page, name
        assert "2026-12-10 00:00" not in page, name
        assert "12月10日" not in page, name
    assert "异议受理至2026年12月9日（含）" in board and "异议受理至2026年12月9日（含）" in detail
    # The monthly sheet, whose month gives the year.
    ctx = disclosure.MonthContext(
        community=community,
        month=dt.date(2026, 12, 1),
        start=dt.datetime(2026, 12, 1, tzinfo=TZ),
        end=dt.datetime(2027, 1, 1, tzinfo=TZ),
        at=dt.datetime(2027, 1, 1, 1, tzinfo=TZ),
    )
    [row] = ctx.postings
    assert row["window"] == "12月2日 至 12月9日（含）"
    assert row["expire"] == "12月9日（含）"
    assert row["window_lines"] == ["12月2日 至", "12月9日（含）"]


def test_a_posting_with_a_time_shows_it_everywhere(client):
    community = f.CommunityFactory(slug="heping")
    chair = f.staff_user(communities=[community], role="主任")
    with time_machine.travel(PUBLISHED, tick=False):
        posting = services.publish(
            community=community,
            category=Category.NOTICE,
            title="停水通知",
            body="<p>明日停水。</p>",
            expire_at=dt.datetime(2026, 12, 10, 18, 0, tzinfo=TZ),
            actor=chair,
        )
        client.force_login(chair)
        assert (
            "公示至2026年12月10日 18:00"
            in client.get(reverse("admin:notices_posting_changelist")).content.decode()
        )
        client.logout()
        board = client.get(reverse("notices:board", kwargs={"slug": community.slug})).content.decode()
    assert "公示至2026年12月10日 18:00" in board
    assert "公示至2026年12月10日 18:00" in BoardFeed(community=community, at=PUBLISHED).item_description(
        posting
    )
