"""The candidate Q&A meeting (竞选答辩会) recorded from the election's change page: the form, its
Chinese messages, the history, who may use it; shown on the change page and the public index."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import RuleViolation
from elections import services as es
from tests import factories as f
from tests.elections.util import to_nominations

pytestmark = pytest.mark.django_db


@pytest.fixture
def nominating(community, chair):
    election, _r = f.election_with_roll(community, actor=chair)
    es.condition_add(election=election, text="遵纪守法", actor=chair)
    return to_nominations(election, chair, posted_at=timezone.now() - dt.timedelta(days=6))


def _url(election):
    return reverse("admin:elections_election_qa_meeting", args=[election.pk])


def _change(election):
    return reverse("admin:elections_election_change", args=[election.pk])


def _held(days_ago=1):
    return timezone.localtime() - dt.timedelta(days=days_ago)


def test_the_change_page_offers_the_form_and_the_form_is_shown(chair_client, nominating):
    page = chair_client.get(_change(nominating)).content.decode()
    assert "记录竞选答辩会" in page and _url(nominating) in page and "尚未记录" in page
    form = chair_client.get(_url(nominating))
    text = form.content.decode()
    assert form.status_code == 200
    assert 'type="datetime-local"' in text and 'name="notes"' in text and "保存答辩会记录" in text


def test_invalid_posts_show_the_chinese_messages_and_record_nothing(chair_client, nominating):
    cases = [
        ({"held_at": "", "notes": ""}, ["请填写答辩会举行时间。", "请填写答辩会记录。"]),
        ({"held_at": "明天下午", "notes": "记录"}, ["时间格式不对"]),
        ({"held_at": "9999-12-31T23:59", "notes": "记录"}, ["1900"]),
        (
            {
                "held_at": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
                "notes": "x",
            },
            ["答辩会举行时间不能晚于现在"],
        ),
        (
            {"held_at": _held().strftime("%Y-%m-%dT%H:%M"), "notes": "候选人张三电话13912345678"},
            ["答辩会记录将公开，不能含有手机号码"],
        ),
    ]
    for data, expected in cases:
        response = chair_client.post(_url(nominating), data)
        text = response.content.decode()
        assert response.status_code == 200, data
        for message in expected:
            assert message in text, (data, message)
        assert 'class="errorlist' in text
    nominating.refresh_from_db()
    assert nominating.qa_meeting_at is None and nominating.qa_meeting_notes == ""
    assert not nominating.history.filter(history_change_reason="记录竞选答辩会").exists()


def test_a_valid_post_records_the_meeting_with_its_history(chair_client, chair, client, nominating):
    held = _held().replace(second=0, microsecond=0)
    response = chair_client.post(
        _url(nominating),
        {"held_at": held.strftime("%Y-%m-%dT%H:%M"), "notes": "三名候选人陈述并答问\n居民提问5个"},
    )
    assert response.status_code == 302 and response["Location"] == _change(nominating)
    nominating.refresh_from_db()
    assert nominating.qa_meeting_at == held and nominating.qa_meeting_notes.startswith("三名候选人")
    entry = nominating.history.filter(history_change_reason="记录竞选答辩会").get()
    assert entry.history_user == chair and entry.qa_meeting_at == held
    page = chair_client.get(_change(nominating)).content.decode()
    assert "三名候选人陈述并答问<br>居民提问5个" in page and held.strftime("%Y年%-m月%-d日 %H:%M") in page
    # Once recorded it is on the public elections page too.
    public = client.get(f"/c/{nominating.community.slug}/elections/").content.decode()
    assert "竞选答辩会已于" in public and "三名候选人陈述并答问" in public


def test_a_role_without_change_election_cannot_use_it(client, community, nominating):
    supervisor = f.staff_user(communities=[community], role="监督委员")
    client.force_login(supervisor)
    assert client.get(_url(nominating)).status_code == 403
    data = {"held_at": _held().strftime("%Y-%m-%dT%H:%M"), "notes": "记录"}
    assert client.post(_url(nominating), data).status_code == 403
    nominating.refresh_from_db()
    assert nominating.qa_meeting_at is None
    # Another community's staff do not even see the election.
    other = f.CommunityFactory(slug="other")
    client.force_login(f.staff_user(communities=[other], role="主任"))
    assert client.post(_url(nominating), data).status_code in (302, 404)
    nominating.refresh_from_db()
    assert nominating.qa_meeting_at is None


def test_not_offered_outside_nominations_to_the_official_list(chair_client, community, chair):
    draft, _r = f.election_with_roll(community, actor=chair)
    assert _url(draft) not in chair_client.get(_change(draft)).content.decode()
    page = chair_client.get(_url(draft)).content.decode()
    assert "当前阶段不能记录" in page and 'name="notes"' not in page
    chair_client.post(_url(draft), {"held_at": _held().strftime("%Y-%m-%dT%H:%M"), "notes": "记录"})
    draft.refresh_from_db()
    assert draft.qa_meeting_at is None
    with pytest.raises(RuleViolation, match="当前阶段（筹备中）不能记录"):
        es.qa_meeting_record(election=draft, held_at=_held(), notes="记录", actor=chair)
