"""Ballots without candidates: a household-representative ballot on a charter (one vote per
household, passes with yes over one half of valid votes) and a recall vote (more than half of the
voters voting, more than half of those in favour). Exact halves do not pass."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import RuleViolation
from elections import services as es
from elections.models import Election
from notices.models import Posting
from tests import factories as f
from tests.elections.test_e2e_election import close_station
from tests.elections.util import local, to_nominations, voters_of

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 6, 20)


def run_ballot(community, chair, *, kind, households, turnout, yes, no, blank=0):
    typist = f.staff_user(communities=[community], role="委员")
    supervisor = f.staff_user(communities=[community], role="监督委员")
    election, _r = f.election_with_roll(
        community, voters=households, election_day=DAY, actor=chair, kind=kind
    )
    station = es.station_create(election=election, number=1, name="中心会场", kind="central", actor=chair)
    to_nominations(election, chair, posted_at=local(2027, 5, 10, 9))
    with pytest.raises(RuleViolation, match="没有候选人"):
        es.election_start_vetting(election=election, actor=chair)
    if kind == Election.Kind.RECALL:
        Election.objects.filter(pk=election.pk).update(recall_member=_r[0])
        election.refresh_from_db()
        voters = voters_of(election)
        need = -(-len(voters) // 5)
        es.recall_sign(election=election, signers=voters[: need - 1], actor=chair)
        with pytest.raises(RuleViolation, match=f"至少{need}人），现有{need - 1}人签名"):
            es.election_ready_ballot(election=election, actor=chair)
        es.recall_sign(election=election, signers=voters[:need], actor=chair)
        es.recall_answer_record(election=election, answer="本人履职情况说明如下……", actor=chair)
    es.election_ready_ballot(election=election, actor=chair)
    es.election_open_voting(election=election, actor=chair, at=local(2027, 6, 20, 8))
    election.refresh_from_db()
    for v in voters_of(election)[:turnout]:
        es.check_in(election=election, voter=v, station=station, actor=chair)
    es.election_close_voting(election=election, actor=chair)
    election.refresh_from_db()
    figures = {"issued": turnout, "returned": turnout, "valid": yes + no, "void": 0, "blank": blank}
    lines = [es.Line(office="", votes=yes, choice="yes"), es.Line(office="", votes=no, choice="no")]
    es.count_enter(election=election, station=station, figures=figures, lines=lines, actor=chair)
    count = es.count_enter(
        election=election, station=station, figures=figures, lines=lines, actor=typist
    ).count
    close_station(count, chair, supervisor)
    return election, es.election_post_results(election=election, actor=chair)


def test_household_ballot_passes_with_yes_over_half_of_valid_votes(community, chair):
    election, r = run_ballot(
        community, chair, kind=Election.Kind.HOUSEHOLD_BALLOT, households=8, turnout=7, yes=4, no=2, blank=1
    )
    assert (r.yes, r.no, r.valid_ballots, r.passed) == (4, 2, 6, True)
    # 8 households on the roll plus the clerk's (one vote each).
    assert r.registered == 9
    posting = Posting.objects.get(pk=Election.objects.get(pk=election.pk).results_posting_id)
    assert "赞成4票，反对2票，赞成率66.67%" in posting.body and "表决结果：通过" in posting.body


def test_household_ballot_at_exactly_one_half_does_not_pass(community, chair):
    _e, r = run_ballot(
        community, chair, kind=Election.Kind.HOUSEHOLD_BALLOT, households=6, turnout=6, yes=3, no=3
    )
    assert r.passed is False


def test_household_ballot_yes_and_no_must_add_up_to_the_valid_ballots(community, chair):
    election, _r = f.election_with_roll(
        community, voters=2, election_day=DAY, actor=chair, kind="household_ballot"
    )
    station = es.station_create(election=election, number=1, name="中心会场", kind="central", actor=chair)
    Election.objects.filter(pk=election.pk).update(status=Election.Status.COUNTING)
    election.refresh_from_db()
    with pytest.raises(RuleViolation, match="赞成票与反对票合计1，与有效票2相差1"):
        es.count_enter(
            election=election,
            station=station,
            actor=chair,
            figures={"issued": 2, "returned": 2, "valid": 2, "void": 0, "blank": 0},
            lines=[es.Line(office="", votes=1, choice="yes")],
        )


def test_recall_needs_over_half_voting_and_over_half_of_them_in_favour(community, chair):
    # 9 on the roll (8 + the clerk): 5 voted (> 4.5); 3 yes of 5 (> 2.5) passes.
    _e, r = run_ballot(community, chair, kind=Election.Kind.RECALL, households=8, turnout=5, yes=3, no=2)
    assert r.passed is True


def test_recall_fails_when_yes_is_not_over_half_of_those_voting(community, chair):
    # 10 on the roll (9 + clerk): 6 voted; 3 yes is exactly one half: not over it.
    _e, r = run_ballot(community, chair, kind=Election.Kind.RECALL, households=9, turnout=6, yes=3, no=3)
    assert r.passed is False
