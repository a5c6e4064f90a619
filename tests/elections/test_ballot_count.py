"""Ballot-by-ballot counting (唱票): each ballot once per station, more names than seats voids it,
the totals by one aggregate query feed the ordinary double entry, closure and results."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from core.errors import RuleViolation
from elections import services as es
from elections.models import Ballot, BallotMark, CountEntry
from elections.services.ballots import ballot_figures
from tests import factories as f
from tests.elections.test_tally import counting, fig  # noqa: F401 - the fixture
from tests.elections.util import local

pytestmark = pytest.mark.django_db


def test_ballots_sum_into_an_entry_that_the_tally_sheet_confirms(counting, chair):  # noqa: F811
    election, s1, _s2, typist, a, b = counting
    es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
    es.ballot_enter(election=election, station=s1, number=2, candidate_ids=[a.pk], actor=chair)
    es.ballot_enter(
        election=election, station=s1, number=3, write_ins=[es.WriteIn("member", " 王五 ")], actor=chair
    )
    # One seat: two names void the ballot, with the reason written out.
    void = es.ballot_enter(election=election, station=s1, number=4, candidate_ids=[a.pk, b.pk], actor=chair)
    assert void.kind == "void" and void.void_reason == "委员一栏选了2人，超过应选1人，本张选票无效。"
    assert not void.marks.exists()
    assert ballot_figures(election=election, station=s1) == {"returned": 4, "valid": 3, "void": 1, "blank": 0}

    first = es.ballot_count_submit(election=election, station=s1, issued=4, actor=chair)
    assert first.entry.from_ballots and first.count is None
    # The recorder's paper tally sheet, typed by another person, confirms it.
    lines = [
        es.Line(office="member", votes=2, candidate_id=a.pk),
        es.Line(office="member", votes=1, write_in="王五"),
    ]
    second = es.count_enter(election=election, station=s1, figures=fig(4, 4, 3, 1), lines=lines, actor=typist)
    assert second.differences == [] and second.count is not None
    votes = {(v.candidate_id, v.write_in): v.votes for v in second.count.votes.all()}
    assert votes == {(a.pk, ""): 2, (None, "王五"): 1}
    r = es.compute_results(election)
    assert {s.name: s.votes for s in r.standings["member"]}[a.resident.name] >= 2
    # Once formed, no more ballots for the station.
    with pytest.raises(RuleViolation, match="计票结果已形成"):
        es.ballot_enter(election=election, station=s1, number=5, actor=chair)


def test_a_mismatch_with_the_tally_sheet_is_named(counting, chair):  # noqa: F811
    election, s1, _s2, typist, a, _b = counting
    for n in (1, 2):
        es.ballot_enter(election=election, station=s1, number=n, candidate_ids=[a.pk], actor=chair)
    es.ballot_enter(election=election, station=s1, number=3, actor=chair)  # blank
    es.ballot_count_submit(election=election, station=s1, issued=3, actor=chair)
    lines = [es.Line(office="member", votes=1, candidate_id=a.pk)]
    out = es.count_enter(election=election, station=s1, figures=fig(3, 3, 2, 0, 1), lines=lines, actor=typist)
    assert out.count is None
    assert out.differences == [f"第1站 {a.resident.name} 票数：第一次 2，第二次 1"]
    # Submitted: more ballots would desynchronise the entry, so they are refused until it is discarded.
    with pytest.raises(RuleViolation, match="唱票结果已汇总提交"):
        es.ballot_enter(election=election, station=s1, number=4, actor=chair)
    entry = CountEntry.objects.get(from_ballots=True)
    es.count_entry_discard(entry=entry, reason="漏录一张", actor=chair)
    es.ballot_enter(election=election, station=s1, number=4, candidate_ids=[a.pk], actor=chair)
    assert Ballot.objects.filter(station=s1).count() == 4


def test_a_ballot_number_is_entered_once_per_station(counting, chair):  # noqa: F811
    election, s1, s2, _t, a, _b = counting
    es.ballot_enter(election=election, station=s1, number=7, candidate_ids=[a.pk], actor=chair)
    with pytest.raises(RuleViolation, match="第7号选票已在第1站"):
        es.ballot_enter(election=election, station=s1, number=7, actor=chair)
    es.ballot_enter(election=election, station=s2, number=7, actor=chair)  # another station: fine
    with pytest.raises(IntegrityError, match="ballot_number_once_per_station"), transaction.atomic():
        Ballot.objects.create(
            election=election, station=s1, number=7, kind="blank", entered_by=chair, at=local(2027, 6, 20, 10)
        )
    assert BallotMark.objects.filter(station=s1).count() == 1


def test_bad_ballots_are_refused_with_nothing_written(counting, chair, community):  # noqa: F811
    election, s1, _s2, _t, a, _b = counting
    with pytest.raises(RuleViolation, match="选票序号须为正整数"):
        es.ballot_enter(election=election, station=s1, number=0, actor=chair)
    with pytest.raises(RuleViolation, match="只能录入本次选举正式候选人"):
        es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[999999], actor=chair)
    with pytest.raises(RuleViolation, match="不能录入赞成或反对票"):
        es.ballot_enter(election=election, station=s1, number=1, choice="yes", actor=chair)
    with pytest.raises(RuleViolation, match="还没有录入任何选票"):
        es.ballot_count_submit(election=election, station=s1, issued=4, actor=chair)
    called_void = es.ballot_enter(
        election=election, station=s1, number=1, void_reason="字迹无法辨认", actor=chair
    )
    assert called_void.kind == "void" and called_void.void_reason == "字迹无法辨认"
    other = f.staff_user(communities=[f.CommunityFactory()], role="委员")
    with pytest.raises(Exception, match="无权管理该社区"):
        es.ballot_enter(election=election, station=s1, number=2, actor=other)
    assert Ballot.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_ballot_number_twice_at_once_is_counted_once(counting, chair):  # noqa: F811
    election, s1, _s2, _t, a, _b = counting
    barrier = threading.Barrier(8)
    outcomes = []

    def enter():
        try:
            barrier.wait()
            es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
            outcomes.append("ok")
        except RuleViolation:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=enter) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 7
    assert Ballot.objects.filter(station=s1).count() == 1
