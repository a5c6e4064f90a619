"""At least one woman on the committee (DOMAIN.md), enforced: the official list of a committee
election needs a woman, and when no woman is elected one seat is kept for her — the best woman over
the threshold takes the lowest-placed elected member's seat, or, if none passed, that seat is left
empty for a further round among the women only, which a woman then wins."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import RuleViolation
from elections import services as es
from elections.models import Candidate, Election, Seat
from elections.pdf import render_results_pdf
from notices.models import Posting
from tests import factories as f
from tests.elections.test_e2e_election import close_station, pdf_text
from tests.elections.util import local, to_nominations, voters_of

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 6, 20)


def nominate(community, chair, *, field, seats, women, voters=20, kind=Election.Kind.COMMITTEE):
    """A first round to its official list: ``field`` is ``[(resident index, office), ...]``."""
    election, residents = f.election_with_roll(
        community, voters=voters, women=women, election_day=DAY, actor=chair, seats=seats, kind=kind
    )
    es.condition_add(election=election, text="遵纪守法", actor=chair)
    es.station_create(election=election, number=1, name="中心会场", kind="central", actor=chair)
    to_nominations(election, chair, posted_at=local(2027, 5, 10, 9))
    cands = [
        es.candidate_nominate(election=election, resident=residents[i], office=o, kind="self", actor=chair)
        for i, o in field
    ]
    es.election_start_vetting(election=election, actor=chair, at=local(2027, 5, 25, 9))
    (cond,) = election.conditions.all()
    for c in cands:
        es.candidate_vet(candidate=c, results={cond.pk: (True, "")}, actor=chair)
    return election, cands


def vote(election, chair, *, turnout, votes, write_ins=(), day=DAY):
    """Election day at the one station: ``turnout`` voters, every ballot valid, counted twice."""
    typist = f.staff_user(communities=[election.community], role="委员")
    supervisor = f.staff_user(communities=[election.community], role="监督委员")
    station = election.root.stations.get()
    es.election_open_voting(election=election, actor=chair, at=local(day.year, day.month, day.day, 8))
    election.refresh_from_db()
    for v in voters_of(election)[:turnout]:
        es.check_in(election=election, voter=v, station=station, actor=chair)
    es.election_close_voting(election=election, actor=chair)
    election.refresh_from_db()
    figures = {"issued": turnout, "returned": turnout, "valid": turnout, "void": 0, "blank": 0}
    lines = [es.Line(office=c.office, votes=n, candidate_id=c.pk) for c, n in votes]
    lines += [es.Line(office=office, votes=n, write_in=name) for office, name, n in write_ins]
    es.count_enter(election=election, station=station, figures=figures, lines=lines, actor=chair)
    count = es.count_enter(
        election=election, station=station, figures=figures, lines=lines, actor=typist
    ).count
    close_station(count, chair, supervisor)
    r = es.election_post_results(election=election, actor=chair, at=local(day.year, day.month, day.day, 20))
    election.refresh_from_db()
    return r, Posting.objects.get(pk=election.results_posting_id).body


def run(community, chair, *, field, seats, women, votes, kind=Election.Kind.COMMITTEE):
    election, cands = nominate(community, chair, field=field, seats=seats, women=women, kind=kind)
    es.election_post_candidates(election=election, actor=chair, at=local(2027, 6, 10, 9))
    r, body = vote(election, chair, turnout=20, votes=list(zip(cands, votes, strict=True)))
    return election, cands, r, body


def standings(r, office="member"):
    return [(s.name, s.votes, s.elected) for s in r.standings[office]]


def test_the_best_woman_over_the_threshold_takes_the_lowest_members_seat(community, chair):
    # 20 voted: over one half is 11. Two 委员 seats; the men come first and second, the woman third.
    election, (m1, m2, w, m3), r, body = run(
        community,
        chair,
        field=[(1, "member"), (2, "member"), (0, "member"), (3, "member")],
        seats={"member": 2},
        women=1,
        votes=[16, 13, 11, 0],
    )
    name = lambda c: c.resident.name  # noqa: E731
    assert standings(r) == [
        (name(m1), 16, True),
        (name(m2), 13, False),
        (name(w), 11, True),
        (name(m3), 0, False),
    ]
    (kept,) = r.women_seats
    assert (kept.woman.name, kept.gave_way.name) == (name(w), name(m2))
    assert r.remaining == {} and r.runoff_names == {} and r.problems == []
    assert (
        f"因当选人中没有女性，保留一名委员名额由女性担任：女性候选人{name(w)}（11票）达到当选票数，当选；"
        f"{name(m2)}（13票）不再当选。"
    ) in body
    assert f"{name(w)} 11票（当选，保留女性名额）" in body
    assert f"{name(m2)} 13票（得票达到当选票数，让出保留女性名额）" in body
    # The result report says the same.
    text = pdf_text(render_results_pdf(election)[0]).replace("\n", "").replace(" ", "")
    assert "因当选人中没有女性，保留一名委员名额由女性担任" in text and "当选（保留女性名额）" in text
    with pytest.raises(RuleViolation, match="应选名额已全部选出"):
        es.runoff_create(election=election, election_day=dt.date(2027, 6, 27), actor=chair)


def test_no_woman_over_the_threshold_leaves_the_seat_for_a_further_round_among_women(community, chair):
    # The best woman has exactly one half (10 of 20): not over it, so she does not pass.
    election, (w1, w2, m1, m2), r, body = run(
        community,
        chair,
        field=[(0, "member"), (1, "member"), (2, "member"), (3, "member")],
        seats={"member": 2},
        women=2,
        votes=[10, 2, 16, 12],
    )
    name = lambda c: c.resident.name  # noqa: E731
    assert standings(r) == [
        (name(m1), 16, True),
        (name(m2), 12, False),
        (name(w1), 10, False),
        (name(w2), 2, False),
    ]
    assert r.remaining == {"member": 1} and r.women_left == {"member": 1}
    assert [s.name for s in r.runoff_names["member"]] == [name(w1), name(w2)]
    assert (
        f"因当选人中没有女性，保留一名委员名额由女性担任：女性候选人得票均未达到当选票数，{name(m2)}（12票）不再当选，"
        f"该名额空缺，在女性候选人{name(w1)}、{name(w2)}中另行选举。"
    ) in body
    assert f"委员尚缺1名，将在{name(w1)}、{name(w2)}中另行选举。" in body
    # The further round: the women only, its seat kept for a woman.
    runoff = es.runoff_create(election=election, election_day=dt.date(2027, 6, 27), actor=chair)
    assert sorted(runoff.candidates.values_list("resident__name", flat=True)) == sorted([name(w1), name(w2)])
    assert list(Seat.objects.filter(election=runoff).values_list("office", "count", "women_reserved")) == [
        ("member", 1, 1)
    ]
    # A write-in man wins on votes (5 of 12); the seat goes to the best woman with at least one third.
    rw1, rw2 = (runoff.candidates.get(resident=c.resident) for c in (w1, w2))
    r2, body2 = vote(
        runoff,
        chair,
        turnout=12,
        votes=[(rw1, 4), (rw2, 3)],
        write_ins=[("member", "另选男", 5)],
        day=dt.date(2027, 6, 27),
    )
    assert standings(r2) == [("另选男", 5, False), (name(w1), 4, True), (name(w2), 3, False)]
    assert all(s.woman for s in r2.elected) and r2.remaining == {}
    assert (
        f"按上一轮选举结果，本轮保留一名委员名额由女性担任：女性候选人{name(w1)}（4票）达到当选票数，当选；"
        "另选男（5票）不再当选。"
    ) in body2


def test_a_committee_with_a_woman_elected_is_untouched(community, chair):
    _e, (w, m1, m2), r, body = run(
        community,
        chair,
        field=[(0, "member"), (1, "member"), (2, "member")],
        seats={"member": 2},
        women=1,
        votes=[14, 16, 10],
    )
    assert standings(r) == [
        (m1.resident.name, 16, True),
        (w.resident.name, 14, True),
        (m2.resident.name, 10, False),
    ]
    assert r.women_seats == [] and r.women_left == {} and r.problems == []
    assert "保留" not in body


def test_other_kinds_of_election_are_untouched(community, chair):
    # A supervision committee election with men only: nothing refused, nothing kept.
    _e, (m1, m2, m3), r, body = run(
        community,
        chair,
        field=[(0, "member"), (1, "member"), (2, "member")],
        seats={"member": 2},
        women=0,
        votes=[16, 13, 11],
        kind=Election.Kind.SUPERVISION,
    )
    assert standings(r) == [
        (m1.resident.name, 16, True),
        (m2.resident.name, 13, True),
        (m3.resident.name, 11, False),
    ]
    assert r.women_seats == [] and r.problems == [] and "保留" not in body


def test_when_no_office_can_keep_a_seat_the_results_say_so(community, chair):
    # The only woman ran for 主任 (one seat) and lost; no woman ran for 委员.
    _e, (w, m0, m1, m2, m3), r, body = run(
        community,
        chair,
        field=[(0, "chair"), (1, "chair"), (2, "member"), (3, "member"), (4, "member")],
        seats={"chair": 1, "member": 2},
        women=1,
        votes=[8, 12, 16, 13, 5],
    )
    assert [s.name for s in r.elected] == [m0.resident.name, m1.resident.name, m2.resident.name]
    assert r.women_seats == []
    assert r.problems == ["当选人中没有女性成员，须在另行选举中保证至少一名女性当选。"]


def test_the_official_list_of_a_committee_election_needs_a_woman(community, chair):
    election, cands = nominate(
        community, chair, field=[(0, "member"), (1, "member")], seats={"member": 1}, women=0
    )
    with pytest.raises(RuleViolation) as e:
        es.election_post_candidates(election=election, actor=chair, at=local(2027, 6, 10, 9))
    assert e.value.messages == [
        "正式候选人中须至少有一名女性（居委会成员中应有女性），审查通过的候选人中没有女性。"
    ]
    election.refresh_from_db()
    assert election.status == Election.Status.VETTING and election.candidates_posting_id is None
    assert not Candidate.objects.filter(election=election, status=Candidate.Status.OFFICIAL).exists()
    # A rejected woman does not count: only qualified candidates are on the official list.
    other, _r = f.election_with_roll(community, voters=4, women=1, election_day=DAY, actor=chair)
    es.condition_add(election=other, text="遵纪守法", actor=chair)
    to_nominations(other, chair, posted_at=local(2027, 5, 10, 9))
    residents = [v.resident for v in voters_of(other)]
    woman = next(r for r in residents if r.sex == "F")
    men = [r for r in residents if r.sex == "M"][:2]
    cands = [
        es.candidate_nominate(election=other, resident=x, office="member", kind="self", actor=chair)
        for x in [woman, *men]
    ]
    es.election_start_vetting(election=other, actor=chair)
    (cond,) = other.conditions.all()
    es.candidate_vet(candidate=cands[0], results={cond.pk: (False, "不符合条件")}, actor=chair)
    for c in cands[1:]:
        es.candidate_vet(candidate=c, results={cond.pk: (True, "")}, actor=chair)
    with pytest.raises(RuleViolation, match="正式候选人中须至少有一名女性"):
        es.election_post_candidates(election=other, actor=chair, at=local(2027, 6, 10, 9))


def test_without_a_woman_for_member_the_seat_is_kept_in_another_office_with_more_seats(community, chair):
    # No woman ran for 委员; two 副主任 seats, a woman third there: she takes the lower 副主任 seat.
    _e, (m1, m2, w, m3, m4), r, body = run(
        community,
        chair,
        field=[(1, "vice_chair"), (2, "vice_chair"), (0, "vice_chair"), (3, "member"), (4, "member")],
        seats={"vice_chair": 2, "member": 1},
        women=1,
        votes=[16, 13, 11, 16, 4],
    )
    assert standings(r, "vice_chair") == [
        (m1.resident.name, 16, True),
        (m2.resident.name, 13, False),
        (w.resident.name, 11, True),
    ]
    assert standings(r, "member") == [(m3.resident.name, 16, True), (m4.resident.name, 4, False)]
    assert "因当选人中没有女性，保留一名副主任名额由女性担任" in body
