"""Writes of motions (议题) through 四议两公开: propose, each step with what was said, the named vote at
a meeting with quorum, the automatic posting of the tally and named record, implementation and its
result. Every step is :data:`~affairs.services.motion_flow.MOTION_FLOW` applied under a row lock.

DOMAIN.md "Deciding public matters": each vote is public (who voted how, counted, posted); a
decision needs more than half of those present (``CommunityRules.decision_majority``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from affairs.models.meetings import Meeting, MeetingMember
from affairs.models.motions import Motion, Vote
from affairs.services import motion_postings
from affairs.services.motion_flow import MOTION_FLOW
from core.errors import RuleViolation
from core.governed import check_scope, integrity_message, save_governed
from core.models import Community, TransitionLog, User

A = MeetingMember.Attendance
C = Vote.Choice


def _lock(motion: Motion) -> Motion:
    return (
        Motion.objects.select_for_update(of=("self",))
        .select_related("meeting", "community")
        .get(pk=motion.pk)
    )


def _note(note: str, what: str) -> str:
    note = (note or "").strip()
    if not note:
        raise RuleViolation(_("请填写%(what)s。") % {"what": what})
    return note


@transaction.atomic
def motion_propose(
    *,
    community: Community,
    title: str,
    description: str,
    source: str,
    actor: User | None,
    proposed_on: dt.date | None = None,
    sponsors: str = "",
    sponsors_count: int | None = None,
    at: dt.datetime | None = None,
) -> Motion:
    """提议: a motion from the party branch, the committee, representatives or residents jointly."""
    at = at or timezone.now()
    check_scope(actor, community.pk)
    motion = Motion(
        community=community,
        title=(title or "").strip(),
        description=(description or "").strip(),
        source=source,
        sponsors=(sponsors or "").strip(),
        sponsors_count=sponsors_count,
        proposed_on=proposed_on or timezone.localdate(at),
    )
    save_governed(motion, actor=actor, reason=_("提议"))
    # The proposal is the first line of the motion's record (who proposed, when, from where).
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(Motion),
        object_id=motion.pk,
        workflow=MOTION_FLOW.name,
        transition="propose",
        label=_("提议"),
        source_state=Motion.State.PROPOSED,
        target_state=Motion.State.PROPOSED,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        note=f"{motion.get_source_display()} {motion.sponsors}".strip(),
    )
    return motion


@transaction.atomic
def motion_step(
    *, motion: Motion, step: str, note: str, actor: User | None, at: dt.datetime | None = None
) -> Motion:
    """商议, 审议 or drop: what was said is required and recorded with the step."""
    if step not in ("deliberate", "review", "drop"):
        raise ValueError(step)
    at = at or timezone.now()
    motion = _lock(motion)
    check_scope(actor, motion.community_id)
    what = _("不予表决的理由") if step == "drop" else _("商议或审议的意见")
    note = _note(note, what)
    MOTION_FLOW.apply(motion, step, actor=actor, at=at, note=note)
    if step == "drop":
        motion.rejection_reason = note
    save_governed(motion, actor=actor, reason=str(MOTION_FLOW.transition(step).label))
    return motion


@transaction.atomic
def motion_open_vote(
    *,
    motion: Motion,
    meeting: Meeting,
    actor: User | None,
    note: str = "",
    opinion_summary: str | None = None,
    at: dt.datetime | None = None,
) -> Motion:
    """Put a reviewed motion to the vote at ``meeting``; refused without quorum."""
    at = at or timezone.now()
    motion = _lock(motion)
    check_scope(actor, motion.community_id)
    Meeting.objects.select_for_update().get(pk=meeting.pk)  # attendance cannot change under us
    motion.meeting = meeting
    if opinion_summary is not None:
        motion.opinion_summary = opinion_summary.strip()
    MOTION_FLOW.apply(motion, "open_vote", actor=actor, at=at, note=note or meeting.title)
    motion.vote_opened_at = at
    save_governed(motion, actor=actor, reason=_("提交会议表决"))
    return motion


@transaction.atomic
def vote_record(
    *, motion: Motion, member: MeetingMember, choice: str, actor: User | None, at: dt.datetime | None = None
) -> Vote:
    """One member's vote. Refused: a vote not open, a non-member of the meeting, a member not present,
    a second vote (also a database constraint)."""
    at = at or timezone.now()
    motion = _lock(motion)
    check_scope(actor, motion.community_id)
    if motion.state != Motion.State.VOTING:
        raise RuleViolation(_("该议题当前不在表决中。"))
    if member.meeting_id != motion.meeting_id:
        raise RuleViolation(_("%(name)s不是本次会议的成员，不能参加表决。") % {"name": member.resident.name})
    if not member.counts_present:
        raise RuleViolation(_("%(name)s未签到出席，不能参加表决。") % {"name": member.resident.name})
    if choice not in (C.YES, C.NO, C.ABSTAIN):
        raise RuleViolation(_("表决意见只能是赞成、反对或弃权。"))
    vote = Vote(
        motion=motion, member=member, choice=choice, by_proxy=member.attendance == A.PROXY, recorded_at=at
    )
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError as e:
        raise RuleViolation(integrity_message(e)) from e
    return vote


@transaction.atomic
def votes_record(*, motion: Motion, choices: dict[int, str], actor: User | None, at=None) -> list[Vote]:
    """Several votes at once (the admin's vote sheet): all or none."""
    members = {m.pk: m for m in MeetingMember.objects.filter(pk__in=choices).select_related("resident")}
    missing = set(choices) - set(members)
    if missing:
        raise RuleViolation(_("表决人不是本次会议的成员。"))
    return [
        vote_record(motion=motion, member=members[pk], choice=c, actor=actor, at=at)
        for pk, c in choices.items()
    ]


@dataclass(frozen=True)
class Tally:
    members: int
    present: int
    yes: int
    no: int
    abstain: int
    absent: int
    needed: int  # yes votes needed to pass

    @property
    def passed(self) -> bool:
        return self.yes >= self.needed


def tally(motion: Motion) -> Tally:
    members = list(
        MeetingMember.objects.filter(meeting_id=motion.meeting_id).values_list("attendance", flat=True)
    )
    present = sum(1 for a in members if a in (A.PRESENT, A.PROXY))
    choices = list(motion.votes.values_list("choice", flat=True))
    share = motion.community.rules.fraction("decision_majority")
    return Tally(
        members=len(members),
        present=present,
        yes=choices.count(C.YES),
        no=choices.count(C.NO),
        abstain=choices.count(C.ABSTAIN),
        absent=len(members) - present,
        needed=math.floor(present * share) + 1,  # more than the share of those present
    )


@transaction.atomic
def motion_close_vote(
    *, motion: Motion, actor: User | None, note: str = "", at: dt.datetime | None = None
) -> Motion:
    """Close the vote: freeze the tally, mark absent members, resolve or reject, and post the tally
    with the named record on the board (决议公开) in the same transaction."""
    at = at or timezone.now()
    motion = _lock(motion)
    check_scope(actor, motion.community_id)
    if motion.state != Motion.State.VOTING:
        raise RuleViolation(_("该议题当前不在表决中。"))
    result = tally(motion)
    step = "resolve" if result.passed else "reject_vote"
    summary = _("赞成%(yes)d票，反对%(no)d票，弃权%(abstain)d票；实到%(present)d人，须%(needed)d票赞成。") % {
        "yes": result.yes,
        "no": result.no,
        "abstain": result.abstain,
        "present": result.present,
        "needed": result.needed,
    }
    MOTION_FLOW.apply(motion, step, actor=actor, at=at, note=(note.strip() + " " + summary).strip())
    absent = MeetingMember.objects.filter(meeting_id=motion.meeting_id).exclude(
        attendance__in=[A.PRESENT, A.PROXY]
    )
    Vote.objects.bulk_create(Vote(motion=motion, member=m, choice=C.ABSENT, recorded_at=at) for m in absent)
    motion.vote_closed_at = at
    motion.members_count, motion.present_count = result.members, result.present
    motion.yes_count, motion.no_count, motion.abstain_count = result.yes, result.no, result.abstain
    if not result.passed:
        motion.rejection_reason = _("表决未获通过：%(summary)s") % {"summary": summary}
    save_governed(motion, actor=actor, reason=str(MOTION_FLOW.transition(step).label))
    posting = motion_postings.publish_resolution(motion, result, actor=actor, at=at)
    motion.resolution_posting = posting
    if result.passed:
        MOTION_FLOW.apply(motion, "post_resolution", actor=None, at=at, note=posting.title)
    save_governed(motion, actor=actor, reason=_("决议公开"))
    return motion


@transaction.atomic
def motion_implement(*, motion: Motion, actor: User | None, note: str = "", at=None) -> Motion:
    motion = _lock(motion)
    check_scope(actor, motion.community_id)
    MOTION_FLOW.apply(motion, "implement", actor=actor, at=at, note=note)
    save_governed(motion, actor=actor, reason=_("开始实施"))
    return motion


@transaction.atomic
def motion_post_result(
    *, motion: Motion, actor: User | None, result_summary: str | None = None, at: dt.datetime | None = None
) -> Motion:
    """实施结果公开: every task done, the result written, posted on the board."""
    at = at or timezone.now()
    motion = _lock(motion)
    check_scope(actor, motion.community_id)
    if result_summary is not None:
        motion.result_summary = result_summary.strip()
    MOTION_FLOW.apply(motion, "post_result", actor=actor, at=at, note=motion.result_summary[:200])
    motion.result_posting = motion_postings.publish_result(motion, actor=actor, at=at)
    save_governed(motion, actor=actor, reason=_("公开实施结果"))
    return motion
