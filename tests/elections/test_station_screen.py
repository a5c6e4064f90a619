"""The poll workers' station screen: search, one button, already-voted message; station staff only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from elections import services as es
from elections.models import CheckIn, StationStaff
from tests import factories as f
from tests.elections.test_voting import open_voting, voting_election
from tests.elections.util import local, voters_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def station_day(community, chair):
    election, residents, s1, s2 = voting_election(community, chair, voters=6)
    open_voting(election, chair)
    worker = f.staff_user(communities=[community], role="居民组长")
    es.staff_assign(station=s1, user=worker, role=StationStaff.Role.OFFICER, actor=chair)
    return election, s1, s2, worker


def _url(election, station):
    return reverse("elections:station", args=[election.community.slug, election.pk, station.number])


def test_station_staff_find_and_check_in_a_voter(client, station_day):
    election, s1, _s2, worker = station_day
    client.force_login(worker)
    v = voters_of(election)[3]
    page = client.get(_url(election, s1), {"q": v.id_last4}).content.decode()
    assert v.name in page and "登记投票" in page and v.household.number in page
    by_household = client.get(_url(election, s1), {"q": v.household.number}).content.decode()
    assert v.name in by_household
    check_in_url = reverse("elections:station_check_in", args=[election.community.slug, election.pk, 1])
    done = client.post(check_in_url, {"voter": v.pk, "q": v.name}, follow=True).content.decode()
    assert f"已登记：{v.name}。" in done and "已于" in done
    again = client.post(check_in_url, {"voter": v.pk, "q": v.name}, follow=True).content.decode()
    assert "投过票" in again
    assert CheckIn.objects.filter(voter=v).count() == 1
    assert "名单上没有找到" in client.get(_url(election, s1), {"q": "无此人"}).content.decode()


def test_only_the_stations_own_staff_may_open_it(client, station_day, chair):
    election, s1, s2, worker = station_day
    client.force_login(worker)
    assert client.get(_url(election, s2)).status_code == 403
    client.force_login(chair)
    assert client.get(_url(election, s1)).status_code == 403
    client.logout()
    assert client.get(_url(election, s1)).status_code == 302  # to the login page


def test_shows_where_and_when_someone_voted_elsewhere(client, station_day):
    election, s1, s2, worker = station_day
    v = voters_of(election)[2]
    es.check_in(election=election, voter=v, station=s2, actor=None, at=local(2027, 6, 20, 9, 41))
    client.force_login(worker)
    page = client.get(_url(election, s1), {"q": v.name}).content.decode()
    assert "已于09:41在第2站 社区中心会场投票" in page
