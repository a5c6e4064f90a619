"""Shared set-up of the meetings tests: a community with a current term, representatives, committee
members, and helpers that hold a meeting and sign members in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from affairs.models import Body, MeetingMember
from affairs.services import meetings as meeting_services
from tests import factories as f

A = MeetingMember.Attendance
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄丽", "周杰", "吴霞", "孙强", "马丽"]


@pytest.fixture
def term(community):
    return f.CommitteeTermFactory(
        community=community, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2029, 1, 1)
    )


def make_representatives(term, n: int):
    group = f.ResidentsGroupFactory(community=term.community, number=1, name="第一居民小组")
    return [
        f.RepresentativeFactory(
            term=term, group=group, resident__name=NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i))
        )
        for i in range(n)
    ]


@pytest.fixture
def representatives(term):
    return make_representatives(term, 9)


@pytest.fixture
def committee_members(term):
    return [
        f.CommitteeSeatFactory(term=term, role=role, resident__name=name)
        for role, name in [("chair", "郑主任"), ("vice_chair", "钱副主任"), ("member", "冯委员")]
    ]


def hold_meeting(community, *, body=Body.ASSEMBLY, present: int = 0, actor=None, starts_at=None, **kwargs):
    """A meeting that started an hour ago with its first ``present`` members signed in."""
    starts_at = starts_at or timezone.now() - dt.timedelta(hours=1)
    meeting = meeting_services.meeting_create(
        community=community,
        body=body,
        title=kwargs.pop("title", "第三季度居民代表会议"),
        starts_at=starts_at,
        place="社区活动中心二楼会议室",
        agenda="审议加装电梯议题\n通报上季度决议实施情况",
        actor=actor,
        **kwargs,
    )
    for member in meeting.members.order_by("pk")[:present]:
        meeting_services.attendance_sign(member=member, attendance=A.PRESENT, actor=actor)
    return meeting
