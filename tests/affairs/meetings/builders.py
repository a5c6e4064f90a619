"""Objects of the meetings admin in the states its actions and pages care about, for the generic
admin tests (tests/test_admin_generic.py BUILDERS)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from affairs.models import (
    AdmittedTask,
    Appraisal,
    Body,
    Consultation,
    Convention,
    ConventionVersion,
    ImplementationTask,
    Meeting,
    Motion,
    Vote,
)
from affairs.services import admission, conventions, implementation, meetings, motions
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


def build_conventions(community):
    return [
        conventions.convention_save(
            convention=Convention(community=community, title=f"公约{next(_seq)}"), actor=None
        )
    ]


def build_convention_versions(community):
    """A draft adopted by a household ballot (can be put in force) and one without adoption (refused)."""
    convention = build_conventions(community)[0]
    ready = conventions.convention_version_create(
        convention=convention, text="条文。", ballot_yes=60, ballot_valid=100, actor=None
    )
    other = build_conventions(community)[0]
    bare = conventions.convention_version_create(convention=other, text="条文。", actor=None)
    return [ready, bare]


def build_admitted_tasks(community):
    task = AdmittedTask(
        community=community,
        year=2026,
        department="区民政局",
        content="高龄津贴申领初审",
        target="应享尽享",
        scope="本社区",
        time_limit="每月10日前",
        classification=AdmittedTask.Classification.ASSISTED,
        funding=Decimal("6000.00"),
        approval="准入审核意见〔2026〕3号",
    )
    return [admission.admitted_task_save(task=task, actor=None)]


def build_appraisals(community):
    """Ready to post (reports written, scored) and one without reports (posting says why)."""
    from affairs.models import AppraisalReport
    from affairs.services import appraisal

    meeting = _assembly(community)
    term = meeting.term
    if not term.seats.exists():
        f.CommitteeSeatFactory(term=term, role="chair")
        meeting = _assembly(community)
    ready = appraisal.appraisal_create(community=community, year=2026, quarter=1, meeting=meeting, actor=None)
    AppraisalReport.objects.filter(appraisal=ready).update(report="述职。")
    member = meeting.members.filter(attendance="present").first()
    appraisal.scores_record(
        appraisal=ready, member=member, scores={r.pk: 90 for r in ready.reports.all()}, actor=None
    )
    bare = appraisal.appraisal_create(community=community, year=2026, quarter=2, meeting=meeting, actor=None)
    return [ready, bare]


def build_consultations(community):
    """Open, tied to a proposed motion and answered (both actions have work); one without a motion."""
    from affairs.models import Consultation
    from affairs.services import consultations

    now = timezone.now()

    def make(motion):
        c = Consultation(
            community=community,
            motion=motion,
            title=f"意见征集{next(_seq)}",
            question="请按紧迫程度排序。",
            items="加装电梯\n增设路灯\n停车管理",
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=6),
        )
        return consultations.consultation_save(consultation=c, actor=None)

    answered = make(_motion(community, Motion.State.PROPOSED))
    consultations.response_submit(consultation=answered, ranking=[2, 1, 3], address="10.0.0.1")
    return [answered, make(None)]


MEETINGS_BUILDERS = {
    Meeting: build_meetings,
    Motion: build_motions,
    ImplementationTask: build_tasks,
    Convention: build_conventions,
    ConventionVersion: build_convention_versions,
    AdmittedTask: build_admitted_tasks,
    Appraisal: build_appraisals,
    Consultation: build_consultations,
}
