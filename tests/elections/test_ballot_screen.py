"""The recorder's ballot-by-ballot screen: station staff only, each ballot saved with its number,
a repeated number refused with a clear message, the sum submitted into the count entry."""

from __future__ import annotations

import pytest

from elections import services as es
from elections.models import Ballot, CountEntry, StationStaff
from tests import factories as f
from tests.elections.test_tally import counting  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _url(election, station):
    return f"/c/{election.community.slug}/elections/{election.pk}/station/{station.number}/ballots/"


def test_ballots_entered_one_by_one_then_submitted(
    client,
    counting,  # noqa: F811
    chair,
    community,
):
    election, s1, s2, _t, a, b = counting
    worker = f.staff_user(communities=[community], role="居民组长")
    es.staff_assign(station=s1, user=worker, role=StationStaff.Role.OFFICER, actor=chair)
    client.force_login(worker)
    assert client.get(_url(election, s2)).status_code == 403
    screen = client.get(f"/c/{election.community.slug}/elections/{election.pk}/station/1/").content.decode()
    assert _url(election, s1) in screen
    page = client.get(_url(election, s1)).content.decode()
    assert a.resident.name in page and 'value="1"' in page
    done = client.post(_url(election, s1), {"number": "1", "candidate": [a.pk]}, follow=True).content.decode()
    assert "第1号选票已录入：有效票。" in done and 'value="2"' in done
    again = client.post(_url(election, s1), {"number": "1"}, follow=True).content.decode()
    assert "第1号选票已在第1站" in again
    two = client.post(_url(election, s1), {"number": "2", "candidate": [a.pk, b.pk]}, follow=True)
    assert "第2号选票已录入：无效票。" in two.content.decode()
    client.post(_url(election, s1), {"number": "3", "write_in_member": "王五"})
    client.post(_url(election, s1), {"number": "4", "void_reason": "字迹无法辨认"})
    assert client.post(_url(election, s1), {"number": "x"}, follow=True).status_code == 200
    assert Ballot.objects.filter(station=s1).count() == 4
    bad = client.post(_url(election, s1), {"submit_count": "1", "issued": ""}, follow=True).content.decode()
    assert "发出选票须填写为0或正整数" in bad
    sent = client.post(_url(election, s1), {"submit_count": "1", "issued": "4"}, follow=True).content.decode()
    assert "本站唱票结果已汇总提交" in sent
    entry = CountEntry.objects.get(station=s1)
    assert (entry.from_ballots, entry.returned, entry.valid, entry.void) == (True, 4, 2, 2)
