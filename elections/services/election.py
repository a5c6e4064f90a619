"""Writes of an election's frame: creating it, its seats, its election committee, and the plain
workflow steps (those whose only work is the step itself)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import Resident
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import Community, User
from elections.flow import day_text
from elections.models import Election, ElectionCommitteeMember, Seat
from elections.services.common import lock, step


@transaction.atomic
def election_create(
    *,
    community: Community,
    title: str,
    election_day: dt.date,
    kind: str = Election.Kind.COMMITTEE,
    seats: dict[str, int] | None = None,
    signatures_required: int = 10,
    rehearsal: bool = False,
    group=None,
    recall_member=None,
    actor: User | None,
) -> Election:
    check_scope(actor, community.pk)
    election = Election(
        community=community,
        title=title,
        election_day=election_day,
        kind=kind,
        signatures_required=signatures_required,
        rehearsal=rehearsal,
        group=group,
        recall_member=recall_member,
    )
    save_governed(election, actor=actor, reason=_("新建选举"))
    for office, count in (seats or {}).items():
        seat_set(election=election, office=office, count=count, actor=actor)
    return election


@transaction.atomic
def seat_set(*, election: Election, office: str, count: int, actor: User | None) -> Seat:
    election = lock(election)
    check_scope(actor, election.community_id)
    if election.status != Election.Status.DRAFT:
        raise RuleViolation(_("选民名单公布后不能再修改应选人数。"))
    seat = Seat.objects.filter(election=election, office=office).first() or Seat(
        election=election, office=office
    )
    seat.count = count
    save_governed(seat, actor=actor, reason=_("设定应选人数"))
    return seat


@transaction.atomic
def committee_member_add(
    *, election: Election, resident: Resident, actor: User | None, is_chair: bool = False
) -> ElectionCommitteeMember:
    election = lock(election)
    check_scope(actor, election.community_id)
    if resident.community_id != election.community_id:
        raise RuleViolation(_("选举委员会成员须为本社区居民。"))
    if election.candidates.filter(resident=resident).exclude(status__in=["rejected", "withdrawn"]).exists():
        raise RuleViolation(
            _("%(name)s是本次选举的候选人，不能担任选举委员会成员。") % {"name": resident.name}
        )
    member = ElectionCommitteeMember(election=election, resident=resident, is_chair=is_chair)
    save_governed(member, actor=actor, reason=_("选举委员会成员"))
    return member


@transaction.atomic
def committee_member_step_down(
    *, member: ElectionCommitteeMember, reason: str, actor: User | None, at: dt.datetime | None = None
) -> ElectionCommitteeMember:
    """DOMAIN.md: members of the election committee who become candidates must step down."""
    member = ElectionCommitteeMember.objects.select_for_update().select_related("election").get(pk=member.pk)
    check_scope(actor, member.election.community_id)
    if member.stepped_down_at is not None:
        return member
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation({"step_down_reason": [_("请写明退出原因。")]})
    member.stepped_down_at = at or timezone.now()
    member.step_down_reason = reason[:200]
    save_governed(member, actor=actor, reason=reason)
    return member


def _plain(name: str):
    @transaction.atomic
    def service(
        *, election: Election, actor: User | None, at: dt.datetime | None = None, note: str = ""
    ) -> Election:
        return step(lock(election), name, actor=actor, at=at, note=note)

    service.__name__ = f"election_{name}"
    service.__doc__ = f"Workflow step {name!r} of ELECTION_FLOW (its checks say what is missing)."
    return service


def conditions_posting_body(election: Election) -> str:
    """The candidate conditions as a numbered checklist, and how to nominate (DOMAIN.md: candidates
    are vetted against published conditions; joint nomination with N signatures, or self-nomination).
    Names of nobody: conditions and rules only."""
    lines = [
        _("%(election)s定于%(day)s举行。现将候选人条件及提名办法公布如下。")
        % {"election": election.title, "day": day_text(election.election_day)},
        "",
        _("一、应选名额：%(seats)s。")
        % {
            "seats": "、".join(
                _("%(office)s%(n)d名") % {"office": s.get_office_display(), "n": s.count}
                for s in election.seats.all()
            )
        },
        "",
        _("二、候选人条件（资格审查时逐条核对，有一条不符合的，不能列为正式候选人）："),
    ]
    for c in election.conditions.all():
        lines.append(f"☐ {c.number}. {c.text}")
    lines += [
        "",
        _("三、提名办法："),
        _("1. 选民联名提名：须有本次选举选民名单上的%(n)d名以上选民联名签名；")
        % {"n": election.signatures_required},
        _("2. 自荐：本人向选举委员会报名。"),
        _("被提名人须在本次选举的选民名单上；选举委员会成员被提名的，须退出选举委员会。"),
        "",
        _(
            "四、提名截止后进行资格审查，审查结果可在本社区“选举”页面凭姓名和身份证号码后四位查询；"
            "正式候选人名单于%(due)s前公布。"
        )
        % {"due": day_text(election.candidates_due())},
    ]
    return "\n".join(lines)


def conditions_post(*, election: Election, actor: User | None, at: dt.datetime):
    """Post the conditions and nomination rules on the board when nominations open; none for a
    rehearsal or a vote without candidates. Expires at the end of election day."""
    from notices.models import Category
    from notices.services import publish

    if election.rehearsal or not election.has_candidates:
        return None
    return publish(
        community=election.community,
        category=Category.ELECTION,
        title=_("%(election)s候选人条件及提名办法") % {"election": election.title},
        body=conditions_posting_body(election),
        expire_at=dt.datetime.combine(
            election.election_day + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_default_timezone()
        ),
        sources=list(election.conditions.all()),
        actor=actor,
        at=at,
    )


@transaction.atomic
def election_open_nominations(
    *, election: Election, actor: User | None, at: dt.datetime | None = None, note: str = ""
) -> Election:
    """The roll is final: nominations open and the candidate conditions are posted as a checklist."""
    at = at or timezone.now()
    election = step(lock(election), "open_nominations", actor=actor, at=at, note=note)
    conditions_post(election=election, actor=actor, at=at)
    return election


election_start_vetting = _plain("start_vetting")
election_open_voting = _plain("open_voting")
election_close_voting = _plain("close_voting")
election_close = _plain("close")


@transaction.atomic
def election_ready_ballot(
    *, election: Election, actor: User | None, at: dt.datetime | None = None, note: str = ""
) -> Election:
    """A ballot without candidates made ready. For a recall, the step's check wants either petition
    route at its share (DOMAIN.md); the route that met it is recorded for the posted results."""
    from elections.flow import recall_petition

    at = at or timezone.now()
    election = step(lock(election), "ready_ballot", actor=actor, at=at, note=note)
    if election.kind == Election.Kind.RECALL:
        election.recall_route = recall_petition(election, timezone.localdate(at)).route
        save_governed(election, actor=actor, reason=_("罢免联名达到法定比例"), validate=False)
    return election


@transaction.atomic
def rehearsal_discard(*, election: Election, actor: User | None) -> int:
    """Throw a rehearsal away (演练): every record it made, its further rounds and its step log.
    Only a rehearsal: a real election is evidence and is never deleted once its roll is posted."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import TransitionLog
    from elections.models import (
        CandidateVotes,
        CheckIn,
        CountEntry,
        CountLine,
        Proxy,
        RecallRepresentativeSignature,
        RecallSignature,
        Signature,
        StationCount,
        Vetting,
        Voter,
    )

    election = lock(election)
    check_scope(actor, election.community_id)
    if not election.rehearsal:
        raise RuleViolation(_("只有演练选举可以整体删除。"))
    rounds = [election, *election.further_rounds.all()]
    CandidateVotes.objects.filter(count__election__in=rounds).delete()
    StationCount.objects.filter(election__in=rounds).delete()
    CountLine.objects.filter(entry__election__in=rounds).delete()
    CountEntry.objects.filter(election__in=rounds).delete()
    CheckIn.objects.filter(election__in=rounds).delete()
    Proxy.objects.filter(election__in=rounds).delete()
    Signature.objects.filter(candidate__election__in=rounds).delete()
    RecallSignature.objects.filter(election__in=rounds).delete()
    RecallRepresentativeSignature.objects.filter(election__in=rounds).delete()
    Vetting.objects.filter(candidate__election__in=rounds).delete()
    ct = ContentType.objects.get_for_model(Election)
    TransitionLog.objects.filter(content_type=ct, object_id__in=[e.pk for e in rounds]).delete()
    for e in rounds[1:]:
        e.candidates.all().delete()
        e.delete()
    election.candidates.all().delete()
    Voter.objects.filter(roll__election=election).delete()
    election.stations.all().delete()
    n = len(rounds)
    election.delete()
    return n
