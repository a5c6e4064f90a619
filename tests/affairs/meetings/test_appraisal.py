"""Quarterly appraisal at the representative assembly: reports, questions, scores by the
representatives present (once each), averages and grades posted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from affairs.models import Appraisal, AppraisalReport, Body
from affairs.services import appraisal as services
from core.errors import RuleViolation
from notices.models import Category
from tests.affairs.meetings.conftest import hold_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def appraisal(community, term, representatives, committee_members, chair):
    meeting = hold_meeting(community, present=6, actor=chair)
    return services.appraisal_create(community=community, year=2026, quarter=4, meeting=meeting, actor=chair)


def test_reports_scores_and_posted_results(appraisal, chair):
    reports = list(appraisal.reports.order_by("pk"))
    assert len(reports) == 3  # every current committee member reports
    present = list(appraisal.meeting.members.filter(attendance="present").order_by("pk"))
    with pytest.raises(RuleViolation, match="尚未录入述职报告"):
        services.appraisal_publish(appraisal=appraisal, actor=chair)
    AppraisalReport.objects.filter(appraisal=appraisal).update(
        report="本季度完成加装电梯报批。", questions="问：进度？答：已报街道。"
    )
    with pytest.raises(RuleViolation, match="尚有成员未获测评打分"):
        services.appraisal_publish(appraisal=appraisal, actor=chair)
    for member, score in zip(present[:2], [95, 88], strict=True):
        services.scores_record(
            appraisal=appraisal, member=member, scores={r.pk: score for r in reports}, actor=chair
        )
    with pytest.raises(RuleViolation, match="已为该成员打分，不能重复测评"):
        services.scores_record(
            appraisal=appraisal, member=present[0], scores={reports[0].pk: 60}, actor=chair
        )
    with pytest.raises(RuleViolation, match="分数须在0至100之间"):
        services.scores_record(
            appraisal=appraisal, member=present[2], scores={reports[0].pk: 101}, actor=chair
        )
    absent = appraisal.meeting.members.exclude(attendance="present").first()
    with pytest.raises(RuleViolation, match="未签到出席，不能参加测评"):
        services.scores_record(appraisal=appraisal, member=absent, scores={reports[0].pk: 80}, actor=chair)
    appraisal = services.appraisal_publish(appraisal=appraisal, actor=chair)
    body = appraisal.posting.body
    assert appraisal.posting.category == Category.AFFAIRS
    assert "郑主任" in body and "91.5" in body and "优秀" in body
    assert "95" not in body  # individual scores are never posted


def test_appraisal_only_at_the_assembly_and_once_a_quarter(
    community, term, committee_members, representatives, chair
):
    council = hold_meeting(community, body=Body.COUNCIL, actor=chair)
    with pytest.raises(RuleViolation, match="须在本社区的居民代表会议上进行"):
        services.appraisal_create(community=community, year=2026, quarter=4, meeting=council, actor=chair)
    assembly = hold_meeting(community, actor=chair)
    services.appraisal_create(community=community, year=2026, quarter=4, meeting=assembly, actor=chair)
    with pytest.raises(RuleViolation, match="该季度已有述职测评"):
        services.appraisal_create(community=community, year=2026, quarter=4, meeting=assembly, actor=chair)
    assert Appraisal.objects.count() == 1


def test_score_sheet_in_the_admin(chair_client, appraisal):
    url = reverse("admin:affairs_appraisal_scores", args=[appraisal.pk])
    member = appraisal.meeting.members.filter(attendance="present").first()
    data = {"member": member.pk, **{f"r{r.pk}": 80 for r in appraisal.reports.all()}}
    response = chair_client.post(url, data)
    assert response.status_code == 302
    assert appraisal.reports.first().scores.count() == 1
    response = chair_client.post(url, data)
    assert "不能重复测评" in response.content.decode()


def test_the_grade_lines_are_the_communitys_rules(appraisal, community, chair):
    """Before: 90/75/60 were written in the code; a district with other lines could not use them."""
    from django.db import IntegrityError, transaction

    from core.models import CommunityRules

    reports = list(appraisal.reports.order_by("pk"))
    present = list(appraisal.meeting.members.filter(attendance="present").order_by("pk"))
    services.scores_record(
        appraisal=appraisal, member=present[0], scores={r.pk: 91 for r in reports}, actor=chair
    )
    assert {r.grade for r in services.results(appraisal)} == {"优秀"}
    CommunityRules.objects.filter(community=community).update(appraisal_excellent=95, appraisal_competent=85)
    community.refresh_from_db()
    assert {r.grade for r in services.results(appraisal)} == {"称职"}
    with pytest.raises(IntegrityError), transaction.atomic():
        CommunityRules.objects.filter(community=community).update(appraisal_competent=96)


def test_disordered_grade_lines_are_a_chinese_message_in_the_admin(client, community):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser(
        username="root2", password="x", email="r@example.org"
    )
    client.force_login(admin_user)
    url = reverse("admin:core_community_change", args=[community.pk])
    page = client.get(url)
    assert page.status_code == 200 and "测评“优秀”最低平均分" in page.content.decode()
    rules = community.rules
    data = {
        "name": community.name,
        "slug": community.slug,
        "street_office": community.street_office_id or "",
        "phone": community.phone,
        "address": community.address,
        "_rules-TOTAL_FORMS": "1",
        "_rules-INITIAL_FORMS": "1",
        "_rules-MIN_NUM_FORMS": "1",
        "_rules-MAX_NUM_FORMS": "1",
        "_rules-0-id": rules.pk,
        "_rules-0-community": community.pk,
    }
    for f in rules._meta.fields:
        if f.name not in ("id", "community"):
            data[f"_rules-0-{f.name}"] = getattr(rules, f.name)
    data.update({"_rules-0-appraisal_excellent": 70, "_rules-0-appraisal_competent": 75})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "测评分数线须为：优秀 &gt; 称职 &gt; 基本称职" in response.content.decode()
    rules.refresh_from_db()
    assert rules.appraisal_excellent == 90
