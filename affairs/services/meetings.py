"""Meetings: creation with the roster from the registry, sign-in (with proxies where the rules allow),
quorum from the community's rules, and the minutes.

DOMAIN.md "Voting and meetings": a residents' meeting is valid only if more than half of its members
attend; the representative assembly needs two thirds of its representatives present. The other
bodies follow the residents' meeting's rule (more than half). A meeting without quorum cannot take
decisions (``affairs.services.motions`` asks :func:`quorum` before opening a vote).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from affairs.models.meetings import PROXY_BODIES, Body, Meeting, MeetingMember
from affairs.services.rosters import roster_for
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import Community, User

A = MeetingMember.Attendance


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int
    needed: int  # the smallest number present that makes the meeting valid
    share: Fraction
    strict: bool  # True: more than ``share``; False: at least ``share``

    @property
    def met(self) -> bool:
        return self.members > 0 and self.present >= self.needed

    @property
    def rule_text(self) -> str:
        fraction = f"{self.share.numerator}/{self.share.denominator}"
        if self.strict:
            return _("须超过应到人数的%(share)s") % {"share": fraction}
        return _("须达到应到人数的%(share)s") % {"share": fraction}

    @property
    def summary(self) -> str:
        return _("应到%(members)d人，实到%(present)d人（含委托），%(rule)s即%(needed)d人，%(verdict)s。") % {
            "members": self.members,
            "present": self.present,
            "rule": self.rule_text,
            "needed": self.needed,
            "verdict": _("达到法定人数") if self.met else _("未达到法定人数，不能作出决定"),
        }


def quorum_rule(community: Community, body: str) -> tuple[Fraction, bool]:
    rules = community.rules
    if body == Body.ASSEMBLY:
        return rules.fraction("assembly_quorum"), False
    return rules.fraction("residents_meeting_quorum"), True


def needed_for(members: int, share: Fraction, strict: bool) -> int:
    """Smallest head count that is more than (strict) or at least ``share`` of ``members``."""
    exact = members * share
    if strict:
        return math.floor(exact) + 1
    return math.ceil(exact)


def quorum(meeting: Meeting) -> Quorum:
    counts = meeting.members.values_list("attendance", flat=True)
    members = len(counts)
    present = sum(1 for a in counts if a in (A.PRESENT, A.PROXY))
    share, strict = quorum_rule(meeting.community, meeting.body)
    return Quorum(members, present, needed_for(members, share, strict) if members else 1, share, strict)


@transaction.atomic
def meeting_create(
    *,
    community: Community,
    body: str,
    title: str,
    starts_at: dt.datetime,
    place: str,
    agenda: str,
    actor: User | None,
    ends_at: dt.datetime | None = None,
    is_public: bool = True,
    guests: str = "",
) -> Meeting:
    """A meeting and its roster, taken from the registry for the term current on its day."""
    check_scope(actor, community.pk)
    meeting = Meeting(
        community=community,
        body=body,
        title=(title or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or "").strip(),
        agenda=(agenda or "").strip(),
        is_public=is_public,
        guests=(guests or "").strip(),
    )
    save_governed(meeting, actor=actor, reason=_("安排会议"))
    term, roster = roster_for(community=community, body=body, day=timezone.localdate(starts_at))
    if not roster:
        raise RuleViolation(
            _("登记信息中没有%(body)s的成员（请先登记本届居委会、居民代表或监督委员会成员）。")
            % {"body": meeting.get_body_display()}
        )
    meeting.term = term
    meeting.save(update_fields=["term"])
    MeetingMember.objects.bulk_create(
        MeetingMember(meeting=meeting, resident=resident, capacity=capacity) for resident, capacity in roster
    )
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor: User | None, **changes) -> Meeting:
    """Edit the arrangements (not the roster) while the minutes are not final."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_scope(actor, locked.community_id)
    if locked.closed_at is not None:
        raise RuleViolation(_("会议记录已定稿，不能再修改。"))
    if "body" in changes and changes["body"] != locked.body and locked.members.exists():
        raise RuleViolation(_("会议类别决定参会成员名单，安排后不能更改；请另行安排会议。"))
    for name, value in changes.items():
        setattr(locked, name, value)
    save_governed(locked, actor=actor, reason=_("修改会议安排"))
    return locked


