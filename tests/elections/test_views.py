"""The public roll lookup: name + last 4 ID characters → on the roll and where, nothing else."""

from __future__ import annotations

import datetime as dt

import pytest

from elections import services as es
from tests import factories as f
from tests.elections.util import local

pytestmark = pytest.mark.django_db


@pytest.fixture
def posted(community, chair):
    election, residents = f.election_with_roll(community, actor=chair, election_day=dt.date(2027, 6, 20))
    es.station_create(
        election=election,
        number=1,
        name="第一居民小组活动室",
        group=residents[0].household.group,
        actor=chair,
    )
    es.election_post_roll(election=election, actor=chair, at=local(2027, 5, 10, 9))
    return election, residents


def _url(election):
    return f"/c/{election.community.slug}/elections/{election.pk}/roll/"


def test_lookup_says_on_the_roll_and_the_station_and_nothing_else(client, posted):
    election, residents = posted
    r = residents[0]
    page = client.post(_url(election), {"name": r.name, "last4": r.id_number[-4:].lower()})
    text = page.content.decode()
    assert page.status_code == 200 and "已在选民名单上" in text and "第一居民小组活动室" in text
    assert r.id_number not in text and r.household.number not in text and r.phone not in text
    assert page["Cache-Control"].startswith("private") or "no-store" in page["Cache-Control"]
    miss = client.post(
        _url(election), {"name": r.name, "last4": "0000" if r.id_number[-4:] != "0000" else "1111"}
    )
    assert "未查到" in miss.content.decode()
    assert "请填写姓名" in client.post(_url(election), {"name": r.name, "last4": "12"}).content.decode()
    assert client.get(_url(election)).status_code == 200


def test_guessing_is_throttled(client, posted):
    election, residents = posted
    for _i in range(20):
        client.post(_url(election), {"name": "某某", "last4": "1234"})
    page = client.post(_url(election), {"name": residents[0].name, "last4": residents[0].id_number[-4:]})
    assert page.status_code == 429 and "查询过于频繁" in page.content.decode()


def test_unposted_or_unknown_roll_is_not_found(client, community, chair):
    election, _r = f.election_with_roll(community, actor=chair)
    assert client.get(_url(election)).status_code == 404
    assert client.get(f"/c/{community.slug}/elections/999999/roll/").status_code == 404


def test_index_lists_public_elections_with_the_roll_lookup_and_hides_drafts(client, posted, community, chair):
    election, _residents = posted
    draft, _r = f.election_with_roll(community, actor=chair, title="筹备中的选举")
    page = client.get(f"/c/{community.slug}/elections/")
    text = page.content.decode()
    assert page.status_code == 200
    assert election.title in text and "选民名单公示中" in text and _url(election) in text
    assert draft.title not in text
    assert 'aria-current="page">选举</a>' in text  # its own tab in the board's tab bar
