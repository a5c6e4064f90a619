"""Opinions through their services: deadlines in working days, the workflow's order, contact rules,
duplicates and floods, the resident's rating, and the daily reminders (idempotent)."""

import datetime as dt

import pytest
from django.core import mail

from affairs.models.opinions import Opinion, OpinionRoute
from affairs.services import opinions as svc
from affairs.services.opinions import OPINION_FLOW
from core.errors import RuleViolation
from core.models import TransitionLog
from tests.affairs.opinions.conftest import at
from tests.factories import BuildingFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def file(community, **kw):
    kw.setdefault("category", "facility")
    kw.setdefault("body", "3号楼路灯不亮已经一周")
    kw.setdefault("address", "10.0.0.1")
    return svc.opinion_file(community=community, **kw)


def test_deadlines_count_working_days_over_the_national_holiday(community):
    # Filed on Wednesday 2026-09-30: 1-8 October is the National Day holiday (10-11 Oct are
    # adjusted working days in the 2026 schedule? the library decides); 3 and 15 working days later.
    o = file(community, at=at(dt.date(2026, 9, 30)))
    from core.calendar import add_working_days

    assert o.ack_due == add_working_days(dt.date(2026, 9, 30), 3) > dt.date(2026, 10, 3)
    assert o.answer_due == add_working_days(dt.date(2026, 9, 30), 15)
    assert o.code.startswith("YJ-") and svc.normalize_code(o.code.lower().replace("-", " ")) == o.code


def test_deadlines_follow_the_community_rules(community):
    rules = community.rules
    rules.opinion_ack_working_days, rules.opinion_answer_working_days = 1, 5
    rules.save()
    o = file(community, at=at(dt.date(2026, 11, 2)))  # a Monday
    assert (o.ack_due, o.answer_due) == (dt.date(2026, 11, 3), dt.date(2026, 11, 9))


def test_objection_needs_name_and_phone_others_are_anonymous(community):
    with pytest.raises(RuleViolation, match="须留下姓名"):
        file(community, category="objection", body="停车位分配结果有误")
    with pytest.raises(RuleViolation, match="电话号码格式不正确"):
        file(community, category="objection", body="停车位分配结果有误", name="王建国", phone="12345")
    o = file(community, category="objection", body="停车位分配结果有误", name="王建国", phone="138 0000 1234")
    assert o.phone == "13800001234"
    assert file(community, category="suggestion", body="建议增加长椅").name == ""
    assert Opinion.objects.count() == 2


def test_too_short_or_unknown_kind_is_refused_with_nothing_written(community):
    with pytest.raises(RuleViolation, match="至少4个字"):
        file(community, body="灯")
    with pytest.raises(RuleViolation, match="请选择类别"):
        file(community, category="nonsense")
    assert not Opinion.objects.exists()


def test_same_text_twice_is_stored_once_and_a_flood_is_held_not_lost(community):
    first = file(community)
    again = file(community, body="3号楼路灯不亮已经一周 ")
    assert again.pk == first.pk and again.duplicate
    for n in range(svc.HOLD_AFTER_PER_HOUR + 1):
        file(community, body=f"第{n}件不同的事情要反映")
    # 7 from one address in the hour: all stored, the 6th and 7th held for checking.
    assert Opinion.objects.count() == 7
    assert Opinion.objects.filter(held=True).count() == 2
    other = file(community, address="10.0.0.2", body="另一位居民反映的情况")
    assert not other.held  # another address is not affected


def test_refused_beyond_the_hard_limit(community, monkeypatch):
    monkeypatch.setattr(svc, "REFUSE_AFTER_PER_HOUR", 2)
    file(community, body="第一件事情反映")
    file(community, body="第二件事情反映")
    with pytest.raises(RuleViolation, match="提交过于频繁"):
        file(community, body="第三件事情反映")


def test_assign_answer_close_in_order_with_a_log(community, chair, officer):
    o = file(community)
    with pytest.raises(RuleViolation, match="不能办理“答复”"):
        svc.opinion_answer(opinion=o, answer="已修复路灯", actor=chair)
    o = svc.opinion_assign(opinion=o, owner=officer, actor=chair)
    assert (o.status, o.owner, o.acknowledged_at is not None) == (Opinion.Status.ASSIGNED, officer, True)
    with pytest.raises(RuleViolation, match="身份证号或手机号码"):
        svc.opinion_answer(opinion=o, answer="请联系13812345678处理", actor=officer)
    o = svc.opinion_answer(opinion=o, answer="已联系物业修复路灯", actor=officer)
    o = svc.opinion_close(opinion=o, resolved=True, actor=officer)
    assert (o.status, o.resolved) == (Opinion.Status.CLOSED, True)
    steps = list(OPINION_FLOW.log(o).values_list("transition", "actor__username"))
    assert [s for s, _u in steps] == ["assign", "answer", "close"]
    assert TransitionLog.objects.filter(object_id=o.pk).count() == 3
    with pytest.raises(RuleViolation, match="不能办理"):
        svc.opinion_close(opinion=o, resolved=True, actor=officer)