@transaction.atomic
def attendance_sign(
    *,
    member: MeetingMember,
    attendance: str,
    actor: User | None,
    proxy_holder: MeetingMember | None = None,
    at: dt.datetime | None = None,
) -> MeetingMember:
    """Record one member's attendance. A proxy only where the body allows it, held by a member of
    the same meeting who attends in person, and no more proxies per holder than the rules allow."""
    at = at or timezone.now()
    meeting = Meeting.objects.select_for_update().get(pk=member.meeting_id)
    check_scope(actor, meeting.community_id)
    member = MeetingMember.objects.select_for_update().get(pk=member.pk)
    if meeting.closed_at is not None:
        raise RuleViolation(_("会议记录已定稿，不能再修改签到。"))
    if attendance not in A.values:
        raise RuleViolation(_("请选择出席情况。"))
    if attendance != A.PROXY:
        proxy_holder = None
    if attendance == A.PROXY:
        if meeting.body not in PROXY_BODIES:
            raise RuleViolation(
                _("%(body)s须本人出席，不能委托他人。") % {"body": meeting.get_body_display()}
            )
        if proxy_holder is None:
            raise RuleViolation(_("委托出席须指定受托人。"))
        proxy_holder = MeetingMember.objects.select_related("resident").get(pk=proxy_holder.pk)
        if proxy_holder.meeting_id != meeting.pk:
            raise RuleViolation(_("受托人须是本次会议的成员。"))
        if proxy_holder.pk == member.pk:
            raise RuleViolation(_("不能委托本人。"))
        if proxy_holder.attendance != A.PRESENT:
            raise RuleViolation(
                _("受托人%(name)s须本人签到出席后才能接受委托。") % {"name": proxy_holder.resident.name}
            )
        limit = meeting.community.rules.max_proxies
        held = proxy_holder.proxies.exclude(pk=member.pk).count()
        if held >= limit:
            raise RuleViolation(
                _("%(name)s已接受%(n)d人委托，每人最多接受%(limit)d人委托。")
                % {"name": proxy_holder.resident.name, "n": held, "limit": limit}
            )
    if member.attendance == A.PRESENT and attendance != A.PRESENT and member.proxies.exists():
        raise RuleViolation(
            _("%(name)s已接受他人委托，请先改变委托人的出席情况。") % {"name": member.resident.name}
        )
    if attendance != member.attendance and member.votes.exists():
        raise RuleViolation(_("%(name)s已参加表决，出席情况不能再更改。") % {"name": member.resident.name})
    member.attendance = attendance
    member.proxy_holder = proxy_holder
    member.signed_at = at if attendance in (A.PRESENT, A.PROXY) else None
    save_governed(member, actor=actor, reason=_("会议签到"))
    return member


@transaction.atomic
def meeting_close(
    *, meeting: Meeting, minutes: str, actor: User | None, at: dt.datetime | None = None
) -> Meeting:
    """Make the minutes final: attendance and minutes no longer change (the PDF is the proof)."""
    at = at or timezone.now()
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_scope(actor, locked.community_id)
    if locked.closed_at is not None:
        raise RuleViolation(_("会议记录已定稿。"))
    if at < locked.starts_at:
        raise RuleViolation(_("会议尚未召开，不能定稿会议记录。"))
    minutes = (minutes or locked.minutes or "").strip()
    if not minutes:
        raise RuleViolation(_("请填写会议记录后再定稿。"))
    if locked.motions.filter(vote_closed_at__isnull=True, vote_opened_at__isnull=False).exists():
        raise RuleViolation(_("本次会议还有未结束的表决，请先结束表决。"))
    for member in locked.members.filter(attendance=A.PENDING):
        member.attendance = A.ABSENT
        save_governed(member, actor=actor, reason=_("会议结束，未签到记为缺席"))
    locked.minutes = minutes
    locked.closed_at = at
    save_governed(locked, actor=actor, reason=_("会议记录定稿"))
    return locked
