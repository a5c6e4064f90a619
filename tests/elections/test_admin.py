"""The election's change page offers exactly the steps its state allows, each through its service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from elections.models import Election
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_change_page_shows_the_allowed_steps_and_what_blocks_them(chair_client, community, chair):
    election, _r = f.election_with_roll(
        community, actor=chair, election_day=timezone.localdate() + dt.timedelta(days=30)
    )
    page = chair_client.get(reverse("admin:elections_election_change", args=[election.pk])).content.decode()
    assert "从居民登记生成选民名单" in page and "公布选民名单：可以办理" in page
    assert "开始投票" not in page  # not a step of the draft state
    step_url = reverse("admin:elections_election_step", args=[election.pk, "post_roll"])
    assert step_url in page
    response = chair_client.post(step_url, {"note": "经选举委员会研究"})
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.status == Election.Status.ROLL_POSTED
    # A step out of order is refused with the reason, on the step's page, never a 500.
    blocked = chair_client.get(reverse("admin:elections_election_step", args=[election.pk, "open_voting"]))
    assert "当前状态为“选民名单公示中”，不能办理“开始投票”。" in blocked.content.decode()
    chair_client.post(reverse("admin:elections_election_step", args=[election.pk, "open_voting"]))
    election.refresh_from_db()
    assert election.status == Election.Status.ROLL_POSTED
    assert (
        chair_client.get(reverse("admin:elections_election_step", args=[election.pk, "nonsense"])).status_code
        == 404
    )


def test_late_roll_is_refused_on_the_step_page(chair_client, community, chair):
    election, _r = f.election_with_roll(
        community, actor=chair, election_day=timezone.localdate() + dt.timedelta(days=10)
    )
    page = chair_client.get(
        reverse("admin:elections_election_step", args=[election.pk, "post_roll"])
    ).content.decode()
    assert "选民名单须于选举日前20日" in page and "已超过期限" in page


def test_adding_an_election_in_the_admin_goes_through_the_service(chair_client, community):
    response = chair_client.post(
        reverse("admin:elections_election_add"),
        {
            "community": community.pk,
            "kind": "committee",
            "title": "第十三届居委会选举",
            "election_day": "2031-06-20",
            "signatures_required": "10",
            "seats-TOTAL_FORMS": "1",
            "seats-INITIAL_FORMS": "0",
            "seats-0-office": "member",
            "seats-0-count": "5",
            "committee_members-TOTAL_FORMS": "0",
            "committee_members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    election = Election.objects.get(title="第十三届居委会选举")
    assert list(election.seats.values_list("office", "count")) == [("member", 5)]
    assert election.history.first().history_user is not None


def test_nomination_and_vetting_in_the_admin(chair_client, community, chair):
    from elections import services as es
    from tests.elections.util import to_nominations, voters_of

    election, residents = f.election_with_roll(community, actor=chair, voters=4, signatures_required=2)
    es.condition_add(election=election, text="遵纪守法", actor=chair)
    to_nominations(election, chair, posted_at=timezone.now())
    signers = voters_of(election)[1:3]
    response = chair_client.post(
        reverse("admin:elections_candidate_add"),
        {
            "election": election.pk,
            "resident": residents[0].pk,
            "office": "member",
            "kind": "joint",
            "signers": "\n".join(f"{v.name} {v.id_last4}" for v in signers),
            "vettings-TOTAL_FORMS": "0",
            "vettings-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    candidate = election.candidates.get()
    assert candidate.signatures.count() == 2
    es.election_start_vetting(election=election, actor=chair)
    condition = election.conditions.get()
    url = reverse("admin:elections_candidate_vet", args=[candidate.pk])
    assert "遵纪守法" in chair_client.get(url).content.decode()
    page = chair_client.post(url, {f"passed_{condition.pk}": "0", f"grounds_{condition.pk}": ""}, follow=True)
    assert "不符合的条件须写明依据" in page.content.decode()
    chair_client.post(url, {f"passed_{condition.pk}": "0", f"grounds_{condition.pk}": "受过刑事处罚"})
    candidate.refresh_from_db()
    assert candidate.status == "rejected"
    change = chair_client.get(
        reverse("admin:elections_candidate_change", args=[candidate.pk])
    ).content.decode()
    assert "不符合“遵纪守法”：受过刑事处罚" in change


def test_double_entry_of_a_stations_count_in_the_admin(client, community, chair):
    from django.contrib.messages import get_messages  # noqa: F401

    from elections import services as es
    from tests.elections.test_voting import open_voting, voting_election
    from tests.elections.util import voters_of

    election, _r, s1, _s2 = voting_election(community, chair, voters=4, candidates=2)
    open_voting(election, chair)
    for v in voters_of(election)[:3]:
        es.check_in(election=election, voter=v, station=s1, actor=chair)
    es.election_close_voting(election=election, actor=chair)
    a, b = election.candidates.order_by("pk")
    url = reverse("admin:elections_pollingstation_count", args=[s1.pk])
    form = {"issued": 3, "returned": 3, "valid": 3, "void": 0, "blank": 0, f"c{a.pk}": 2, f"c{b.pk}": 1}
    typist = f.staff_user(communities=[community], role="委员")
    client.force_login(chair)
    page = client.post(url, form, follow=True).content.decode()
    assert "第一次录入已保存" in page
    client.force_login(typist)
    page = client.post(url, {**form, f"c{b.pk}": 0, "blank": 0}, follow=True).content.decode()
    assert f"第1站 {b.resident.name} 票数：第一次 1，第二次 0" in page
    assert f"第1站 {b.resident.name} 票数：第一次 1，第二次 0" in client.get(url).content.decode()


def test_exports_for_reporting_upward_mask_id_numbers(chair_client, community, chair):
    election, residents = f.election_with_roll(community, actor=chair, voters=3)
    url = reverse("admin:elections_election_export", args=[election.pk, "roll", "csv"])
    body = chair_client.get(url).content.decode("utf-8-sig")
    assert residents[0].name in body and residents[0].id_number not in body
    assert residents[0].id_number[-4:] in body  # masked, the last characters kept
    xlsx = chair_client.get(
        reverse("admin:elections_election_export", args=[election.pk, "stations", "xlsx"])
    )
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        chair_client.get(
            reverse("admin:elections_election_export", args=[election.pk, "candidates", "csv"])
        ).status_code
        == 200
    )
    assert (
        chair_client.get(
            reverse("admin:elections_election_export", args=[election.pk, "nope", "csv"])
        ).status_code
        == 404
    )
