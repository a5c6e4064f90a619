"""The public meetings pages are valid HTML (W3C v.Nu, as the board's pages) with one h1."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from affairs.models import Consultation
from affairs.services import consultations
from tests.affairs.meetings.conftest import hold_meeting
from tests.affairs.meetings.test_public import _voted
from tests.notices.test_html_valid import h1_count, validate

pytestmark = pytest.mark.django_db


def test_meetings_pages_are_valid_html(client, community, term, representatives, chair, tmp_path):
    hold_meeting(
        community, actor=chair, starts_at=timezone.now() + dt.timedelta(days=2), title="下周居民代表会议"
    )
    _voted(community, chair, yes=2, title="拆除自行车棚")
    now = timezone.now()
    round_ = consultations.consultation_save(
        consultation=Consultation(
            community=community,
            title="先办哪件事",
            question="请排序。",
            items="加装电梯\n增设路灯",
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=1),
        ),
        actor=chair,
    )
    slug = community.slug
    url = reverse("affairs:consultation", args=[slug, round_.pk])
    pages = {
        "meetings": client.get(reverse("affairs:meetings", args=[slug])).content.decode(),
        "consultation": client.get(url).content.decode(),
        "consultation, refused": client.post(url, {"item0": "1", "item1": "1"}).content.decode(),
        "consultation, done": client.post(url, {"item0": "1", "item1": "2"}).content.decode(),
    }
    Consultation.objects.filter(pk=round_.pk).update(closes_at=now - dt.timedelta(minutes=1))
    pages["consultation, results"] = client.get(url).content.decode()
    assert {name: h1_count(html) for name, html in pages.items()} == dict.fromkeys(pages, 1)
    problems = validate(pages, tmp_path)
    assert problems == [], "\n".join(problems)
