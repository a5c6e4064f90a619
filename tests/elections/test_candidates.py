"""Nomination, vetting with grounds, and the official list (差额, posted in time)."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import RuleViolation
from elections import services as es
from elections.flow import ELECTION_FLOW
from elections.models import Candidate, Election, ElectionCommitteeMember
from elections.services.candidates import parse_signers, rejection_reasons
from notices.models import Posting
from tests import factories as f
from tests.elections.util import local, to_nominations, voters_of

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 6, 20)


@pytest.fixture
def nominating(community, chair):
    election, residents = f.election_with_roll(
        community, voters=8, election_day=DAY, actor=chair, signatures_required=3
    )
    es.condition_add(election=election, text="拥护宪法，遵纪守法", actor=chair)
    es.condition_add(election=election, text="在本社区居住满一年", actor=chair)
    to_nominations(election, chair, posted_at=local(2027, 5, 10, 9))
    return election, residents


def test_joint_nomination_needs_the_signatures_self_nomination_none(nominating, chair):
    election, residents = nominating
    voters = voters_of(election)
    with pytest.raises(RuleViolation, match="联名提名须有3名选民签名，现有2名"):
        es.candidate_nominate(
            election=election,
            resident=residents[0],
            office="member",
            kind="joint",
            signers=voters[1:3],
            actor=chair,
        )
    c = es.candidate_nominate(
        election=election,
        resident=residents[0],
        office="member",
        kind="joint",
        signers=voters[1:4],
        actor=chair,
    )
    assert c.signatures.count() == 3
    es.candidate_nominate(election=election, resident=residents[1], office="member", kind="self", actor=chair)
    with pytest.raises(RuleViolation, match="已被提名"):
        es.candidate_nominate(
            election=election, resident=residents[1], office="member", kind="self", actor=chair
        )
    with pytest.raises(RuleViolation, match="没有该职务的应选名额"):
        es.candidate_nominate(
            election=election, resident=residents[2], office="chair", kind="self", actor=chair
        )
    outsider = f.ResidentFactory(household=f.HouseholdFactory(community=election.community))
    with pytest.raises(RuleViolation, match="不在选民名单上"):
        es.candidate_nominate(election=election, resident=outsider, office="member", kind="self", actor=chair)


def test_signatures_typed_from_paper_are_matched_on_the_roll(nominating):
    election, _r = nominating
    v = voters_of(election)[0]
    assert parse_signers(election=election, text=f"{v.name} {v.id_last4}\n\n") == [v]
    with pytest.raises(RuleViolation, match="不在选民名单上"):
        parse_signers(election=election, text="无名氏 0000")


def test_a_committee_member_nominated_steps_down(nominating, chair):
    election, _r = nominating
    member = ElectionCommitteeMember.objects.get(election=election)
    es.candidate_nominate(
        election=election, resident=member.resident, office="member", kind="self", actor=chair
    )
    member.refresh_from_db()
    assert member.stepped_down_at is not None and "退出选举委员会" in member.step_down_reason


def test_vetting_records_each_condition_and_the_rejection_reason(nominating, chair):
    election, residents = nominating
    a = es.candidate_nominate(
        election=election, resident=residents[0], office="member", kind="self", actor=chair
    )
    b = es.candidate_nominate(
        election=election, resident=residents[1], office="member", kind="self", actor=chair
    )
    with pytest.raises(RuleViolation, match="当前不在资格审查阶段"):
        es.candidate_vet(candidate=a, results={}, actor=chair)
    es.election_start_vetting(election=election, actor=chair)
    c1, c2 = election.conditions.all()
    with pytest.raises(RuleViolation, match="以下条件尚未审查"):
        es.candidate_vet(candidate=a, results={c1.pk: (True, "")}, actor=chair)
    with pytest.raises(RuleViolation, match="不符合的条件须写明依据"):
        es.candidate_vet(candidate=a, results={c1.pk: (True, ""), c2.pk: (False, " ")}, actor=chair)
    es.candidate_vet(candidate=a, results={c1.pk: (True, ""), c2.pk: (True, "")}, actor=chair)
    es.candidate_vet(
        candidate=b, results={c1.pk: (True, ""), c2.pk: (False, "2026年9月迁入，居住不满一年")}, actor=chair
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == Candidate.Status.QUALIFIED and a.vetted_by == chair
    assert b.status == Candidate.Status.REJECTED
    assert rejection_reasons(b) == ["不符合“在本社区居住满一年”：2026年9月迁入，居住不满一年"]
    election.refresh_from_db()
    # One seat, one qualified candidate: not a competitive (差额) list.
    reasons = ELECTION_FLOW.reasons(election, "post_candidates", actor=chair, at=local(2027, 6, 1, 9))
    assert reasons == ["委员应选1名，审查通过的候选人只有1名，须多于应选人数（差额选举）。"]


def test_official_list_is_posted_at_least_5_days_before(nominating, chair):
    election, residents = nominating
    for r in residents[:3]:
        es.candidate_nominate(election=election, resident=r, office="member", kind="self", actor=chair)
    es.election_start_vetting(election=election, actor=chair)
    ids = list(election.conditions.values_list("pk", flat=True))
    for c in election.candidates.all():
        es.candidate_vet(candidate=c, results={pk: (True, "") for pk in ids}, actor=chair)
    with pytest.raises(RuleViolation, match="正式候选人名单须于选举日前5日（6月15日前）公布"):
        es.election_post_candidates(election=election, actor=chair, at=local(2027, 6, 16, 8))
    es.election_post_candidates(election=election, actor=chair, at=local(2027, 6, 15, 20))
    election.refresh_from_db()
    assert election.status == Election.Status.CANDIDATES_POSTED
    assert set(election.candidates.values_list("status", flat=True)) == {"official"}
    posting = Posting.objects.get(pk=election.candidates_posting_id)
    assert residents[0].name in posting.body and "应选1名，候选人3名" in posting.body


def test_qa_meeting_is_recorded(nominating, chair):
    election, _r = nominating
    es.qa_meeting_record(
        election=election,
        held_at=local(2027, 6, 1, 14),
        notes="三名候选人发言并回答居民提问",
        actor=chair,
        at=local(2027, 6, 1, 18),
    )
    election.refresh_from_db()
    assert election.qa_meeting_notes.startswith("三名候选人")
    with pytest.raises(RuleViolation, match="请填写答辩会记录"):
        es.qa_meeting_record(
            election=election, held_at=local(2027, 6, 1, 14), notes=" ", actor=chair, at=local(2027, 6, 1, 18)
        )
