"""Correcting one mistyped ballot (唱票更正) and removing one entered twice: the same checks as entry,
a written reason, refused once the station's ballots are summed into its count, kept in a
correction record (who, when, before, after, why), and the live tally follows."""

from __future__ import annotations

import pytest

from core.errors import RuleViolation, ScopeDenied
from elections import services as es
from elections.models import Ballot, BallotCorrection, BallotMark, CountEntry
from elections.services.ballots import ballot_correct, ballot_figures, ballot_remove
from elections.tally_live import live_tally
from tests import factories as f
from tests.elections.test_tally import counting  # noqa: F401 - the fixture
from tests.elections.util import local

pytestmark = pytest.mark.django_db


def _votes(election):
    return {row.label: row.votes for _o, rows in live_tally(election).offices for row in rows}


def _state(ballot):
    ballot = Ballot.objects.get(pk=ballot.pk)
    marks = sorted((m.candidate_id, m.write_in) for m in BallotMark.objects.filter(ballot=ballot))
    return ballot.kind, ballot.void_reason, marks


def test_a_mistyped_ballot_is_corrected_with_its_reason(counting, chair):  # noqa: F811
    election, s1, _s2, _t, a, b = counting
    first = es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
    es.ballot_enter(election=election, station=s1, number=2, candidate_ids=[a.pk], actor=chair)
    assert _votes(election)[a.resident.name] == 2 and _votes(election)[b.resident.name] == 0
    # The reader called 张 for ballot 1 and the recorder ticked the wrong name.
    c = ballot_correct(
        ballot=first,
        candidate_ids=[b.pk],
        reason="唱票人读的是另一名候选人，录入时点错",
        actor=chair,
        at=local(2027, 6, 20, 18, 5),
    )
    assert _votes(election)[a.resident.name] == 1 and _votes(election)[b.resident.name] == 1
    assert _state(first) == ("valid", "", [(b.pk, "")])
    c = BallotCorrection.objects.get(pk=c.pk)
    assert (c.ballot_id, c.station_id, c.number, c.action, c.by_id) == (
        first.pk,
        s1.pk,
        1,
        "correct",
        chair.pk,
    )
    assert c.before == f"有效票：委员：{a.resident.name}" and c.after == f"有效票：委员：{b.resident.name}"
    assert c.reason == "唱票人读的是另一名候选人，录入时点错" and c.at == local(2027, 6, 20, 18, 5)
    # A correction goes through the same rules as entry: two names for one seat void the ballot.
    ballot_correct(ballot=first, candidate_ids=[a.pk, b.pk], reason="漏点一个名字", actor=chair)
    assert _state(first)[0] == "void" and "超过应选1人" in _state(first)[1]
    ballot_correct(ballot=first, write_ins=[es.WriteIn("member", "王五")], reason="另选他人", actor=chair)
    assert _state(first) == ("valid", "", [(None, "王五")])
    ballot_correct(ballot=first, reason="实为空白票", actor=chair)
    ballot_correct(ballot=first, void_reason="字迹无法辨认", reason="唱票人宣布无效", actor=chair)
    assert _state(first) == ("void", "字迹无法辨认", [])
    assert ballot_figures(election=election, station=s1) == {"returned": 2, "valid": 1, "void": 1, "blank": 0}
    assert [c.after for c in BallotCorrection.objects.order_by("pk")][2:] == [
        "有效票：委员：另选他人王五",
        "空白票",
        "无效票（字迹无法辨认）",
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": "  "}, "请写明更正原因"),
        ({"reason": "点错", "candidate_ids": [10**9]}, "只能录入本次选举正式候选人的票数"),
        ({"reason": "点错", "choice": "yes"}, "按候选人计票，不能录入赞成或反对票"),
        ({"reason": "点错", "write_ins": [es.WriteIn("chair", "王五")]}, "本次选举没有该职务的名额"),
        ({"reason": "点错", "candidate_ids": ["A"]}, None),
    ],
)
def test_a_bad_correction_changes_nothing(counting, chair, kwargs, message):  # noqa: F811
    election, s1, _s2, _t, a, _b = counting
    ballot = es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
    if message is None:  # the same content again is no correction
        kwargs, message = {"reason": "点错", "candidate_ids": [a.pk]}, "与原录入相同"
    with pytest.raises(RuleViolation, match=message):
        ballot_correct(ballot=ballot, actor=chair, **kwargs)
    assert _state(ballot) == ("valid", "", [(a.pk, "")])
    assert not BallotCorrection.objects.exists()


