"""四议两公开 end to end, and every way a vote or a step can be refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from affairs.models import Motion, Vote
from affairs.services import implementation, motions
from affairs.services.motion_flow import MOTION_FLOW
from core.errors import RuleViolation
from notices.models import Category, Posting
from notices.selectors import postings_visible
from tests import factories as f
from tests.affairs.meetings.conftest import hold_meeting

pytestmark = pytest.mark.django_db
S = Motion.State
C = Vote.Choice


def _propose(community, chair, **kwargs):
    return motions.motion_propose(
        community=community,
        title=kwargs.pop("title", "3号楼加装电梯"),
        description="3号楼居民联名申请加装电梯，费用按楼层分摊。",
        source=kwargs.pop("source", Motion.Source.REPRESENTATIVES),
        sponsors="王芳等5名居民代表",
        sponsors_count=5,
        actor=chair,
        **kwargs,
    )


def _reviewed(community, chair, **kwargs):
    motion = _propose(community, chair, **kwargs)
    motions.motion_step(
        motion=motion, step="deliberate", note="居委会与物业商议，建议提交审议。", actor=chair
    )
    motions.motion_step(
        motion=motion, step="review", note="议事协调会审议同意提交代表会议表决。", actor=chair
    )
    return Motion.objects.get(pk=motion.pk)


def test_one_motion_from_proposal_to_posted_result(community, term, representatives, chair):
    motion = _reviewed(community, chair)
    meeting = hold_meeting(community, present=7, actor=chair)
    members = list(meeting.members.order_by("pk"))
    motion = motions.motion_open_vote(
        motion=motion,
        meeting=meeting,
        actor=chair,
        opinion_summary="问卷显示电梯为最紧迫事项（37户中29户排第一）。",
    )
    assert motion.state == S.VOTING
    for member, choice in zip(members[:7], [C.YES] * 5 + [C.NO, C.ABSTAIN], strict=True):
        motions.vote_record(motion=motion, member=member, choice=choice, actor=chair)
    motion = motions.motion_close_vote(motion=motion, actor=chair)
    assert motion.state == S.RESOLUTION_POSTED
    assert (motion.present_count, motion.yes_count, motion.no_count, motion.abstain_count) == (7, 5, 1, 1)
    assert motion.votes.filter(choice=C.ABSENT).count() == 2

    posting = motion.resolution_posting
    assert posting.category == Category.RESOLUTION and "（通过）" in posting.title
    assert posting in postings_visible(community=community)
    assert "赞成5票，反对1票，弃权1票" in posting.body
    assert members[5].resident.name in posting.body and "反对" in posting.body
    assert posting.sources.filter(source_id=motion.pk).exists()

    with pytest.raises(RuleViolation, match="请先为决议添加实施任务"):
        motions.motion_implement(motion=motion, actor=chair)
    task = implementation.task_create(
        motion=motion,
        title="招标选定电梯安装单位",
        owner=chair,
        deadline=timezone.localdate() + dt.timedelta(days=30),
        actor=chair,
    )
    motion = motions.motion_implement(motion=motion, actor=chair, note="按决议组织实施。")
    implementation.task_update(task=task, progress=50, note="已完成招标。", actor=chair)
    with pytest.raises(RuleViolation, match="尚未完成"):
        motions.motion_post_result(motion=motion, actor=chair, result_summary="电梯已投入使用。")
    implementation.task_update(task=task, progress=100, note="电梯验收合格。", actor=chair)
    motion = motions.motion_post_result(motion=motion, actor=chair, result_summary="电梯已验收并投入使用。")
    assert motion.state == S.RESULT_POSTED
    assert motion.result_posting.category == Category.IMPLEMENTATION
    assert "电梯已验收并投入使用" in motion.result_posting.body

    steps = [(e.transition, e.actor_id) for e in MOTION_FLOW.log(motion).order_by("at", "pk")]
    assert [s for s, _a in steps] == [
        "propose",
        "deliberate",
        "review",
        "open_vote",
        "resolve",
        "post_resolution",
        "implement",
        "post_result",
    ]
    notes = {e.transition: e.note for e in MOTION_FLOW.log(motion)}
    assert notes["deliberate"] == "居委会与物业商议，建议提交审议。"
    assert "赞成5票" in notes["resolve"]


def test_a_step_cannot_be_skipped_nor_taken_without_a_note(community, chair):
    motion = _propose(community, chair)
    with pytest.raises(RuleViolation, match="当前状态为“已提议”，不能办理“审议"):
        motions.motion_step(motion=motion, step="review", note="直接审议", actor=chair)
    with pytest.raises(RuleViolation, match="请填写商议或审议的意见"):
        motions.motion_step(motion=motion, step="deliberate", note="  ", actor=chair)
    assert MOTION_FLOW.allowed(motion, actor=chair) == ["deliberate", "drop"]


def test_no_decision_without_quorum(community, term, representatives, chair):
    motion = _reviewed(community, chair)
    meeting = hold_meeting(community, present=5, actor=chair)  # 5 of 9: below two thirds
    with pytest.raises(RuleViolation, match="未达到法定人数，不能作出决定"):
        motions.motion_open_vote(motion=motion, meeting=meeting, actor=chair)
    motion.refresh_from_db()
    assert motion.state == S.REVIEWED and motion.meeting is None


def test_committee_meeting_cannot_resolve(community, term, committee_members, chair):
    motion = _reviewed(community, chair)
    meeting = hold_meeting(community, body="committee", present=3, actor=chair)
    with pytest.raises(RuleViolation, match="须提交居民会议或居民代表会议表决"):
        motions.motion_open_vote(motion=motion, meeting=meeting, actor=chair)


def test_votes_from_non_members_absentees_or_twice_are_refused(community, term, representatives, chair):
    motion = _reviewed(community, chair)
    meeting = hold_meeting(community, present=6, actor=chair)
    other = hold_meeting(community, present=6, actor=chair, title="另一次会议")
    motions.motion_open_vote(motion=motion, meeting=meeting, actor=chair)
    first, *_rest = meeting.members.order_by("pk")
    with pytest.raises(RuleViolation, match="不是本次会议的成员，不能参加表决"):
        motions.vote_record(motion=motion, member=other.members.first(), choice=C.YES, actor=chair)
    with pytest.raises(RuleViolation, match="未签到出席"):
        motions.vote_record(
            motion=motion, member=meeting.members.order_by("pk").last(), choice=C.YES, actor=chair
        )
    motions.vote_record(motion=motion, member=first, choice=C.YES, actor=chair)
    with pytest.raises(RuleViolation, match="已对本议题表决，不能重复表决"):
        motions.vote_record(motion=motion, member=first, choice=C.NO, actor=chair)
    assert motion.votes.count() == 1
    with pytest.raises(RuleViolation, match="尚未表决"):
        motions.motion_close_vote(motion=motion, actor=chair)


def test_the_database_refuses_a_second_vote_too(community, term, representatives, chair):
    from django.db import IntegrityError

    motion = _reviewed(community, chair)
    meeting = hold_meeting(community, present=6, actor=chair)
    motions.motion_open_vote(motion=motion, meeting=meeting, actor=chair)
    member = meeting.members.order_by("pk").first()
    Vote.objects.create(motion=motion, member=member, choice=C.YES, recorded_at=timezone.now())
    with pytest.raises(IntegrityError, match="vote_once_per_member"):
        Vote.objects.create(motion=motion, member=member, choice=C.NO, recorded_at=timezone.now())


@pytest.mark.parametrize(("yes", "passed"), [(3, False), (4, True)])
def test_pass_needs_more_than_half_of_those_present(community, term, representatives, chair, yes, passed):
    motion = _reviewed(community, chair)
    meeting = hold_meeting(community, present=6, actor=chair)  # half of 6 is 3: 4 yes are needed
    motions.motion_open_vote(motion=motion, meeting=meeting, actor=chair)
    for i, member in enumerate(meeting.members.order_by("pk")[:6]):
        motions.vote_record(motion=motion, member=member, choice=C.YES if i < yes else C.ABSTAIN, actor=chair)
    motion = motions.motion_close_vote(motion=motion, actor=chair)
    assert motion.passed is passed
    if not passed:
        assert motion.state == S.REJECTED
        assert "表决未获通过" in motion.rejection_reason
        assert "（未通过）" in motion.resolution_posting.title  # rejected motions are posted too


def test_drop_keeps_the_reason(community, chair):
    motion = _propose(community, chair)
    motion = motions.motion_step(
        motion=motion, step="drop", note="该事项属物业服务合同范围，转物业办理。", actor=chair
    )
    assert motion.state == S.REJECTED and motion.rejection_reason.startswith("该事项属物业")


def test_joint_proposal_needs_a_count(community, chair):
    with pytest.raises(RuleViolation, match="联名提议须填写联名人数"):
        motions.motion_propose(
            community=community, title="议题", description="内容", source=Motion.Source.PETITION, actor=chair
        )
    assert not Posting.objects.exists()


def test_implementation_refuses_bad_progress_and_wrong_state(community, chair):
    motion = _propose(community, chair)
    with pytest.raises(RuleViolation, match="只有已公开的决议才能安排实施任务"):
        implementation.task_create(
            motion=motion, title="x", owner=chair, deadline=timezone.localdate(), actor=chair
        )
    f.CommunityFactory()
