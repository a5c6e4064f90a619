"""代书 from the station screen: the helper who fills the ballot of a voter who cannot write is
found among the community's current residents like a voter (name, household number or the last 4
ID characters) and recorded on the check-in. Several matches are listed (name, group or building,
household number, masked ID) for the poll worker to pick one; no match, a candidate of the
election or the voter themselves is refused with nothing written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committee.models import Resident
from core.errors import RuleViolation
from core.idnumbers import mask_id
from elections import services as es
from elections.models import CheckIn
from elections.services.scribes import scribe_matches
from tests import factories as f
from tests.elections.test_station_screen import station_day  # noqa: F401 - the fixture
from tests.elections.util import voters_of

pytestmark = pytest.mark.django_db


def _helper(community, name="欧阳代书", **kwargs):
    return f.ResidentFactory(household=f.HouseholdFactory(community=community, **kwargs), name=name)


def _urls(election, station):
    slug = election.community.slug
    return (
        reverse("elections:station", args=[slug, election.pk, station.number]),
        reverse("elections:station_check_in", args=[slug, election.pk, station.number]),
    )


@pytest.mark.parametrize("by", ["name", "household", "last4"])
def test_a_scribe_found_by_name_household_or_last4_is_recorded(client, station_day, by):  # noqa: F811
    election, s1, _s2, worker = station_day
    helper = _helper(election.community, number="H-DS-01")
    typed = {"name": "欧阳代书", "household": "H-DS-01", "last4": helper.id_number[-4:].lower()}[by]
    client.force_login(worker)
    _screen, check_in = _urls(election, s1)
    voter = voters_of(election)[3]
    done = client.post(check_in, {"voter": voter.pk, "q": voter.name, "scribe": f" {typed} "}, follow=True)
    assert f"已登记：{voter.name}。" in done.content.decode()
    assert CheckIn.objects.get(voter=voter).scribe_id == helper.pk


def test_several_matches_are_listed_for_the_poll_worker_to_pick(client, station_day):  # noqa: F811
    election, s1, _s2, worker = station_day
    one = _helper(election.community)
    two = _helper(election.community)
    client.force_login(worker)
    screen, check_in = _urls(election, s1)
    voter = voters_of(election)[3]
    page = client.post(check_in, {"voter": voter.pk, "q": voter.name, "scribe": "欧阳代书"}, follow=True)
    text = page.content.decode()
    assert not CheckIn.objects.filter(voter=voter).exists()
    assert "有多名居民符合，请在下面选定代书人" in text and "后台" not in text
    assert "符合“欧阳代书”的居民有2名" in text
    for r in (one, two):
        assert mask_id(r.id_number) in text and r.id_number not in text
        assert f"户号 {r.household.number}" in text and r.household.group.name in text
        assert f'name="scribe_id" value="{r.pk}"' in text
    assert voter.name in text  # the voter's card is still there, with the choices on it
    done = client.post(check_in, {"voter": voter.pk, "q": voter.name, "scribe_id": two.pk}, follow=True)
    assert f"已登记：{voter.name}。" in done.content.decode()
    assert CheckIn.objects.get(voter=voter).scribe_id == two.pk


def test_no_match_and_a_forged_pick_are_refused(client, station_day):  # noqa: F811
    election, s1, _s2, worker = station_day
    client.force_login(worker)
    _screen, check_in = _urls(election, s1)
    voter = voters_of(election)[3]
    unknown = client.post(check_in, {"voter": voter.pk, "scribe": "无此人"}, follow=True).content.decode()
    assert "本社区居民中没有找到代书人“无此人”，请核对姓名、户号或身份证后四位。" in unknown
    stranger = f.ResidentFactory()  # another community's resident
    forged = client.post(
        check_in, {"voter": voter.pk, "scribe_id": stranger.pk}, follow=True
    ).content.decode()
    assert "没有找到该代书人，请重新查找" in forged
    for forged in ("x", "²", "9" * 30):
        assert client.post(check_in, {"voter": voter.pk, "scribe_id": forged}, follow=True).status_code == 200
    screen, _check_in = _urls(election, s1)
    assert client.get(screen, {"q": voter.name, "scribe_for": "²", "scribe_q": "张"}).status_code == 200
    assert not CheckIn.objects.filter(voter=voter).exists()


def test_a_candidate_or_the_voter_may_not_be_the_scribe(client, station_day):  # noqa: F811
    election, s1, _s2, worker = station_day
    candidate = election.candidates.select_related("resident").first().resident
    client.force_login(worker)
    _screen, check_in = _urls(election, s1)
    voter = voters_of(election)[3]
    refused = client.post(
        check_in, {"voter": voter.pk, "scribe_id": candidate.pk}, follow=True
    ).content.decode()
    assert f"{candidate.name}是本次选举的候选人，不能为选民代书" in refused
    itself = client.post(check_in, {"voter": voter.pk, "scribe_id": voter.resident_id}, follow=True)
    assert "代书人不能是选民本人" in itself.content.decode()
    moved = _helper(election.community, name="迁出者")
    Resident.objects.filter(pk=moved.pk).update(moved_out_on="2027-01-01")
    gone = client.post(check_in, {"voter": voter.pk, "scribe_id": moved.pk}, follow=True).content.decode()
    assert "代书人须为本社区现有居民" in gone
    assert not CheckIn.objects.filter(voter=voter).exists()
    # The service refuses it too, whoever calls it.
    with pytest.raises(RuleViolation, match="是本次选举的候选人"):
        es.check_in(election=election, voter=voter, station=s1, actor=worker, scribe=candidate)
    assert not CheckIn.objects.filter(voter=voter).exists()


def test_scribe_matches_leaves_out_the_dead_and_the_moved_out(station_day):  # noqa: F811
    election = station_day[0]
    alive = _helper(election.community, name="司马代书")
    dead = _helper(election.community, name="司马代书")
    Resident.objects.filter(pk=dead.pk).update(deceased_on="2027-01-01")
    assert [r.pk for r in scribe_matches(election=election, query="司马")] == [alive.pk]
    assert scribe_matches(election=election, query="  ") == []