def test_no_correction_once_the_station_count_is_submitted(counting, chair):  # noqa: F811
    election, s1, _s2, _t, a, b = counting
    ballot = es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
    es.ballot_count_submit(election=election, station=s1, issued=1, actor=chair)
    with pytest.raises(RuleViolation, match="唱票结果已汇总提交，如需补录请先作废该次录入"):
        ballot_correct(ballot=ballot, candidate_ids=[b.pk], reason="点错", actor=chair)
    with pytest.raises(RuleViolation, match="唱票结果已汇总提交"):
        ballot_remove(ballot=ballot, reason="重复录入", actor=chair)
    assert _state(ballot) == ("valid", "", [(a.pk, "")]) and not BallotCorrection.objects.exists()
    # Discarding the summed entry (with its reason) opens the ballots again.
    es.count_entry_discard(entry=CountEntry.objects.get(from_ballots=True), reason="一张录错", actor=chair)
    ballot_correct(ballot=ballot, candidate_ids=[b.pk], reason="点错", actor=chair)
    assert _state(ballot) == ("valid", "", [(b.pk, "")])


def test_no_correction_once_the_station_count_is_formed(counting, chair):  # noqa: F811
    election, s1, _s2, typist, a, b = counting
    ballot = es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
    es.ballot_count_submit(election=election, station=s1, issued=1, actor=chair)
    lines = [es.Line(office="member", votes=1, candidate_id=a.pk)]
    figures = {"issued": 1, "returned": 1, "valid": 1, "void": 0, "blank": 0}
    assert es.count_enter(election=election, station=s1, figures=figures, lines=lines, actor=typist).count
    with pytest.raises(RuleViolation, match="计票结果已形成，不能再录入"):
        ballot_correct(ballot=ballot, candidate_ids=[b.pk], reason="点错", actor=chair)
    assert _state(ballot) == ("valid", "", [(a.pk, "")])


def test_staff_of_another_community_may_not_correct(counting, chair):  # noqa: F811
    election, s1, _s2, _t, a, b = counting
    ballot = es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
    stranger = f.staff_user(communities=[f.CommunityFactory()], role="主任")
    with pytest.raises(ScopeDenied):
        ballot_correct(ballot=ballot, candidate_ids=[b.pk], reason="点错", actor=stranger)
    with pytest.raises(ScopeDenied):
        ballot_remove(ballot=ballot, reason="重复录入", actor=stranger)
    assert _state(ballot) == ("valid", "", [(a.pk, "")]) and not BallotCorrection.objects.exists()


def test_a_ballot_entered_twice_is_removed_and_its_number_freed(counting, chair):  # noqa: F811
    election, s1, _s2, _t, a, _b = counting
    es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
    twice = es.ballot_enter(election=election, station=s1, number=2, candidate_ids=[a.pk], actor=chair)
    es.ballot_enter(election=election, station=s1, number=3, actor=chair)
    assert _votes(election)[a.resident.name] == 2
    with pytest.raises(RuleViolation, match="请写明更正原因"):
        ballot_remove(ballot=twice, reason="", actor=chair)
    assert Ballot.objects.filter(pk=twice.pk).exists()
    c = ballot_remove(ballot=twice, reason="第1号选票重复录入", actor=chair)
    assert not Ballot.objects.filter(pk=twice.pk).exists()
    assert not BallotMark.objects.filter(ballot_id=twice.pk).exists()
    assert _votes(election)[a.resident.name] == 1
    assert ballot_figures(election=election, station=s1)["returned"] == 2
    c = BallotCorrection.objects.get(pk=c.pk)
    assert (c.ballot_id, c.number, c.action, c.after, c.reason) == (
        None,
        2,
        "remove",
        "",
        "第1号选票重复录入",
    )
    assert c.before == f"有效票：委员：{a.resident.name}" and c.by == chair
    with pytest.raises(RuleViolation, match="该选票记录已被删除"):
        ballot_remove(ballot=twice, reason="再删一次", actor=chair)
    # The freed number may be entered again (a ballot really numbered 2 turns up).
    es.ballot_enter(election=election, station=s1, number=2, actor=chair)
    assert ballot_figures(election=election, station=s1)["returned"] == 3