def test_owner_must_serve_the_community(community, chair):
    from tests.factories import CommunityFactory, staff_user

    stranger = staff_user(communities=[CommunityFactory(slug="other")], role="专管员")
    o = file(community)
    with pytest.raises(RuleViolation, match="本社区在职的工作人员"):
        svc.opinion_assign(opinion=o, owner=stranger, actor=chair)
    assert Opinion.objects.get(pk=o.pk).status == Opinion.Status.NEW


def test_held_item_must_be_released_before_assignment(community, chair, officer):
    o = file(community)
    Opinion.objects.filter(pk=o.pk).update(held=True)
    o.refresh_from_db()
    with pytest.raises(RuleViolation, match="待核实"):
        svc.opinion_assign(opinion=o, owner=officer, actor=chair)
    svc.opinion_release_held(opinion=o, actor=chair)
    assert svc.opinion_assign(opinion=o, owner=officer, actor=chair).status == Opinion.Status.ASSIGNED


def test_rating_once_after_the_answer(community, chair, officer):
    o = file(community)
    with pytest.raises(RuleViolation, match="不能办理“居民评价”"):
        svc.opinion_rate(opinion=o, rating="satisfied")
    svc.opinion_assign(opinion=o, owner=officer, actor=chair)
    svc.opinion_answer(opinion=o, answer="已联系物业修复路灯", actor=officer)
    with pytest.raises(RuleViolation, match="请选择满意"):
        svc.opinion_rate(opinion=o, rating="great")
    assert svc.opinion_rate(opinion=o, rating="fair").rating == "fair"
    with pytest.raises(RuleViolation, match="已评价过"):
        svc.opinion_rate(opinion=o, rating="satisfied")


def test_routing_sends_a_kind_to_its_officer_else_the_group_leader(community, officer):
    OpinionRoute.objects.create(community=community, category="rental", assignee=officer)
    assert file(community, category="rental", body="7号楼302室出租").owner == officer
    building = BuildingFactory(community=community)
    leader = ResidentFactory(household__community=community)
    from tests.factories import staff_user

    leader.staff_user = staff_user(communities=[community], role="居民组长")
    leader.save()
    building.group.leader = leader
    building.group.save()
    o = file(community, category="facility", body="楼道灯坏了要修", building=building, address="x")
    assert o.owner == leader.staff_user
    assert file(community, category="inquiry", body="请问居住证明怎么办", address="y").owner is None


def test_urgent_kinds_arrive_urgent(community):
    assert file(community, category="hazard", body="车库私拉电线充电").urgent
    assert not file(community, category="suggestion", body="建议增加长椅", address="z").urgent


def test_reminders_before_and_flags_after_each_once(
    community, chair, officer, django_capture_on_commit_callbacks
):
    officer.email = "li@example.com"
    officer.save()
    monday = dt.date(2026, 11, 2)
    o = file(community, at=at(monday))  # ack due Thu 11-05, answer due 11-23
    svc.opinion_assign(opinion=o, owner=officer, actor=chair, at=at(monday, 11))
    waiting = file(community, body="另一件待受理的事情", address="q", at=at(monday))
    counts = svc.reminders_due(at=at(dt.date(2026, 11, 4), 8))  # Wed: ack due tomorrow
    assert counts == {"ack_reminded": 1, "answer_reminded": 0, "flagged": 0}
    assert svc.reminders_due(at=at(dt.date(2026, 11, 4), 9)) == dict.fromkeys(counts, 0)  # twice: no-op
    counts = svc.reminders_due(at=at(dt.date(2026, 11, 6), 8))  # Fri: the waiting one is late
    assert counts["flagged"] == 1
    waiting.refresh_from_db()
    assert waiting.overdue_flagged_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        counts = svc.reminders_due(at=at(dt.date(2026, 11, 20), 8))  # Fri before the answer deadline
    assert counts["answer_reminded"] == 2
    assert any("li@example.com" in m.to for m in mail.outbox)
