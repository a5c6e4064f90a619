"""The ballots in the admin: read only, listed by election, station, number and kind, each with its
marks and its corrections; a removed ballot's record stays in the correction list; another
community's staff see none of it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from elections import services as es
from elections.services.ballots import ballot_correct, ballot_remove
from tests import factories as f
from tests.elections.test_tally import counting  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected(counting, chair):  # noqa: F811
    election, s1, s2, _t, a, b = counting
    ballots = [
        es.ballot_enter(election=election, station=s1, number=n, candidate_ids=[a.pk], actor=chair)
        for n in range(1, 18)
    ]
    es.ballot_enter(election=election, station=s2, number=17, void_reason="字迹无法辨认", actor=chair)
    ballot_correct(ballot=ballots[16], candidate_ids=[b.pk], reason="唱票人读的是乙", actor=chair)
    ballot_remove(ballot=ballots[15], reason="第15号重复录入", actor=chair)
    return election, s1, s2, a, b, ballots


def test_ballots_are_listed_filtered_and_searched_by_number(chair_client, corrected):
    election, s1, s2, _a, _b, ballots = corrected
    url = reverse("admin:elections_ballot_changelist")
    page = chair_client.get(url).content.decode()
    assert page.count('class="field-number"') == 17  # 16 left at station 1, one at station 2
    for label in ("有效票", "无效票", "字迹无法辨认"):
        assert label in page
    found = chair_client.get(url, {"q": "17"}).content.decode()
    assert found.count('class="field-number"') == 2
    at_s2 = chair_client.get(url, {"q": "17", "station__id__exact": s2.pk}).content.decode()
    assert at_s2.count('class="field-number"') == 1 and "字迹无法辨认" in at_s2
    voids = chair_client.get(url, {"kind__exact": "void"}).content.decode()
    assert voids.count('class="field-number"') == 1
    assert chair_client.get(url, {"q": "abc"}).status_code == 200
    assert chair_client.get(url, {"election__id__exact": election.pk}).status_code == 200


def test_a_ballot_shows_its_marks_and_who_corrected_it_and_why(chair_client, corrected, chair):
    _e, _s1, _s2, _a, b, ballots = corrected
    page = chair_client.get(reverse("admin:elections_ballot_change", args=[ballots[16].pk])).content.decode()
    assert b.resident.name in page  # the mark, after the correction
    assert "唱票人读的是乙" in page and "更正记录" in page and str(chair) in page
    # Read only: no add, no save, no delete.
    assert 'name="_save"' not in page
    assert chair_client.get(reverse("admin:elections_ballot_add")).status_code == 403
    delete = reverse("admin:elections_ballot_delete", args=[ballots[16].pk])
    assert chair_client.post(delete, {"post": "yes"}).status_code == 403


def test_the_corrections_list_keeps_removed_ballots(chair_client, corrected):
    url = reverse("admin:elections_ballotcorrection_changelist")
    page = chair_client.get(url).content.decode()
    assert "第15号重复录入" in page and "删除重复录入" in page and "唱票人读的是乙" in page
    assert "第15号重复录入" in chair_client.get(url, {"q": "15"}).content.decode()
    assert chair_client.get(reverse("admin:elections_ballotcorrection_add")).status_code == 403


def test_another_communitys_staff_see_no_ballots(client, corrected):
    _e, _s1, _s2, _a, _b, ballots = corrected
    other = f.staff_user(communities=[f.CommunityFactory()], role="主任")
    client.force_login(other)
    page = client.get(reverse("admin:elections_ballot_changelist")).content.decode()
    assert 'class="field-number"' not in page
    assert client.get(reverse("admin:elections_ballot_change", args=[ballots[0].pk])).status_code in (
        302,
        404,
    )
    corrections = client.get(reverse("admin:elections_ballotcorrection_changelist")).content.decode()
    assert "唱票人读的是乙" not in corrections
