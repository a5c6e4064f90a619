"""The count's rules at their edges: double entry by two people, named differences, returned above
issued, reconciliation with check-ins, validation by both committees, the thresholds."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import RuleViolation
from elections import services as es
from elections.models import Election
from tests import factories as f
from tests.elections.test_voting import open_voting, voting_election
from tests.elections.util import local, voters_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting(community, chair):
    election, residents, s1, s2 = voting_election(community, chair, voters=6, candidates=2)
    open_voting(election, chair)
    for v in voters_of(election)[:4]:
        es.check_in(election=election, voter=v, station=s1, actor=chair, at=local(2027, 6, 20, 9))
    es.election_close_voting(election=election, actor=chair)
    election.refresh_from_db()
    typist = f.staff_user(communities=[community], role="委员")
    a, b = election.candidates.order_by("pk")
    return election, s1, s2, typist, a, b


def fig(issued, returned, valid, void=0, blank=0):
    return {"issued": issued, "returned": returned, "valid": valid, "void": void, "blank": blank}


def test_the_second_entry_must_be_another_person(counting, chair):
    election, s1, _s2, _t, a, _b = counting
    lines = [es.Line(office="member", votes=3, candidate_id=a.pk)]
    es.count_enter(election=election, station=s1, figures=fig(4, 4, 4), lines=lines, actor=chair)
    with pytest.raises(RuleViolation, match="第二次录入须由另一名工作人员完成"):
        es.count_enter(election=election, station=s1, figures=fig(4, 4, 4), lines=lines, actor=chair)


def test_entry_arithmetic_names_the_figure_and_the_difference(counting, chair):
    election, s1, _s2, _t, a, b = counting
    with pytest.raises(RuleViolation, match=r"有效票3\+无效票0\+空白票0=3，与收回选票4相差1"):
        es.count_enter(election=election, station=s1, figures=fig(4, 4, 3), lines=[], actor=chair)
    with pytest.raises(RuleViolation, match="收回选票须填写为0或正整数"):
        es.count_enter(election=election, station=s1, figures=fig(4, -1, 3), lines=[], actor=chair)
    # One seat: a ballot names at most one; votes above the valid ballots are impossible.
    too_many = [
        es.Line(office="member", votes=3, candidate_id=a.pk),
        es.Line(office="member", votes=2, candidate_id=b.pk),
    ]
    with pytest.raises(RuleViolation, match="委员得票合计5，超过有效票4×应选1=4"):
        es.count_enter(election=election, station=s1, figures=fig(4, 4, 4), lines=too_many, actor=chair)


def test_returned_above_issued_voids_the_box_with_a_reason(counting, chair):
    election, s1, _s2, typist, a, _b = counting
    lines = [es.Line(office="member", votes=4, candidate_id=a.pk)]
    es.count_enter(election=election, station=s1, figures=fig(4, 5, 5), lines=lines, actor=chair)
    count = es.count_enter(
        election=election, station=s1, figures=fig(4, 5, 5), lines=lines, actor=typist
    ).count
    assert count.box_void and count.void_reason == "收回选票5张，多于发出选票4张，本站投票无效。"
    r = es.compute_results(election)
    assert all(s.votes == 0 for s in r.standings["member"])


def test_reconciliation_names_the_difference_and_needs_a_note(counting, chair, community):
    election, s1, _s2, typist, a, _b = counting
    supervisor = f.staff_user(communities=[community], role="监督委员")
    lines = [es.Line(office="member", votes=3, candidate_id=a.pk)]
    es.count_enter(election=election, station=s1, figures=fig(5, 5, 5), lines=lines, actor=chair)
    count = es.count_enter(
        election=election, station=s1, figures=fig(5, 5, 5), lines=lines, actor=typist
    ).count
    with pytest.raises(RuleViolation, match="请先上传签字的计票报告单"):
        es.closure_validate(count=count, actor=chair)
    es.closure_record(count=count, scan=SimpleUploadedFile("r.jpg", b"jpeg"), actor=chair)
    with pytest.raises(
        RuleViolation, match="第1站 第一小组活动室发出选票5张，登记投票4人，相差1。请先填写差异说明"
    ):
        es.closure_validate(count=count, actor=chair)
    es.closure_record(count=count, difference_note="一张选票填错后换发", actor=chair)
    es.closure_validate(count=count, actor=chair)
    with pytest.raises(RuleViolation, match="选举委员会已确认"):
        es.closure_validate(count=count, actor=chair)
    es.closure_validate(count=count, actor=supervisor)
    count.refresh_from_db()
    assert count.validated and count.supervision_validated_by == supervisor


def test_results_need_a_turnout_over_one_half(counting, chair, community):
    election, *_rest = counting
    r = es.compute_results(election)
    # 7 on the roll (6 voters and the clerk), 4 voted: over one half.
    assert (r.registered, r.voted, r.valid_election) == (7, 4, True)
    from elections.models import CheckIn

    CheckIn.objects.filter(election=election).order_by("pk").first().delete()
    r = es.compute_results(election)
    assert not r.valid_election and "未超过选民7人的1/2" in r.problems[0]


def test_a_transition_out_of_order_is_refused(counting, chair):
    election, *_rest = counting
    with pytest.raises(RuleViolation, match="当前状态为“计票中”，不能办理“开始投票”"):
        es.election_open_voting(election=election, actor=chair)
    assert Election.objects.get(pk=election.pk).status == Election.Status.COUNTING
