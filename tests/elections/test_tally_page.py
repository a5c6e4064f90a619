"""The live public tally page: running totals from ballots and formed counts, no personal data,
served from the board's page cache and refreshed by a new ballot; linked from the index while
counting; refreshes itself without any script."""

from __future__ import annotations

import pytest

from elections import services as es
from elections.models import Election
from tests.elections.test_tally import counting, fig  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _url(election):
    return f"/c/{election.community.slug}/elections/{election.pk}/tally/"


def test_tally_shows_running_totals_and_no_personal_data(
    client,
    counting,  # noqa: F811
    chair,
    django_capture_on_commit_callbacks,
):
    election, s1, s2, typist, a, b = counting
    with django_capture_on_commit_callbacks(execute=True):
        for n in (1, 2, 3):
            es.ballot_enter(election=election, station=s1, number=n, candidate_ids=[a.pk], actor=chair)
        es.ballot_enter(
            election=election, station=s1, number=4, write_ins=[es.WriteIn("member", "赵六")], actor=chair
        )
        es.ballot_enter(election=election, station=s2, number=1, candidate_ids=[b.pk], actor=chair)
    page = client.get(_url(election))
    text = page.content.decode()
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="30">' in text and "<script>" not in text
    assert "已唱票5张" in text and "0/2个投票站计票结果已形成" in text
    assert a.resident.name in text and b.resident.name in text and "另选他人（合计）" in text
    assert "第1站 第一小组活动室" in text and "已唱票4张" in text
    # Write-in names, ID numbers and phone numbers never appear.
    assert "赵六" not in text
    for c in (a, b):
        assert c.resident.id_number not in text and (not c.resident.phone or c.resident.phone not in text)
    rows = text.split(a.resident.name, 1)[1]
    assert '<td class="num">3</td>' in rows


def test_tally_is_cached_and_a_new_ballot_shows_at_once(
    client,
    counting,  # noqa: F811
    chair,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    election, s1, _s2, typist, a, _b = counting
    assert "已唱票0张" in client.get(_url(election)).content.decode()
    with django_assert_num_queries(0):  # served from the page cache
        assert "已唱票0张" in client.get(_url(election)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        es.ballot_enter(election=election, station=s1, number=1, candidate_ids=[a.pk], actor=chair)
    assert "已唱票1张" in client.get(_url(election)).content.decode()
    # A station count formed from the totals path counts too, and the ballots of that station
    # are then replaced by its definitive count.
    lines = [es.Line(office="member", votes=4, candidate_id=a.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        es.count_enter(election=election, station=_s2, figures=fig(4, 4, 4), lines=lines, actor=chair)
        es.count_enter(election=election, station=_s2, figures=fig(4, 4, 4), lines=lines, actor=typist)
    text = client.get(_url(election)).content.decode()
    assert "1/2个投票站计票结果已形成" in text and "结果已形成，待确认" in text
    assert '<td class="num">5</td>' in text.split(a.resident.name, 1)[1]


def test_tally_is_public_only_while_counting_or_after(client, counting, chair):  # noqa: F811
    election = counting[0]
    index = client.get(f"/c/{election.community.slug}/elections/").content.decode()
    assert _url(election) in index and "正在计票：查看唱票进度" in index
    Election.objects.filter(pk=election.pk).update(status=Election.Status.VOTING)
    assert client.get(_url(election)).status_code == 404
    assert _url(election) not in client.get(f"/c/{election.community.slug}/elections/").content.decode()
    Election.objects.filter(pk=election.pk).update(status=Election.Status.RESULTS_POSTED)
    text = client.get(_url(election) + "?after").content.decode()
    assert "计票已结束" in text and "http-equiv" not in text
    Election.objects.filter(pk=election.pk).update(status=Election.Status.COUNTING, rehearsal=True)
    assert client.get(_url(election) + "?rehearsal").status_code == 404
