"""Polling stations, proxies and check-in. A voter is checked in once across all stations: the
database's unique constraint decides under concurrency (``one_checkin_per_voter``)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.models import Resident
from committee.selectors import close_relative_ids
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from elections.models import Candidate, CheckIn, Election, PollingStation, Proxy, StationStaff, Voter
from elections.services.common import lock
from elections.services.scribes import scribe_check

S = Election.Status


@transaction.atomic
def station_create(
    *,
    election: Election,
    number: int,
    name: str,
    kind: str = PollingStation.Kind.GROUP,
    group=None,
    actor: User | None,
) -> PollingStation:
    """A station; voters of its residents' group (or, for the central venue, everyone not yet
    placed) are assigned to it."""
    election = lock(election.root)
    check_scope(actor, election.community_id)
    if election.status in (S.VOTING, S.COUNTING, S.RESULTS_POSTED, S.CLOSED):
        raise RuleViolation(_("投票开始后不能再增设投票站。"))
    station = PollingStation(election=election, number=number, name=name, kind=kind, group=group)
    save_governed(station, actor=actor, reason=_("设立投票站"))
    # Filter on the roll's own column: a plain UPDATE, no join (a 50,000-voter roll in one statement).
    roll_id = Voter.objects.filter(roll__election=election).values_list("roll_id", flat=True).first()
    voters = Voter.objects.filter(roll_id=roll_id, station__isnull=True)
    if group is not None:
        voters.filter(group=group).update(station=station)
    elif kind == PollingStation.Kind.CENTRAL:
        voters.update(station=station)
    return station


@transaction.atomic
def staff_assign(*, station: PollingStation, user: User, role: str, actor: User | None) -> StationStaff:
    """DOMAIN.md (counting roles): a candidate's close relative may not read, record or scrutinize."""
    election = lock(station.election)
    check_scope(actor, election.community_id)
    if role != StationStaff.Role.OFFICER:
        resident = Resident.objects.filter(staff_user=user, community_id=election.community_id).first()
        if resident is not None:
            candidates = (
                Candidate.objects.filter(election__in=[election, *election.further_rounds.all()])
                .exclude(status__in=[Candidate.Status.REJECTED, Candidate.Status.WITHDRAWN])
                .select_related("resident")
            )
            kin = close_relative_ids(resident)
            for c in candidates:
                if c.resident_id == resident.pk:
                    raise RuleViolation(
                        _("%(name)s是候选人，不能担任计票工作人员。") % {"name": resident.name}
                    )
                if c.resident_id in kin:
                    raise RuleViolation(
                        _("%(name)s是候选人%(candidate)s的近亲属，不能担任%(role)s。")
                        % {
                            "name": resident.name,
                            "candidate": c.resident.name,
                            "role": StationStaff.Role(role).label,
                        }
                    )
    staff = StationStaff(station=station, user=user, role=role)
    save_governed(staff, actor=actor, reason=_("指派投票站工作人员"))
    return staff


def _voter_of(election: Election, voter: Voter) -> Voter:
    if voter.roll.election_id != election.root.pk:
        raise RuleViolation(_("%(name)s不在本次选举的选民名单上。") % {"name": voter.name})
    if voter.removed_at is not None:
        raise RuleViolation(_("%(name)s已从选民名单除名，不能投票。") % {"name": voter.name})
    return voter


@transaction.atomic
def proxy_authorize(
    *,
    election: Election,
    grantor: Voter,
    proxy: Voter,
    authorization: str,
    actor: User | None,
    at: dt.datetime | None = None,
) -> Proxy:
    """DOMAIN.md: a voter may carry the votes of at most 3 others, each with a written authorization;
    a candidate may not carry anyone's vote."""
    at = at or timezone.now()
    election = lock(election)
    check_scope(actor, election.community_id)
    if election.status not in (S.CANDIDATES_POSTED, S.VOTING, S.NOMINATIONS, S.VETTING):
        raise RuleViolation(_("当前阶段不能办理委托投票。"))
    grantor, proxy = _voter_of(election, grantor), _voter_of(election, proxy)
    authorization = (authorization or "").strip()
    if not authorization:
        raise RuleViolation({"authorization": [_("请登记书面委托书（编号或说明）。")]})
    if (
        Candidate.objects.filter(election=election, resident_id=proxy.resident_id)
        .exclude(status__in=[Candidate.Status.REJECTED, Candidate.Status.WITHDRAWN])
        .exists()
    ):
        raise RuleViolation(_("%(name)s是候选人，不能接受委托投票。") % {"name": proxy.name})
    if CheckIn.objects.filter(election=election, voter=grantor).exists():
        raise RuleViolation(_("%(name)s已经投过票，不能再委托。") % {"name": grantor.name})
    if Proxy.objects.filter(election=election, grantor=proxy).exists():
        raise RuleViolation(_("%(name)s本人已委托他人投票，不能再接受委托。") % {"name": proxy.name})
    # The proxy's row lock queues two authorizations for the same proxy; the slot constraint is the
    # last line if anything slips past.
    Voter.objects.select_for_update().get(pk=proxy.pk)
    limit = election.community.rules.max_proxies
    held = Proxy.objects.filter(election=election, proxy=proxy).count()
    if held >= limit:
        raise RuleViolation(
            _("%(name)s已接受%(n)d人委托，每名选民最多接受%(limit)d人委托。")
            % {"name": proxy.name, "n": held, "limit": limit}
        )
    p = Proxy(
        election=election,
        grantor=grantor,
        proxy=proxy,
        slot=held + 1,
        authorization=authorization[:200],
        recorded_by=actor,
        recorded_at=at,
    )
    save_governed(p, actor=actor, reason=_("登记委托投票"))
    return p


