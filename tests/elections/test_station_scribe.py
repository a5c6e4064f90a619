"""代书 from the station screen: the helper who fills the ballot of a voter who cannot write is
found among the community's residents by name and recorded on the check-in; an unknown name is
refused with nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committee.models import Resident
from elections.models import CheckIn
from tests.elections.test_station_screen import station_day  # noqa: F401 - the fixture
from tests.elections.util import voters_of

pytestmark = pytest.mark.django_db


def test_a_scribe_is_recorded_on_the_check_in(client, station_day):  # noqa: F811
    election, s1, _s2, worker = station_day
    client.force_login(worker)
    url = reverse("elections:station_check_in", args=[election.community.slug, election.pk, s1.number])
    page = client.get(
        reverse("elections:station", args=[election.community.slug, election.pk, 1]), {"q": "."}
    )
    assert page.status_code == 200
    voter, helper = voters_of(election)[3], voters_of(election)[4]
    unknown = client.post(url, {"voter": voter.pk, "scribe": "无此人"}, follow=True).content.decode()
    assert "本社区居民中没有找到代书人“无此人”" in unknown
    assert not CheckIn.objects.filter(voter=voter).exists()
    other = voters_of(election)[5]
    Resident.objects.filter(pk__in=[helper.resident_id, other.resident_id]).update(name="欧阳代书")
    twice = client.post(url, {"voter": voter.pk, "scribe": "欧阳代书"}, follow=True).content.decode()
    assert "本社区有多名居民叫“欧阳代书”" in twice
    Resident.objects.filter(pk=other.resident_id).update(name="欧阳另一")
    client.post(url, {"voter": voter.pk, "scribe": " 欧阳代书 "})
    assert CheckIn.objects.get(voter=voter).scribe_id == helper.resident_id