def test_a_correction_refreshes_the_live_tally_page(
    client,
    counting,  # noqa: F811
    chair,
    django_capture_on_commit_callbacks,
):
    election, s1, _s2, _t, a, b = counting
    url = f"/c/{election.community.slug}/elections/{election.pk}/tally/"
    with django_capture_on_commit_callbacks(execute=True):
        ballot = es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
    assert '<td class="num">1</td>' in client.get(url).content.decode().split(a.resident.name, 1)[1]
    with django_capture_on_commit_callbacks(execute=True):
        ballot_correct(ballot=ballot, candidate_ids=[b.pk], reason="点错", actor=chair)
    text = client.get(url).content.decode()
    assert '<td class="num">1</td>' in text.split(b.resident.name, 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">0</td>' in text.split(a.resident.name, 1)[1].split("</tr>", 1)[0]
    with django_capture_on_commit_callbacks(execute=True):
        ballot_remove(ballot=ballot, reason="重复录入", actor=chair)
    assert "已唱票0张" in client.get(url).content.decode()


def _screen(election, station):
    return f"/c/{election.community.slug}/elections/{election.pk}/station/{station.number}/ballots/"


@pytest.fixture
def recorder(counting, chair, community):  # noqa: F811
    from elections.models import StationStaff

    worker = f.staff_user(communities=[community], role="居民组长")
    es.staff_assign(station=counting[1], user=worker, role=StationStaff.Role.OFFICER, actor=chair)
    return worker


def test_the_station_screen_corrects_a_ballot_from_the_recent_list(
    client,
    counting,  # noqa: F811
    recorder,
):
    election, s1, _s2, _t, a, b = counting
    client.force_login(recorder)
    url = _screen(election, s1)
    client.post(url, {"number": "1", "candidate": [a.pk]})
    client.post(url, {"number": "2", "write_in_member": "王五"})
    page = client.get(url).content.decode()
    assert "最近录入" in page and f"有效票：委员：{a.resident.name}" in page
    assert 'href="?correct=1"' in page and 'href="?correct=2"' in page
    # The link opens the form with the ballot as it was entered.
    form = client.get(url, {"correct": "2"}).content.decode()
    assert "更正第2号选票" in form and 'name="correct" value="2"' in form
    assert 'name="write_in_member" value="王五"' in form and 'name="number"' not in form
    form = client.get(url, {"correct": "1"}).content.decode()
    assert f'value="{a.pk}" checked' in form and f'value="{b.pk}" checked' not in form
    # No reason: refused in Chinese, back on the form, nothing changed.
    refused = client.post(url, {"correct": "1", "candidate": [b.pk], "reason": " "}, follow=True)
    assert "请写明更正原因" in refused.content.decode() and "更正第1号选票" in refused.content.decode()
    assert Ballot.objects.get(station=s1, number=1).marks.get().candidate_id == a.pk
    done = client.post(url, {"correct": "1", "candidate": [b.pk], "reason": "点错了人"}, follow=True)
    assert f"第1号选票已更正为：有效票：委员：{b.resident.name}。" in done.content.decode()
    assert Ballot.objects.get(station=s1, number=1).marks.get().candidate_id == b.pk
    c = BallotCorrection.objects.get()
    assert (c.by, c.reason, c.number) == (recorder, "点错了人", 1)
    # Too many names for one seat: the correction voids the ballot, as entry would.
    client.post(url, {"correct": "1", "candidate": [a.pk, b.pk], "reason": "两个都打了勾"})
    assert Ballot.objects.get(station=s1, number=1).kind == "void"
    missing = client.get(url, {"correct": "99"}, follow=True).content.decode()
    assert "本站没有该序号的选票记录" in missing
    # Forged numbers: a message, never a 500.
    for forged in ("9" * 30, "²", "-1"):
        assert client.get(url, {"correct": forged}).status_code == 200
        posted = client.post(url, {"correct": forged, "reason": "点错"}, follow=True)
        assert posted.status_code == 200
        entered = client.post(url, {"number": forged}, follow=True).content.decode()
        assert "选票序号须为正整数" in entered
    assert BallotCorrection.objects.count() == 2


def test_the_station_screen_removes_a_ballot_entered_twice(client, counting, recorder):  # noqa: F811
    election, s1, _s2, _t, a, _b = counting
    client.force_login(recorder)
    url = _screen(election, s1)
    for n in ("1", "2"):
        client.post(url, {"number": n, "candidate": [a.pk]})
    assert 'name="remove" value="2"' in client.get(url, {"correct": "2"}).content.decode()
    refused = client.post(url, {"remove": "2", "reason": ""}, follow=True).content.decode()
    assert "请写明更正原因" in refused and Ballot.objects.filter(station=s1).count() == 2
    done = client.post(url, {"remove": "2", "reason": "同一张选票录了两次"}, follow=True).content.decode()
    assert "第2号选票已删除，原因已记录。" in done
    assert list(Ballot.objects.filter(station=s1).values_list("number", flat=True)) == [1]
    assert BallotCorrection.objects.get().action == "remove"


def test_the_screen_refuses_corrections_by_others_and_after_submission(
    client,
    counting,  # noqa: F811
    recorder,
    chair,
):
    election, s1, s2, _t, a, b = counting
    ballot = es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
    # Not the station's staff (the chair of the community is not a worker of station 1).
    client.force_login(chair)
    data = {"correct": "1", "candidate": [b.pk], "reason": "点错"}
    assert client.post(_screen(election, s1), data).status_code == 403
    client.force_login(recorder)
    assert client.post(_screen(election, s2), data).status_code == 403
    assert _state(ballot) == ("valid", "", [(a.pk, "")])
    client.post(_screen(election, s1), {"submit_count": "1", "issued": "1"})
    page = client.get(_screen(election, s1)).content.decode()
    refused = client.post(_screen(election, s1), data, follow=True).content.decode()
    assert "唱票结果已汇总提交，如需补录请先作废该次录入" in refused
    assert _state(ballot) == ("valid", "", [(a.pk, "")]) and not BallotCorrection.objects.exists()
    # Once submitted the screen says so and offers no correction link.
    assert "唱票结果已汇总提交" in page and "第1号" in page and "?correct=1" not in page
    form = client.get(_screen(election, s1), {"correct": "1"}).content.decode()
    assert "唱票结果已汇总提交" in form and 'name="correct"' not in form


def test_the_recent_list_costs_the_same_queries_for_few_or_many_ballots(
    client,
    counting,  # noqa: F811
    recorder,
    chair,
    django_assert_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    election, s1, _s2, _t, a, b = counting
    client.force_login(recorder)
    url = _screen(election, s1)
    es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(2, 15):
        es.ballot_enter(
            election=election, station=s1, number=n, candidate_ids=[a.pk if n % 2 else b.pk], actor=chair
        )
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('class="ballot-recent-fix"') == 10  # the ten latest
    # The correction form adds the ballot and its marks: two queries.
    with django_assert_num_queries(len(few.captured_queries) + 2):
        assert "更正第3号选票" in client.get(url, {"correct": "3"}).content.decode()