def _already_message(checkin: CheckIn) -> str:
    when = timezone.localtime(checkin.at).strftime("%m-%d %H:%M")
    if checkin.carried_by_id:
        return _("%(name)s已于%(when)s在%(station)s由%(proxy)s代为投票。") % {
            "name": checkin.voter.name,
            "when": when,
            "station": checkin.station,
            "proxy": checkin.carried_by.name,
        }
    return _("%(name)s已于%(when)s在%(station)s投过票。") % {
        "name": checkin.voter.name,
        "when": when,
        "station": checkin.station,
    }


def already_checked_in(election: Election, voter: Voter) -> str | None:
    c = (
        CheckIn.objects.filter(election=election, voter=voter)
        .select_related("voter", "station", "carried_by")
        .first()
    )
    return _already_message(c) if c else None


def check_in(
    *,
    election: Election,
    voter: Voter,
    station: PollingStation,
    actor: User | None,
    with_proxies: bool = True,
    scribe: Resident | None = None,
    at: dt.datetime | None = None,
) -> list[CheckIn]:
    """Mark ``voter`` (and the voters they carry by proxy) as having voted at ``station``.

    Once across all stations: the unique constraint refuses a second check-in even when two
    stations press the button at the same instant; the loser is told where and when the voter voted.
    """
    at = at or timezone.now()
    try:
        with transaction.atomic():
            return _check_in(election, voter, station, actor, with_proxies, scribe, at)
    except IntegrityError:
        pass
    message = already_checked_in(election, voter)
    if message is None:  # one of the carried votes was cast meanwhile
        for p in Proxy.objects.filter(election=election, proxy=voter).select_related("grantor"):
            message = message or already_checked_in(election, p.grantor)
    raise RuleViolation(message or _("该选民已经投过票。"))


# The checks of a check-in in one round trip: the election's state, the voter's roll and removal, and
# whether any proxy involves the voter (details are read only then, which is rare).
_CHECK_IN_SQL = """
SELECT e.status, e.parent_id, e.community_id, r.election_id, v.removed_at,
       (SELECT count(*) FROM elections_proxy p
         WHERE p.election_id = e.id AND (p.grantor_id = v.id OR p.proxy_id = v.id))
  FROM elections_voter v
  JOIN elections_voterroll r ON r.id = v.roll_id
  JOIN elections_election e ON e.id = %s
 WHERE v.id = %s
"""


def _check_in(election, voter, station, actor, with_proxies, scribe, at) -> list[CheckIn]:
    # The hot path of election day (hundreds a second across stations): one SELECT and one INSERT.
    # Raw SQL for the SELECT because building four ORM queries cost more than running them. A
    # second check-in is not looked up first: the unique constraint refuses it and check_in() says
    # where and when the voter voted.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(_CHECK_IN_SQL, [election.pk, voter.pk])
        row = cur.fetchone()
    if row is None:
        raise RuleViolation(_("%(name)s不在本次选举的选民名单上。") % {"name": voter.name})
    status, parent_id, community_id, roll_election_id, removed_at, n_proxies = row
    check_scope(actor, community_id)
    if status != S.VOTING:
        raise RuleViolation(_("当前不在投票时间内（%(state)s）。") % {"state": S(status).label})
    root_id = parent_id or election.pk
    if station.election_id != root_id:
        raise RuleViolation(_("该投票站不属于本次选举。"))
    if roll_election_id != root_id:
        raise RuleViolation(_("%(name)s不在本次选举的选民名单上。") % {"name": voter.name})
    if removed_at is not None:
        raise RuleViolation(_("%(name)s已从选民名单除名，不能投票。") % {"name": voter.name})
    proxies = []
    if n_proxies:
        proxies = list(
            Proxy.objects.filter(Q(grantor=voter) | Q(proxy=voter), election_id=election.pk).select_related(
                "grantor", "proxy"
            )
        )
    for p in proxies:
        if p.grantor_id == voter.pk:
            raise RuleViolation(
                _("%(name)s已委托%(proxy)s代为投票。") % {"name": voter.name, "proxy": p.proxy.name}
            )
    if scribe is not None:
        scribe_check(election=election, voter=voter, scribe=scribe)
    rows = [CheckIn(election_id=election.pk, voter=voter, station=station, scribe=scribe, at=at, by=actor)]
    if with_proxies:
        rows += [
            CheckIn(
                election_id=election.pk, voter=p.grantor, station=station, carried_by=voter, at=at, by=actor
            )
            for p in proxies
            if p.proxy_id == voter.pk
        ]
    # One statement for the voter and the votes they carry; an IntegrityError (any of them already
    # checked in, here or at another station) rolls the whole set back.
    return CheckIn.objects.bulk_create(rows)


def station_voters(*, election: Election, query: str, limit: int = 20):
    """The station screen's search: by name, household number or the last 4 ID characters."""
    query = (query or "").strip()
    if not query:
        return Voter.objects.none()
    q = Q(name__startswith=query) | Q(household__number=query)
    if len(query) == 4:
        q |= Q(id_last4=query.upper())
    return (
        Voter.objects.filter(q, roll__election=election.root, removed_at__isnull=True)
        .select_related("household", "station")
        .order_by("name", "pk")[:limit]
    )
