"""Conventions adopted by a resolution or a household ballot, posted while in force; the work
admission list with its classification posted publicly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from affairs.models import AdmittedTask, Convention, ConventionVersion, Vote
from affairs.services import admission, conventions, motions
from core.errors import RuleViolation
from notices.models import Category
from notices.selectors import postings_visible
from tests.affairs.meetings.conftest import hold_meeting

pytestmark = pytest.mark.django_db
V = ConventionVersion.State


def _passed_motion(community, chair):
    motion = motions.motion_propose(
        community=community,
        title="制定楼道堆物管理公约",
        description="公约草案。",
        source="committee",
        actor=chair,
    )
    motions.motion_step(motion=motion, step="deliberate", note="商议。", actor=chair)
    motions.motion_step(motion=motion, step="review", note="审议。", actor=chair)
    meeting = hold_meeting(community, present=6, actor=chair)
    motions.motion_open_vote(motion=motion, meeting=meeting, actor=chair)
    for m in meeting.members.filter(attendance="present"):
        motions.vote_record(motion=motion, member=m, choice=Vote.Choice.YES, actor=chair)
    return motions.motion_close_vote(motion=motion, actor=chair)


def test_convention_versions_adopted_and_posted_while_in_force(community, term, representatives, chair):
    convention = conventions.convention_save(
        convention=Convention(community=community, title="楼道堆物管理公约"), actor=chair
    )
    draft = conventions.convention_version_create(
        convention=convention, text="第一条 楼道内不得堆放杂物。", actor=chair
    )
    with pytest.raises(RuleViolation, match="请选择通过该版本的决议，或填写户代表票决"):
        conventions.convention_adopt(version=draft, actor=chair)
    unvoted = motions.motion_propose(
        community=community, title="未表决的议题", description="x", source="committee", actor=chair
    )
    draft.motion = unvoted
    draft.save()
    with pytest.raises(RuleViolation, match="尚未表决通过并公开"):
        conventions.convention_adopt(version=draft, actor=chair)
    draft.motion = _passed_motion(community, chair)
    draft.save()
    first = conventions.convention_adopt(version=draft, actor=chair)
    assert first.state == V.IN_FORCE and first.posting.category == Category.CONVENTION
    assert "表决通过" in first.posting.body and first.posting in postings_visible(community=community)

    second = conventions.convention_version_create(
        convention=convention,
        text="第一条 楼道内不得堆放杂物；\n第二条 限期三日整改。",
        ballot_yes=51,
        ballot_valid=100,
        actor=chair,
    )
    assert second.number == 2
    second = conventions.convention_adopt(version=second, actor=chair)
    first.refresh_from_db()
    assert first.state == V.SUPERSEDED
    visible = list(postings_visible(community=community).filter(category=Category.CONVENTION))
    assert visible == [second.posting] and "第2版" in second.posting.title
    assert second.posting.supersedes_id == first.posting_id

    conventions.convention_repeal(version=second, reason="并入《居民公约》。", actor=chair)
    assert not postings_visible(community=community).filter(category=Category.CONVENTION).exists()


def test_household_ballot_needs_more_than_half_of_valid_votes(community, chair):
    convention = conventions.convention_save(
        convention=Convention(community=community, title="养犬公约"), actor=chair
    )
    version = conventions.convention_version_create(
        convention=convention, text="文明养犬。", ballot_yes=50, ballot_valid=100, actor=chair
    )
    with pytest.raises(RuleViolation, match="未超过有效票100的1/2"):
        conventions.convention_adopt(version=version, actor=chair)
    with pytest.raises(RuleViolation, match="同意户数不能超过有效票数"):
        conventions.convention_version_create(
            convention=convention, text="文明养犬。", ballot_yes=120, ballot_valid=100, actor=chair
        )


def _task(community, **kwargs):
    return AdmittedTask(
        community=community,
        year=2026,
        department=kwargs.pop("department", "区民政局"),
        content=kwargs.pop("content", "高龄津贴申领初审"),
        target="符合条件的老人应享尽享",
        scope="本社区80周岁以上老人",
        time_limit="每月10日前",
        classification=kwargs.pop("classification", AdmittedTask.Classification.ASSISTED),
        funding=kwargs.pop("funding", Decimal("6000.00")),
        approval="区社区工作准入审核意见〔2026〕3号",
        **kwargs,
    )


def test_admission_list_is_posted_by_classification_and_replaced_when_updated(community, chair):
    admission.admitted_task_save(task=_task(community), actor=chair)
    with pytest.raises(RuleViolation, match="须写明工作经费"):
        admission.admitted_task_save(task=_task(community, funding=Decimal("0")), actor=chair)
    with pytest.raises(RuleViolation, match="工作经费不能为负数|确保该值大于或等于0"):
        admission.admitted_task_save(task=_task(community, funding=Decimal("-1")), actor=chair)
    first = admission.admitted_list_publish(community=community, year=2026, actor=chair)
    assert first.category == Category.ADMITTED_TASKS
    assert "依法协助政府工作事项（费随事转）（1项）" in first.body and "6,000.00" in first.body
    admission.admitted_task_save(
        task=_task(
            community, content="社区环境卫生保洁", classification="purchased", department="街道城管科"
        ),
        actor=chair,
    )
    second = admission.admitted_list_publish(community=community, year=2026, actor=chair)
    assert second.supersedes_id == first.pk and "政府购买服务事项（1项）" in second.body
    assert list(postings_visible(community=community)) == [second]
    with pytest.raises(RuleViolation, match="2025年度尚未登记准入事项"):
        admission.admitted_list_publish(community=community, year=2025, actor=chair)


def test_repeal_from_the_admin_asks_a_reason_and_withdraws_the_posting(chair_client, community, chair):
    from django.urls import reverse

    convention = conventions.convention_save(
        convention=Convention(community=community, title="电动车充电公约"), actor=chair
    )
    version = conventions.convention_version_create(
        convention=convention, text="电动车不进楼道。", ballot_yes=60, ballot_valid=100, actor=chair
    )
    change = reverse("admin:affairs_conventionversion_change", args=[version.pk])
    repeal = reverse("admin:affairs_conventionversion_repeal", args=[version.pk])
    assert repeal not in chair_client.get(change).content.decode()  # a draft has no repeal button
    page = chair_client.post(repeal, {"reason": "草案不施行"}).content.decode()
    assert "只有施行中的公约才能废止。" in page
    version.refresh_from_db()
    assert version.state == V.DRAFT

    version = conventions.convention_adopt(version=version, actor=chair)
    assert repeal in chair_client.get(change).content.decode()
    assert "废止理由" in chair_client.get(repeal).content.decode()
    page = chair_client.post(repeal, {"reason": "  "}).content.decode()
    assert "请填写废止理由。" in page
    version.refresh_from_db()
    assert version.state == V.IN_FORCE

    response = chair_client.post(repeal, {"reason": "已并入新修订的《居民公约》。"}, follow=True)
    assert response.redirect_chain[-1][0] == change
    assert "已废止" in response.content.decode()
    version.refresh_from_db()
    assert version.state == V.REPEALED and version.ended_on is not None
    assert version.posting.withdrawn_at is not None
    assert "已并入新修订的《居民公约》。" in version.posting.withdrawal_reason
    assert not postings_visible(community=community).filter(category=Category.CONVENTION).exists()


def test_repeal_page_of_another_community_is_not_found(chair_client, chair):
    from django.urls import reverse

    from tests.factories import CommunityFactory

    elsewhere = CommunityFactory(slug="elsewhere")
    convention = conventions.convention_save(
        convention=Convention(community=elsewhere, title="别处公约"), actor=None
    )
    version = conventions.convention_version_create(
        convention=convention, text="别处。", ballot_yes=60, ballot_valid=100, actor=None
    )
    conventions.convention_adopt(version=version, actor=None)
    url = reverse("admin:affairs_conventionversion_repeal", args=[version.pk])
    assert chair_client.post(url, {"reason": "越权"}).status_code == 404
    version.refresh_from_db()
    assert version.state == V.IN_FORCE
