"""Meetings: rosters from the registry, sign-in with proxies where allowed, quorum at its exact edge."""

from __future__ import annotations

import pytest

from affairs.models import Body, MeetingMember
from affairs.services import meetings as meeting_services
from core.errors import RuleViolation
from tests import factories as f
from tests.affairs.meetings.conftest import hold_meeting

pytestmark = pytest.mark.django_db
A = MeetingMember.Attendance


def test_assembly_roster_is_the_terms_current_representatives(community, term, representatives, chair):
    ended = representatives[0]
    ended.ended_on = term.starts_on
    ended.save()
    meeting = hold_meeting(community, actor=chair)
    residents = set(meeting.members.values_list("resident_id", flat=True))
    assert residents == {r.resident_id for r in representatives[1:]}
    assert meeting.term == term
    assert meeting.members.first().capacity.startswith("居民代表")


def test_council_takes_committee_supervisors_and_group_leaders_once(
    community, term, committee_members, chair
):
    sup = f.SupervisionMemberFactory(term=term, resident__name="孙监督")
    group = f.ResidentsGroupFactory(community=community, leader=committee_members[2].resident)
    meeting = hold_meeting(community, body=Body.COUNCIL, actor=chair)
    residents = list(meeting.members.values_list("resident_id", flat=True))
    assert sorted(residents) == sorted([s.resident_id for s in committee_members] + [sup.resident_id])
    assert group.leader_id in residents


def test_body_without_members_in_the_registry_is_refused(community, term, chair):
    with pytest.raises(RuleViolation, match="没有居民代表会议的成员"):
        hold_meeting(community, actor=chair)


@pytest.mark.parametrize(("present", "met"), [(5, False), (6, True)])
def test_assembly_quorum_is_two_thirds_at_its_exact_edge(
    community, term, representatives, chair, present, met
):
    meeting = hold_meeting(community, present=present, actor=chair)  # 9 members: 2/3 is exactly 6
    q = meeting_services.quorum(meeting)
    assert (q.members, q.present, q.needed, q.met) == (9, present, 6, met)


@pytest.mark.parametrize(("present", "met"), [(2, False), (3, True)])
def test_residents_meeting_needs_more_than_half(community, chair, present, met):
    for _i in range(4):
        f.ResidentFactory(household=f.HouseholdFactory(community=community))
    meeting = hold_meeting(community, body=Body.RESIDENTS_MEETING, present=present, actor=chair)
    q = meeting_services.quorum(meeting)
    assert (q.members, q.needed, q.met) == (4, 3, met)  # half of 4 is 2: "more than half" needs 3
    assert ("达到法定人数" if met else "未达到法定人数") in q.summary


def test_proxy_allowed_in_residents_meeting_only_and_counted_present(community, term, representatives, chair):
    for _i in range(3):
        f.ResidentFactory(household=f.HouseholdFactory(community=community))
    meeting = hold_meeting(community, body=Body.RESIDENTS_MEETING, present=1, actor=chair)
    holder, absent = meeting.members.order_by("pk")[0], meeting.members.order_by("pk")[1]
    meeting_services.attendance_sign(member=absent, attendance=A.PROXY, proxy_holder=holder, actor=chair)
    assert meeting_services.quorum(meeting).present == 2

    assembly = hold_meeting(community, present=1, actor=chair)
    a, b = assembly.members.order_by("pk")[:2]
    with pytest.raises(RuleViolation, match="须本人出席，不能委托他人"):
        meeting_services.attendance_sign(member=b, attendance=A.PROXY, proxy_holder=a, actor=chair)


def test_proxy_holder_limits(community, chair):
    community.rules.max_proxies = 1
    community.rules.save()
    for _i in range(4):
        f.ResidentFactory(household=f.HouseholdFactory(community=community))
    meeting = hold_meeting(community, body=Body.RESIDENTS_MEETING, present=1, actor=chair)
    holder, b, c, d = meeting.members.order_by("pk")
    with pytest.raises(RuleViolation, match="须本人签到出席后才能接受委托"):
        meeting_services.attendance_sign(member=c, attendance=A.PROXY, proxy_holder=b, actor=chair)
    with pytest.raises(RuleViolation, match="委托出席须指定受托人"):
        meeting_services.attendance_sign(member=c, attendance=A.PROXY, actor=chair)
    meeting_services.attendance_sign(member=b, attendance=A.PROXY, proxy_holder=holder, actor=chair)
    with pytest.raises(RuleViolation, match="每人最多接受1人委托"):
        meeting_services.attendance_sign(member=c, attendance=A.PROXY, proxy_holder=holder, actor=chair)
    with pytest.raises(RuleViolation, match="已接受他人委托"):
        meeting_services.attendance_sign(member=holder, attendance=A.ABSENT, actor=chair)
    b.refresh_from_db()
    assert b.proxy_holder == holder and b.signed_at is not None


def test_closing_marks_the_rest_absent_and_freezes_attendance(community, term, representatives, chair):
    meeting = hold_meeting(community, present=6, actor=chair)
    with pytest.raises(RuleViolation, match="请填写会议记录"):
        meeting_services.meeting_close(meeting=meeting, minutes="", actor=chair)
    meeting_services.meeting_close(meeting=meeting, minutes="会议审议了加装电梯议题。", actor=chair)
    assert meeting.members.filter(attendance=A.ABSENT).count() == 3
    with pytest.raises(RuleViolation, match="会议记录已定稿"):
        meeting_services.attendance_sign(member=meeting.members.first(), attendance=A.ABSENT, actor=chair)


def test_another_communitys_staff_cannot_sign_in(community, term, representatives, chair):
    other = f.staff_user(communities=[f.CommunityFactory()], role="主任")
    meeting = hold_meeting(community, actor=chair)
    with pytest.raises(Exception, match="无权管理"):
        meeting_services.attendance_sign(member=meeting.members.first(), attendance=A.PRESENT, actor=other)
