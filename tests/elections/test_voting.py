"""Polling stations, proxies and check-in: once across all stations, enforced by the database."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from core.errors import RuleViolation
from elections import services as es
from elections.models import CheckIn, Election, StationStaff
from tests import factories as f
from tests.elections.util import local, voters_of

DAY = dt.date(2027, 6, 20)


def voting_election(community, chair, *, voters=6, candidates=2):
    """An election on election day, voting open, with two stations and ``candidates`` candidates."""
    election, residents = f.election_with_roll(community, voters=voters, election_day=DAY, actor=chair)
    group = residents[0].household.group
    s1 = es.station_create(election=election, number=1, name="第一小组活动室", group=group, actor=chair)
    s2 = es.station_create(election=election, number=2, name="社区中心会场", kind="central", actor=chair)
    from elections.models import Candidate

    for r in residents[:candidates]:
        Candidate.objects.create(
            election=election,
            resident=r,
            office="member",
            kind="self",
            status="official",
            nominated_at=local(2027, 5, 20, 9),
        )
    Election.objects.filter(pk=election.pk).update(status=Election.Status.CANDIDATES_POSTED)
    election.refresh_from_db()
    return election, residents, s1, s2


def open_voting(election, chair):
    es.election_open_voting(election=election, actor=chair, at=local(2027, 6, 20, 7, 30))
    election.refresh_from_db()


@pytest.mark.django_db
def test_check_in_once_across_stations_with_where_and_when(community, chair):
    election, _r, s1, s2 = voting_election(community, chair)
    v = voters_of(election)[3]
    with pytest.raises(RuleViolation, match="当前不在投票时间内"):
        es.check_in(election=election, voter=v, station=s1, actor=chair)
    with pytest.raises(RuleViolation, match="选举日为6月20日，当天才能开始投票"):
        es.election_open_voting(election=election, actor=chair, at=local(2027, 6, 19, 23))
    open_voting(election, chair)
    es.check_in(election=election, voter=v, station=s1, actor=chair, at=local(2027, 6, 20, 8, 5))
    with pytest.raises(RuleViolation, match=f"{v.name}已于06-20 08:05在第1站 第一小组活动室投过票"):
        es.check_in(election=election, voter=v, station=s2, actor=chair)
    assert CheckIn.objects.filter(voter=v).count() == 1


@pytest.mark.django_db
def test_proxies_at_most_3_with_authorization_never_carried_by_a_candidate(community, chair):
    election, residents, s1, _s2 = voting_election(community, chair, voters=8)
    voters = voters_of(election)
    carrier = voters[7]
    for i, grantor in enumerate(voters[2:5], start=1):
        es.proxy_authorize(
            election=election, grantor=grantor, proxy=carrier, authorization=f"委托书第{i}号", actor=chair
        )
    with pytest.raises(RuleViolation, match="每名选民最多接受3人委托"):
        es.proxy_authorize(
            election=election, grantor=voters[5], proxy=carrier, authorization="委托书第4号", actor=chair
        )
    with pytest.raises(RuleViolation, match="是候选人，不能接受委托投票"):
        es.proxy_authorize(
            election=election, grantor=voters[5], proxy=voters[0], authorization="委托书第5号", actor=chair
        )
    with pytest.raises(RuleViolation, match="请登记书面委托书"):
        es.proxy_authorize(
            election=election, grantor=voters[5], proxy=voters[6], authorization=" ", actor=chair
        )
    open_voting(election, chair)
    with pytest.raises(RuleViolation, match="已委托"):
        es.check_in(election=election, voter=voters[2], station=s1, actor=chair)
    rows = es.check_in(election=election, voter=carrier, station=s1, actor=chair)
    assert len(rows) == 4 and {r.carried_by_id for r in rows[1:]} == {carrier.pk}


@pytest.mark.django_db
def test_not_on_the_roll_is_refused(community, chair):
    election, _r, s1, _s2 = voting_election(community, chair)
    open_voting(election, chair)
    other, _x = f.election_with_roll(community, voters=1, actor=chair)
    stranger = voters_of(other)[0]
    with pytest.raises(RuleViolation, match="不在本次选举的选民名单上"):
        es.check_in(election=election, voter=stranger, station=s1, actor=chair)
    removed = voters_of(election)[5]
    from elections.models import Voter

    Voter.objects.filter(pk=removed.pk).update(removed_at=local(2027, 6, 1, 9), removed_reason="迁出")
    removed.refresh_from_db()
    with pytest.raises(RuleViolation, match="已从选民名单除名"):
        es.check_in(election=election, voter=removed, station=s1, actor=chair)


@pytest.mark.django_db
def test_counting_roles_refuse_a_candidates_close_relative(community, chair):
    election, residents, s1, _s2 = voting_election(community, chair)
    from committee.models import Resident

    spouse = f.ResidentFactory(
        household=residents[0].household, relation_to_head=Resident.Relation.SPOUSE, sex="F"
    )
    worker = f.staff_user(communities=[community], role="居民组长")
    spouse.staff_user = worker
    spouse.save()
    with pytest.raises(RuleViolation, match="近亲属，不能担任唱票人"):
        es.staff_assign(station=s1, user=worker, role=StationStaff.Role.READER, actor=chair)
    assert es.staff_assign(station=s1, user=worker, role=StationStaff.Role.OFFICER, actor=chair).pk


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_check_ins_of_one_voter_exactly_one_succeeds(community, chair):
    election, _r, s1, s2 = voting_election(community, chair)
    open_voting(election, chair)
    voter = voters_of(election)[4]
    results: list[str] = []
    barrier = threading.Barrier(20)
    lock = threading.Lock()

    def worker(i: int) -> None:
        try:
            barrier.wait()
            for j in range(10):
                try:
                    es.check_in(election=election, voter=voter, station=s1 if (i + j) % 2 else s2, actor=None)
                    outcome = "ok"
                except RuleViolation as e:
                    outcome = e.messages[0]
                with lock:
                    results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 200
    assert results.count("ok") == 1
    assert all("投过票" in r for r in results if r != "ok")
    assert CheckIn.objects.filter(election=election, voter=voter).count() == 1


@pytest.mark.django_db
def test_a_voter_who_cannot_write_has_the_helper_recorded(community, chair):
    election, residents, s1, _s2 = voting_election(community, chair)
    open_voting(election, chair)
    v = voters_of(election)[3]
    (row,) = es.check_in(election=election, voter=v, station=s1, actor=chair, scribe=residents[5])
    assert CheckIn.objects.get(pk=row.pk).scribe == residents[5]


@pytest.mark.django_db
def test_check_in_is_a_handful_of_queries(community, chair, django_assert_max_num_queries):
    election, _r, s1, _s2 = voting_election(community, chair)
    open_voting(election, chair)
    v = voters_of(election)[4]
    with django_assert_max_num_queries(6):
        es.check_in(election=election, voter=v, station=s1, actor=None)
