"""四议两公开 as a workflow (core.workflow): the steps a motion takes and what each step needs.

提议 (proposed) → 商议 (deliberate) → 审议 (review) → 决议 at a meeting with quorum (open_vote, then
resolve / reject_vote when the vote closes) → 决议公开 (post_resolution) → 实施 (implement) →
实施结果公开 (post_result). Before the vote the committee may drop a motion with a reason (drop);
a dropped or voted-down motion stays visible with its reason. No step can be skipped: each
transition starts from exactly one state.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from affairs.models.meetings import DECIDING_BODIES, MeetingMember
from affairs.models.motions import Motion
from core.workflow import Transition, Workflow

S = Motion.State
CHANGE = "affairs.change_motion"


def _meeting_may_decide(motion: Motion, step) -> str | None:
    from affairs.services.meetings import quorum

    meeting = motion.meeting
    if meeting is None:
        return _("请选择表决会议。")
    if meeting.community_id != motion.community_id:
        return _("表决会议不属于本社区。")
    if meeting.body not in DECIDING_BODIES:
        return _("%(body)s不能对议题作出决议，须提交居民会议或居民代表会议表决。") % {
            "body": meeting.get_body_display()
        }
    if meeting.closed_at is not None:
        return _("该会议的记录已定稿，不能再表决。")
    if step.at < meeting.starts_at:
        return _("会议尚未开始，不能表决。")
    q = quorum(meeting)
    if not q.met:
        return _("会议未达到法定人数，不能作出决定：%(summary)s") % {"summary": q.summary}
    return None


def members_not_voted(motion: Motion) -> list[MeetingMember]:
    """Members present (in person or by proxy) at the motion's meeting who have not voted yet."""
    if motion.meeting_id is None:
        return []
    return list(
        MeetingMember.objects.filter(
            meeting_id=motion.meeting_id,
            attendance__in=[MeetingMember.Attendance.PRESENT, MeetingMember.Attendance.PROXY],
        )
        .exclude(votes__motion=motion)
        .select_related("resident")
        .order_by("pk")
    )


def _every_present_member_voted(motion: Motion, step) -> str | None:
    missing = members_not_voted(motion)
    if missing:
        return _("以下到会成员尚未表决：%(names)s。") % {"names": "、".join(m.resident.name for m in missing)}
    return None


def _has_tasks(motion: Motion, step) -> str | None:
    if not motion.tasks.exists():
        return _("请先为决议添加实施任务（负责人和完成期限）。")
    return None


def _tasks_done(motion: Motion, step) -> str | None:
    open_tasks = [t.title for t in motion.tasks.filter(done_at__isnull=True)]
    if open_tasks:
        return _("以下实施任务尚未完成：%(tasks)s。") % {"tasks": "、".join(open_tasks)}
    if not motion.result_summary.strip():
        return _("请填写实施结果。")
    return None


MOTION_FLOW = Workflow(
    "motion",
    states=S,
    transitions=[
        Transition(
            "deliberate",
            _("商议（居委会会同有关方面商议）"),
            sources=[S.PROPOSED],
            target=S.DELIBERATED,
            permission=CHANGE,
        ),
        Transition(
            "review",
            _("审议（议事协调会或代表审议）"),
            sources=[S.DELIBERATED],
            target=S.REVIEWED,
            permission=CHANGE,
        ),
        Transition(
            "open_vote",
            _("提交会议表决"),
            sources=[S.REVIEWED],
            target=S.VOTING,
            permission=CHANGE,
            checks=[_meeting_may_decide],
        ),
        Transition(
            "resolve",
            _("表决通过，形成决议"),
            sources=[S.VOTING],
            target=S.RESOLVED,
            permission=CHANGE,
            checks=[_every_present_member_voted],
        ),
        Transition(
            "reject_vote",
            _("表决未通过"),
            sources=[S.VOTING],
            target=S.REJECTED,
            permission=CHANGE,
            checks=[_every_present_member_voted],
        ),
        Transition("post_resolution", _("决议公开"), sources=[S.RESOLVED], target=S.RESOLUTION_POSTED),
        Transition(
            "drop",
            _("不予提交表决（须说明理由）"),
            sources=[S.PROPOSED, S.DELIBERATED, S.REVIEWED],
            target=S.REJECTED,
            permission=CHANGE,
        ),
        Transition(
            "implement",
            _("开始实施"),
            sources=[S.RESOLUTION_POSTED],
            target=S.IMPLEMENTING,
            permission=CHANGE,
            checks=[_has_tasks],
        ),
        Transition(
            "post_result",
            _("公开实施结果"),
            sources=[S.IMPLEMENTING],
            target=S.RESULT_POSTED,
            permission=CHANGE,
            checks=[_tasks_done],
        ),
    ],
)

# Steps a person takes from the motion's page (the others happen inside a service).
STAFF_STEPS = ("deliberate", "review", "open_vote", "drop", "implement", "post_result")
# Closing a vote is one staff action that leads to resolve or reject_vote.
CLOSE_VOTE = "close_vote"
