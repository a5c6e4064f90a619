"""The opinion round before a vote: residents rank items on a public questionnaire (no login), the
ranking is counted, and the result feeds the motion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from affairs.models import Consultation, ConsultationResponse, Motion
from affairs.services import consultations as services
from affairs.services import motions
from core.errors import RuleViolation
from notices.selectors import postings_visible

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(community, chair):
    motion = motions.motion_propose(
        community=community, title="小区环境整治", description="整治内容。", source="committee", actor=chair
    )
    now = timezone.now()
    return services.consultation_save(
        consultation=Consultation(
            community=community,
            motion=motion,
            title="小区环境整治先办哪件事",
            question="请按紧迫程度排序。",
            items="加装电梯\n增设路灯\n停车管理",
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=6),
        ),
        actor=chair,
    )


def test_residents_rank_items_on_the_board_and_the_result_feeds_the_motion(client, round_, chair):
    posting = services.consultation_announce(consultation=round_, url="https://example.org/q", actor=chair)
    assert posting in postings_visible(community=round_.community) and "增设路灯" in posting.body
    url = reverse("affairs:consultation", args=[round_.community.slug, round_.pk])
    page = client.get(url).content.decode()
    assert "请为每个事项选择名次" in page
    response = client.post(url, {"item0": "1", "item1": "1", "item2": "3"})
    assert response.status_code == 400 and "每个事项排一个不同的名次" in response.content.decode()
    for ranking in (["2", "1", "3"], ["3", "1", "2"], ["1", "2", "3"]):
        response = client.post(url, {"item0": ranking[0], "item1": ranking[1], "item2": ranking[2]})
        assert "问卷已提交" in response.content.decode()
    count, rows = services.results(round_)
    assert count == 3 and [r.item for r in rows] == ["增设路灯", "加装电梯", "停车管理"]
    motion = services.consultation_feed_motion(consultation=round_, actor=chair)
    assert motion.opinion_summary.startswith("“小区环境整治先办哪件事”收回问卷3份")
    assert "1. 增设路灯（2份排第一）" in motion.opinion_summary


def test_flooding_from_one_address_is_throttled_and_closed_rounds_refuse(round_):
    for _i in range(services.MAX_PER_SENDER):
        services.response_submit(consultation=round_, ranking=[1, 2, 3], address="10.0.0.9")
    with pytest.raises(RuleViolation, match="同一网络已提交5份问卷"):
        services.response_submit(consultation=round_, ranking=[1, 2, 3], address="10.0.0.9")
    services.response_submit(consultation=round_, ranking=[1, 2, 3], address="10.0.0.10")  # a neighbour
    later = round_.closes_at + dt.timedelta(minutes=1)
    with pytest.raises(RuleViolation, match="不在征集期内"):
        services.response_submit(consultation=round_, ranking=[1, 2, 3], address="10.0.0.11", at=later)
    assert ConsultationResponse.objects.count() == 6
    assert "10.0.0" not in "".join(ConsultationResponse.objects.values_list("sender", flat=True))


def test_results_are_shown_once_closed_and_items_frozen_after_answers(client, round_, chair):
    services.response_submit(consultation=round_, ranking=[3, 1, 2], address="1.1.1.1")
    round_.items = "完全不同的事项\n另一项"
    with pytest.raises(RuleViolation, match="已有居民答复，不能再修改事项"):
        services.consultation_save(consultation=round_, actor=chair)
    Consultation.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(
        reverse("affairs:consultation", args=[round_.community.slug, round_.pk])
    ).content.decode()
    assert "征集结果（收回问卷1份）" in page
    assert client.get(reverse("affairs:consultation", args=[round_.community.slug, 99999])).status_code == 404


def test_a_motion_already_voted_cannot_be_fed(round_, chair):
    Motion.objects.filter(pk=round_.motion_id).update(state=Motion.State.REJECTED)
    services.response_submit(consultation=round_, ranking=[1, 2, 3], address="1.1.1.1")
    with pytest.raises(RuleViolation, match="议题已提交表决"):
        services.consultation_feed_motion(consultation=round_, actor=chair)
