"""What residents see: the meetings page, the iCalendar feed (parsed with icalendar, Chinese intact),
the minutes PDF of a public meeting once final; the monthly sheet's resolutions section; the
overdue reminder task."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from affairs.models import Body, ImplementationTask, Motion, Vote
from affairs.services import implementation, meetings, motions
from affairs.tasks.motions import remind_overdue_implementation
from notices.disclosure.content import MonthContext, registered_sections
from tests import factories as f
from tests.affairs.meetings.conftest import hold_meeting

pytestmark = pytest.mark.django_db


def _voted(community, chair, *, yes: int, title="3号楼加装电梯"):
    motion = motions.motion_propose(
        community=community,
        title=title,
        description="加装电梯。",
        source=Motion.Source.COMMITTEE,
        actor=chair,
    )
    motions.motion_step(motion=motion, step="deliberate", note="商议同意。", actor=chair)
    motions.motion_step(motion=motion, step="review", note="审议同意。", actor=chair)
    meeting = hold_meeting(community, present=6, actor=chair)
    motions.motion_open_vote(motion=motion, meeting=meeting, actor=chair)
    for i, m in enumerate(meeting.members.filter(attendance="present").order_by("pk")):
        motions.vote_record(
            motion=motion, member=m, choice=Vote.Choice.YES if i < yes else Vote.Choice.NO, actor=chair
        )
    return motions.motion_close_vote(motion=motion, actor=chair), meeting


def test_ics_feed_lists_upcoming_public_meetings_with_chinese_intact(
    client, community, term, representatives, chair
):
    soon = timezone.now() + dt.timedelta(days=3)
    hold_meeting(community, actor=chair, starts_at=soon, title="关于3号楼加装电梯的居民代表会议（第一次）")
    hold_meeting(community, actor=chair, starts_at=soon, title="内部会议", is_public=False)
    hold_meeting(community, actor=chair, starts_at=timezone.now() - dt.timedelta(days=5), title="上月会议")
    response = client.get(reverse("affairs:meetings_ics", args=[community.slug]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["关于3号楼加装电梯的居民代表会议（第一次）"]
    event = events[0]
    assert str(event["LOCATION"]) == "社区活动中心二楼会议室"
    assert "审议加装电梯议题" in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == soon.replace(microsecond=0).astimezone(dt.UTC)
    assert str(cal["X-WR-CALNAME"]) == "幸福社区会议安排"


def test_ics_of_unknown_community_is_404(client, db):
    assert client.get("/c/nowhere/meetings.ics").status_code == 404


def test_meetings_page_shows_upcoming_and_rejected_with_reason(
    client, community, term, representatives, chair
):
    hold_meeting(
        community, actor=chair, starts_at=timezone.now() + dt.timedelta(days=2), title="下周居民代表会议"
    )
    _voted(community, chair, yes=2, title="拆除自行车棚")
    page = client.get(reverse("affairs:meetings", args=[community.slug])).content.decode()
    assert "下周居民代表会议" in page
    assert "拆除自行车棚" in page and "未通过原因：表决未获通过" in page
    assert "赞成 2 · 反对 4" in page


def test_minutes_pdf_is_public_only_once_final(client, community, term, representatives, chair, tmp_path):
    motion, meeting = _voted(community, chair, yes=5)
    url = reverse("affairs:meeting_minutes_pdf", args=[community.slug, meeting.pk])
    assert client.get(url).status_code == 404  # draft minutes are not a public document
    meetings.meeting_close(meeting=meeting, minutes="会议表决通过加装电梯议题。", actor=chair)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    import subprocess

    (tmp_path / "m.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "m.pdf"), "-"], capture_output=True, text=True).stdout
    assert "会议纪要" in text and "签到情况" in text and "3号楼加装电梯" in text
    assert meeting.members.first().resident.name in text
    assert "赞成5票" in text and "反对1票" in text


def test_monthly_sheet_lists_resolutions_and_status(community, term, representatives, chair):
    motion, _meeting = _voted(community, chair, yes=5)
    section = next(s for s in registered_sections() if s.key == "resolutions")
    now = timezone.now()
    start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    data = section.provider(
        MonthContext(community=community, month=start.date(), start=start, end=end, at=now)
    )
    assert data["rows"][0][0] == "3号楼加装电梯"
    assert data["rows"][0][3] == "通过" and data["rows"][0][4] == "决议已公开"


def test_overdue_tasks_are_reminded_once_a_day(community, term, representatives, chair):
    chair.email = "chair@example.org"
    chair.save()
    motion, _meeting = _voted(community, chair, yes=5)
    implementation.task_create(
        motion=motion,
        title="选定施工单位",
        owner=chair,
        deadline=timezone.localdate() - dt.timedelta(days=1),
        actor=chair,
    )
    implementation.task_create(
        motion=motion,
        title="未到期任务",
        owner=chair,
        deadline=timezone.localdate() + dt.timedelta(days=9),
        actor=chair,
    )
    assert remind_overdue_implementation.apply().get() == 1
    assert remind_overdue_implementation.apply().get() == 0  # idempotent: once a day
    task = ImplementationTask.objects.get(title="选定施工单位")
    assert task.reminded_on == timezone.localdate()


def test_reminder_mail_goes_out_on_commit(
    community, term, representatives, chair, django_capture_on_commit_callbacks
):
    chair.email = "chair@example.org"
    chair.save()
    motion, _meeting = _voted(community, chair, yes=5)
    implementation.task_create(
        motion=motion,
        title="选定施工单位",
        owner=chair,
        deadline=timezone.localdate() - dt.timedelta(days=1),
        actor=chair,
    )
    with django_capture_on_commit_callbacks(execute=True):
        implementation.remind_overdue_tasks()
    assert len(mail.outbox) == 1 and "选定施工单位" in mail.outbox[0].subject


def test_other_community_meeting_is_not_in_the_feed(client, community, term, representatives, chair):
    other = f.CommunityFactory()
    response = client.get(reverse("affairs:meetings_ics", args=[other.slug]))
    assert Calendar.from_ical(response.content).walk("VEVENT") == []
    assert Body.ASSEMBLY  # the feed carries every body's public meetings


def test_public_pages_read_in_a_fixed_number_of_queries(
    client, community, term, representatives, chair, django_assert_max_num_queries
):
    for i in range(3):
        hold_meeting(
            community, actor=chair, starts_at=timezone.now() + dt.timedelta(days=i + 1), title=f"会议{i}"
        )
        _voted(community, chair, yes=5 if i % 2 else 2, title=f"议题{i}")
    client.get(reverse("affairs:meetings", args=[community.slug]))  # the community is cached by the board
    with django_assert_max_num_queries(4):
        assert client.get(reverse("affairs:meetings", args=[community.slug])).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(reverse("affairs:meetings_ics", args=[community.slug])).status_code == 200
