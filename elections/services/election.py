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


election_open_nominations = _plain("open_nominations")
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
