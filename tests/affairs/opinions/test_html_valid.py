"""Every public page of opinions is valid HTML (v.Nu, as the board's pages) with exactly one h1."""

import pytest
from django.urls import reverse

from affairs.services import opinions as svc
from committee.models import BuildingCaptain
from tests.factories import BuildingCaptainFactory, BuildingFactory, UserFactory
from tests.notices.test_html_valid import h1_count, validate

pytestmark = pytest.mark.django_db


def test_opinion_pages_are_valid_html_with_one_h1(client, community, chair, officer, tmp_path):
    slug = community.slug
    pages = {}

    def get(name, response, status=200):
        assert response.status_code == status, (name, response.status_code)
        pages[name] = response.content.decode()

    get("form", client.get(reverse("affairs:opinion_new", args=[slug])))
    get(
        "form-errors",
        client.post(reverse("affairs:opinion_new", args=[slug]), {"category": "objection", "body": "x"}),
        400,
    )
    waiting = svc.opinion_file(community=community, category="hazard", body="车库私拉电线充电", address="a")
    get("track-new", client.get(reverse("affairs:opinion_track", args=[slug, waiting.code]) + "?new=1"))
    done = svc.opinion_file(community=community, category="facility", body="路灯不亮已经一周", address="b")
    svc.opinion_assign(opinion=done, owner=officer, actor=chair)
    svc.opinion_answer(opinion=done, answer="已经修好路灯", actor=officer)
    get("track-answered", client.get(reverse("affairs:opinion_track", args=[slug, done.code])))
    svc.opinion_rate(opinion=done, rating="fair")
    get("track-rated", client.get(reverse("affairs:opinion_track", args=[slug, done.code]) + "?rated=1"))
    get("lookup", client.get(reverse("affairs:opinion_lookup", args=[slug])))
    get(
        "lookup-missing",
        client.get(reverse("affairs:opinion_lookup", args=[slug]) + "?code=YJ-2345-6789"),
        404,
    )
    get("figures", client.get(reverse("affairs:opinion_figures", args=[slug])))
    c = BuildingCaptainFactory(building=BuildingFactory(community=community))
    BuildingCaptain.objects.filter(pk=c.pk).update(status=BuildingCaptain.Status.CONFIRMED)
    c.resident.staff_user = UserFactory(username="cap")
    c.resident.save()
    client.force_login(c.resident.staff_user)
    get("report", client.get(reverse("affairs:captain_report", args=[slug])))
    client.force_login(UserFactory(username="nobody"))
    get("report-refused", client.get(reverse("affairs:captain_report", args=[slug])), 403)
    assert {name: h1_count(html) for name, html in pages.items()} == dict.fromkeys(pages, 1)
    assert validate(pages, tmp_path) == []
