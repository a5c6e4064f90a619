"""Objects of the meetings admin in the states its actions and pages care about, for the generic
admin tests (tests/test_admin_generic.py BUILDERS)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from affairs.models import Body, ImplementationTask, Meeting, Motion, Vote
from affairs.services import implementation, meetings, motions
from tests import factories as f

_seq = itertools.count(1)


def _assembly(community, *, present: int = 4, minutes: str = "") -> Meeting:
    term = community.terms.order_by("-starts_on").first()
    if term is None:
        term = f.CommitteeTermFactory(
            community=community, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2029, 1, 1)
        )
    if not term.representatives.exists():
        group = f.ResidentsGroupFactory(community=community)
        for _i in range(5):
            f.RepresentativeFactory(term=term, group=group)
    meeting = meetings.meeting_create(
        community=community,
        body=Body.ASSEMBLY,
        title=f"居民代表会议{next(_seq)}",
        starts_at=timezone.now() - dt.timedelta(hours=2),
        place="社区活动中心",
        agenda="审议议题",
        actor=None,
    )
    for m in meeting.members.order_by("pk")[:present]:
        meetings.attendance_sign(member=m, attendance="present", actor=None)
    if minutes:
        meetings.meeting_update(meeting=meeting, actor=None, minutes=minutes)
    return meeting


def build_meetings(community):
    """One with minutes ready to be made final, one without minutes (closing says why)."""
    return [_assembly(community, minutes="会议审议了议题。"), _assembly(community, present=1)]


def _motion(community, state: str) -> Motion:
    motion = motions.motion_propose(
        community=community,
        title=f"议题{next(_seq)}",
        description="内容",
        source=Motion.Source.COMMITTEE,
        actor=None,
    )
    if state == Motion.State.PROPOSED:
        return motion
    motions.motion_step(motion=motion, step="deliberate", note="商议。", actor=None)
    motions.motion_step(motion=motion, step="review", note="审议。", actor=None)
    meeting = _assembly(community)
    motions.motion_open_vote(motion=motion, meeting=meeting, actor=None)
    if state == Motion.State.VOTING:
        return Motion.objects.get(pk=motion.pk)
    for m in meeting.members.filter(attendance="present"):
        motions.vote_record(motion=motion, member=m, choice=Vote.Choice.YES, actor=None)
    return motions.motion_close_vote(motion=motion, actor=None)


def build_motions(community):
    return [
        _motion(community, s)
        for s in (Motion.State.PROPOSED, Motion.State.VOTING, Motion.State.RESOLUTION_POSTED)
    ]


def build_tasks(community):
    motion = _motion(community, Motion.State.RESOLUTION_POSTED)
    owner = f.staff_user(communities=[community], role="委员")
    task = implementation.task_create(
        motion=motion,
        title="实施事项",
        owner=owner,
        deadline=timezone.localdate() - dt.timedelta(days=1),
        actor=None,
    )
    return [task]


MEETINGS_BUILDERS = {Meeting: build_meetings, Motion: build_motions, ImplementationTask: build_tasks}
