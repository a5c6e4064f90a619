"""A whole committee election from draft to posted results, as DOMAIN.md tells it, then its further
round (另行选举) for the seat left empty."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import RuleViolation
from elections import services as es
from elections.flow import ELECTION_FLOW
from elections.models import Election, StationCount
from elections.pdf import render_results_pdf, results_ledger_hash
from notices.models import Posting
from tests import factories as f
from tests.elections.util import local, voters_of

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 6, 20)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCAN = b"%PDF-1.4 signed paper record"


def pdf_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def count_both(election, station, figures, votes, first, second, write_ins=()):
    lines = [es.Line(office="member", votes=n, candidate_id=c.pk) for c, n in votes]
    lines += [es.Line(office="member", votes=n, write_in=name) for name, n in write_ins]
    es.count_enter(election=election, station=station, figures=figures, lines=lines, actor=first)
    return es.count_enter(election=election, station=station, figures=figures, lines=lines, actor=second)


def close_station(count, chair, supervisor, note=""):
    es.closure_record(
        count=count, scan=SimpleUploadedFile("record.pdf", SCAN), difference_note=note, actor=chair
    )
    es.closure_validate(count=count, actor=chair)
    es.closure_validate(count=count, actor=supervisor)


def test_a_committee_election_from_draft_to_posted_results_and_its_further_round(
    community, chair, django_capture_on_commit_callbacks
):
    from notices.tasks import process_window_boundaries

    typist = f.staff_user(communities=[community], role="委员")
    supervisor = f.staff_user(communities=[community], role="监督委员")
    # Draft: seats, the election committee, the roll built from the registry.
    election, residents = f.election_with_roll(
        community,
        voters=10,
        women=3,
        election_day=DAY,
        actor=chair,
        seats={"member": 2},
        signatures_required=2,
    )
    es.condition_add(election=election, text="拥护宪法，遵纪守法", actor=chair)
    group = residents[0].household.group
    s1 = es.station_create(election=election, number=1, name="第一小组活动室", group=group, actor=chair)
    s2 = es.station_create(election=election, number=2, name="社区中心会场", kind="central", actor=chair)
    # Roll posted 41 days ahead; its objection window closes; the board's hand-off moves it on.
    es.election_post_roll(election=election, actor=chair, at=local(2027, 5, 10, 9))
    with django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries(at=local(2027, 5, 15, 9, 1))
    election.refresh_from_db()
    assert election.status == Election.Status.NOMINATIONS
    # Nominations: one joint (2 signatures), two self-nominations; the clerk stays on the committee.
    voters = voters_of(election)
    a = es.candidate_nominate(
        election=election,
        resident=residents[0],
        office="member",
        kind="joint",
        signers=voters[5:7],
        actor=chair,
    )
    b = es.candidate_nominate(
        election=election, resident=residents[1], office="member", kind="self", actor=chair
    )
    c = es.candidate_nominate(
        election=election, resident=residents[4], office="member", kind="self", actor=chair
    )
    es.election_start_vetting(election=election, actor=chair, at=local(2027, 5, 25, 9))
    (cond,) = election.conditions.all()
    for cand in (a, b, c):
        es.candidate_vet(candidate=cand, results={cond.pk: (True, "")}, actor=chair)
    es.qa_meeting_record(
        election=election,
        held_at=local(2027, 6, 5, 14),
        notes="三名候选人陈述并答问",
        actor=chair,
        at=local(2027, 6, 5, 18),
    )
    es.election_post_candidates(election=election, actor=chair, at=local(2027, 6, 10, 9))
    # Election day: check-in at two stations, one voter carrying a proxy.
    es.proxy_authorize(
        election=election, grantor=voters[9], proxy=voters[8], authorization="委托书第1号", actor=chair
    )
    es.election_open_voting(election=election, actor=chair, at=local(2027, 6, 20, 7, 30))
    election.refresh_from_db()
    for v in voters[:5]:
        es.check_in(election=election, voter=v, station=s1, actor=typist, at=local(2027, 6, 20, 8))
    es.check_in(election=election, voter=voters[5], station=s2, actor=typist, at=local(2027, 6, 20, 9))
    es.check_in(
        election=election, voter=voters[8], station=s2, actor=typist, at=local(2027, 6, 20, 9)
    )  # + proxy
    es.election_close_voting(election=election, actor=chair, at=local(2027, 6, 20, 17))
    election.refresh_from_db()
    # Count: two typists per station; the first station's entries disagree once on one name.
    figures1 = {"issued": 5, "returned": 5, "valid": 5, "void": 0, "blank": 0}
    es.count_enter(
        election=election,
        station=s1,
        figures=figures1,
        actor=chair,
        lines=[es.Line(office="member", votes=n, candidate_id=x.pk) for x, n in ((a, 4), (b, 2), (c, 1))],
    )
    result = es.count_enter(
        election=election,
        station=s1,
        figures=figures1,
        actor=typist,
        lines=[es.Line(office="member", votes=n, candidate_id=x.pk) for x, n in ((a, 4), (b, 3), (c, 1))],
    )
    assert result.count is None
    assert result.differences == [f"第1站 {b.resident.name} 票数：第一次 2，第二次 3"]
    with pytest.raises(RuleViolation, match="请先作废其中一次"):
        es.count_enter(election=election, station=s1, figures=figures1, lines=[], actor=supervisor)
    es.count_entry_discard(
        entry=result.entry.__class__.objects.get(pk=result.entry.pk), reason="第二次录入看错行", actor=chair
    )
    retyped = es.count_enter(
        election=election,
        station=s1,
        figures=figures1,
        actor=typist,
        lines=[es.Line(office="member", votes=n, candidate_id=x.pk) for x, n in ((a, 4), (b, 2), (c, 1))],
    )
    assert retyped.count is not None and retyped.count.checkins == 5
    count2 = count_both(
        election,
        s2,
        {"issued": 3, "returned": 3, "valid": 3, "void": 0, "blank": 0},
        [(a, 2), (b, 2), (c, 1)],
        chair,
        typist,
    ).count
    # Results cannot be posted before both committees validate each signed record.
    reasons = ELECTION_FLOW.reasons(election, "post_results", actor=chair)
    assert "第1站 第一小组活动室未上传签字的计票报告单" in reasons[0]
    close_station(retyped.count, chair, supervisor)
    close_station(count2, chair, supervisor)
    r = es.election_post_results(election=election, actor=chair, at=local(2027, 6, 20, 20))
    # 11 on the roll, 8 voted (> 1/2). A: 6 > 8/2 elected; B: exactly 4 = one half, not over it.
    assert (r.registered, r.voted, r.valid_election) == (11, 8, True)
    assert [(s.name, s.votes, s.elected) for s in r.standings["member"]] == [
        (a.resident.name, 6, True),
        (b.resident.name, 4, False),
        (c.resident.name, 2, False),
    ]
    assert r.remaining == {"member": 1}
    posting = Posting.objects.get(pk=Election.objects.get(pk=election.pk).results_posting_id)
    assert f"{a.resident.name} 6票（当选）" in posting.body
    assert "第2站 社区中心会场：发出3张，收回3张，有效3张" in posting.body
    election.refresh_from_db()
    assert election.status == Election.Status.RESULTS_POSTED
    assert [e.transition for e in ELECTION_FLOW.log(election)] == [
        "post_roll",
        "open_nominations",
        "start_vetting",
        "post_candidates",
        "open_voting",
        "close_voting",
        "post_results",
    ]
    # The printable result report carries the ledger hash of the posted results.
    data, _pages = render_results_pdf(election)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "election-results.pdf").write_bytes(data)
    text = pdf_text(data)
    ledger_hash = results_ledger_hash(election)
    assert ledger_hash and ledger_hash[:8] in text.replace(" ", "")
    assert a.resident.name in text and "当选" in text and "社区中心会场" in text
    # The further round: B and C for the one seat left; plurality with at least one third.
    runoff = es.runoff_create(election=election, election_day=dt.date(2027, 6, 27), actor=chair)
    assert sorted(runoff.candidates.values_list("resident__name", flat=True)) == sorted(
        [b.resident.name, c.resident.name]
    )
    es.election_open_voting(election=runoff, actor=chair, at=local(2027, 6, 27, 8))
    runoff.refresh_from_db()
    for v in voters[:6]:
        es.check_in(election=runoff, voter=v, station=s1, actor=typist)
    es.election_close_voting(election=runoff, actor=chair)
    runoff.refresh_from_db()
    rb, rc = runoff.candidates.order_by("pk")
    count = count_both(
        runoff,
        s1,
        {"issued": 6, "returned": 6, "valid": 6, "void": 0, "blank": 0},
        [(rb, 2), (rc, 4)],
        chair,
        typist,
    ).count
    close_station(count, chair, supervisor)
    # Every station closes its round, even one where nobody came.
    empty = count_both(
        runoff, s2, {"issued": 0, "returned": 0, "valid": 0, "void": 0, "blank": 0}, [], chair, typist
    ).count
    close_station(empty, chair, supervisor)
    es.election_post_results(election=runoff, actor=chair)
    standings = es.compute_results(runoff).standings["member"]
    # 6 voted: the threshold is 2 (one third); C with 4 wins by plurality.
    assert [(s.name, s.elected) for s in standings] == [(rc.resident.name, True), (rb.resident.name, False)]
    assert StationCount.objects.filter(election=runoff).count() == 2


def test_a_rehearsal_runs_end_to_end_without_the_board_and_is_thrown_away(community, chair):
    from elections.models import CheckIn, Voter

    typist = f.staff_user(communities=[community], role="委员")
    supervisor = f.staff_user(communities=[community], role="监督委员")
    election, residents = f.election_with_roll(
        community, voters=4, election_day=DAY, actor=chair, rehearsal=True
    )
    es.condition_add(election=election, text="遵纪守法", actor=chair)
    s1 = es.station_create(election=election, number=1, name="演练会场", kind="central", actor=chair)
    roll = es.election_post_roll(election=election, actor=chair, at=local(2027, 5, 10, 9))
    assert roll.posting_id is None
    es.roll_freeze(roll=roll, at=roll.objections_close_at)
    election.refresh_from_db()
    a = es.candidate_nominate(
        election=election, resident=residents[0], office="member", kind="self", actor=chair
    )
    b = es.candidate_nominate(
        election=election, resident=residents[1], office="member", kind="self", actor=chair
    )
    es.election_start_vetting(election=election, actor=chair)
    (cond,) = election.conditions.all()
    for cand in (a, b):
        es.candidate_vet(candidate=cand, results={cond.pk: (True, "")}, actor=chair)
    es.election_post_candidates(election=election, actor=chair, at=local(2027, 6, 10, 9))
    es.election_open_voting(election=election, actor=chair, at=local(2027, 6, 20, 8))
    election.refresh_from_db()
    for v in voters_of(election)[:3]:
        es.check_in(election=election, voter=v, station=s1, actor=chair)
    es.election_close_voting(election=election, actor=chair)
    election.refresh_from_db()
    a.refresh_from_db()
    b.refresh_from_db()
    count = count_both(
        election,
        s1,
        {"issued": 3, "returned": 3, "valid": 3, "void": 0, "blank": 0},
        [(a, 2), (b, 1)],
        chair,
        typist,
    ).count
    close_station(count, chair, supervisor)
    es.election_post_results(election=election, actor=chair)
    assert not Posting.objects.exists()
    with pytest.raises(RuleViolation, match="只有演练选举可以整体删除"):
        real, _r = f.election_with_roll(community, voters=1, actor=chair)
        es.rehearsal_discard(election=real, actor=chair)
    assert es.rehearsal_discard(election=election, actor=chair) == 1
    assert not Election.objects.filter(pk=election.pk).exists()
    assert not Voter.objects.filter(roll__election_id=election.pk).exists() and not CheckIn.objects.exists()
