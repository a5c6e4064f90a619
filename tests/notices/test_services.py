"""The write side of the board as other apps and staff use it: publish, drafts, release, correct,
withdraw, object, answer. Bad input gets a Chinese message and nothing half-written."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import RuleViolation
from core.models import OfficialDay
from notices import cache, services
from notices.models import LedgerEntry, Objection, Posting
from tests.factories import CommunityFactory, HouseholdFactory, released_posting, staff_user

pytestmark = pytest.mark.django_db

SH = dt.timezone(dt.timedelta(hours=8))
MON = dt.datetime(2025, 3, 3, 9, 0, tzinfo=SH)  # Monday 3 March 2025


def _counts():
    return Posting.objects.count(), LedgerEntry.objects.count(), Objection.objects.count()


# --- publish -----------------------------------------------------------------------------------------


def test_publish_creates_releases_and_records(django_capture_on_commit_callbacks):
    community = CommunityFactory()
    source = HouseholdFactory(community=community)
    actor = staff_user(communities=[community])
    before = cache.generation(community.pk)
    with django_capture_on_commit_callbacks(execute=True):
        p = services.publish(
            community=community,
            category="affairs",
            title="  关于加装电梯的意见征集  ",
            body="请各户于月底前反馈。",
            sources=[source],
            actor=actor,
            at=MON,
        )
    assert p.is_released and p.publish_at == MON and p.expire_at is None
    assert (p.title, p.body) == ("关于加装电梯的意见征集", "<p>请各户于月底前反馈。</p>")
    assert (p.released_by, p.created_by, p.released_at) == (actor, actor, MON)
    assert [s.source for s in p.sources.all()] == [source]
    assert p.history.first().history_user == actor
    entry = LedgerEntry.objects.get()
    assert (entry.posting, entry.sequence, entry.action) == (p, 1, "publish")
    assert cache.generation(community.pk) != before


def test_working_days_follow_the_holiday_calendar():
    community = CommunityFactory()
    # 2025: Labour Day holiday 1-5 May, Sunday 27 April is an adjusted working day.
    p = services.publish(
        community=community,
        category="hardship",
        title="低保公示",
        working_days=5,
        at=dt.datetime(2025, 4, 25, 10, tzinfo=SH),
    )
    # Fri 25 Apr + 5 working days: Sun 27, Mon 28, Tue 29, Wed 30 Apr, Thu 6 May -> ends at the end of 6 May.
    assert p.expire_at == dt.datetime(2025, 5, 7, 0, 0, tzinfo=SH)
    assert p.calendar_warning is None


def test_working_days_in_an_unloaded_year_warn():
    p = services.publish(
        community=CommunityFactory(),
        category="notice",
        title="跨年公示",
        working_days=5,
        at=dt.datetime(2026, 12, 30, 10, tzinfo=SH),
    )
    assert "2027年的法定节假日安排尚未载入" in p.calendar_warning
    assert p.unofficial_years == {2027}
    # Wed 30 Dec 2026: Thu 31 (library), then Mon-Fri assumed in 2027: Fri 1, Mon 4, Tue 5, Wed 6 Jan.
    assert p.expire_at == dt.datetime(2027, 1, 7, 0, 0, tzinfo=SH)


def test_staff_entered_days_win_and_silence_the_warning():
    OfficialDay.objects.create(date=dt.date(2027, 1, 1), is_working_day=False, name="元旦")
    p = services.publish(
        community=CommunityFactory(),
        category="notice",
        title="跨年公示",
        working_days=2,
        at=dt.datetime(2026, 12, 31, 10, tzinfo=SH),
    )
    assert p.calendar_warning is None
    assert p.expire_at == dt.datetime(2027, 1, 6, 0, 0, tzinfo=SH)  # Mon 4, Tue 5 Jan


def test_expiry_before_publication_is_refused_and_nothing_written():
    with pytest.raises(RuleViolation, match="必须晚于公开开始时间") as e:
        services.publish(
            community=CommunityFactory(), category="notice", title="x", publish_at=MON, expire_at=MON, at=MON
        )
    assert "公开结束时间" in e.value.messages[0] and "必须晚于公开开始时间" in e.value.messages[0]
    assert _counts() == (0, 0, 0)


def test_script_in_the_body_is_refused_and_nothing_written():
    with pytest.raises(RuleViolation, match="正文包含脚本等不安全内容") as e:
        services.publish(
            community=CommunityFactory(),
            category="notice",
            title="x",
            body="<p>hi</p><script>steal()</script>",
        )
    assert "正文包含脚本等不安全内容（<script>）" in e.value.messages[0]
    assert _counts() == (0, 0, 0)


def test_bad_title_and_category():
    community = CommunityFactory()
    with pytest.raises(RuleViolation, match="此字段不能为空") as e:
        services.publish(community=community, category="notice", title="   ")
    assert "title" in e.value.message_dict
    with pytest.raises(RuleViolation, match="未知的公开类别"):
        services.publish(community=community, category="gossip", title="x")
    assert _counts() == (0, 0, 0)


def test_actor_of_another_community_is_refused():
    community = CommunityFactory()
    outsider = staff_user(communities=[CommunityFactory()])
    with pytest.raises(PermissionDenied, match="您无权管理该社区的记录"):
        services.publish(community=community, category="notice", title="x", actor=outsider)
    assert _counts() == (0, 0, 0)


# --- drafts and release ------------------------------------------------------------------------------


def test_draft_edit_then_release_never_backdates():
    community = CommunityFactory()
    draft = services.posting_create_draft(
        community=community,
        category="notice",
        title="草稿",
        publish_at=MON,
        expire_at=MON + dt.timedelta(days=7),
        at=MON,
    )
    assert not LedgerEntry.objects.exists()
    draft = services.posting_update_draft(draft, actor=None, title="定稿", working_days=3)
    assert draft.expire_at == dt.datetime(2025, 3, 7, 0, 0, tzinfo=SH)  # Tue, Wed, Thu
    late = MON + dt.timedelta(days=1)
    released = services.posting_release(draft, actor=None, at=late)
    assert released.publish_at == late  # residents could not have seen it on Monday
    assert released.expire_at == dt.datetime(2025, 3, 8, 0, 0, tzinfo=SH)  # recounted from Tuesday
    with pytest.raises(RuleViolation, match="不能重复发布"):
        services.posting_release(released, actor=None, at=late)
    with pytest.raises(RuleViolation, match="已发布的公开事项不能修改"):
        services.posting_update_draft(released, actor=None, title="改标题")


def test_released_posting_is_guarded_in_the_model_too():
    p = released_posting(community=CommunityFactory(), title="原标题")
    p.title = "偷改"
    with pytest.raises(RuleViolation, match="不能修改（title）"):
        p.save()
    with pytest.raises(RuleViolation, match="不能删除"):
        Posting.objects.get(pk=p.pk).delete()
    fresh = Posting.objects.get(pk=p.pk)
    assert fresh.title == "原标题"
    fresh.withdrawn_at = MON  # lifecycle fields may change (the services do)
    fresh.save()


# --- corrections -------------------------------------------------------------------------------------


def test_new_version_supersedes_and_both_stay(django_capture_on_commit_callbacks):
    community = CommunityFactory()
    v1 = released_posting(community=community, title="名单", body="张三", objections_open=True, at=MON)
    later = MON + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        v2 = services.posting_new_version(v1, actor=None, correction_note="更正姓名", body="张珊", at=later)
    v1.refresh_from_db()
    assert (v2.version, v2.series_id, v2.supersedes, v2.correction_note) == (2, v1.pk, v1, "更正姓名")
    assert (v2.title, v2.body, v2.objections_open) == ("名单", "<p>张珊</p>", True)
    assert v1.replaced_at == v2.publish_at == later and v1.series_id == v1.pk
    assert v1.is_visible(later - dt.timedelta(microseconds=1)) and not v1.is_visible(later)
    assert v2.is_visible(later)
    assert list(
        LedgerEntry.objects.order_by("sequence").values_list("posting_id", "posting_version", "action")
    ) == [(v1.pk, 1, "publish"), (v2.pk, 2, "publish"), (v1.pk, 1, "replace")]
    v3 = services.posting_new_version(
        v2, actor=None, correction_note="再次更正", title="名单（二次更正）", at=later
    )
    assert (v3.version, v3.series_id) == (3, v1.pk)


def test_new_version_refusals():
    community = CommunityFactory()
    v1 = released_posting(community=community, at=MON)
    with pytest.raises(RuleViolation, match="请填写更正说明"):
        services.posting_new_version(v1, actor=None, correction_note=" ")
    v2 = services.posting_new_version(v1, actor=None, correction_note="更正", at=MON + dt.timedelta(hours=1))
    with pytest.raises(RuleViolation, match="已有更正版本"):
        services.posting_new_version(v1, actor=None, correction_note="再改旧版")
    with pytest.raises(RuleViolation, match="必须晚于"):
        services.posting_new_version(
            v2, actor=None, correction_note="x", expire_at=MON, at=MON + dt.timedelta(hours=2)
        )
    assert Posting.objects.count() == 2
    draft = services.posting_create_draft(community=community, category="notice", title="草稿")
    with pytest.raises(RuleViolation, match="草稿可以直接修改"):
        services.posting_new_version(draft, actor=None, correction_note="x")


# --- withdrawal --------------------------------------------------------------------------------------


def test_withdraw_keeps_the_posting_with_its_reason():
    p = released_posting(community=CommunityFactory(), at=MON)
    at = MON + dt.timedelta(hours=3)
    with pytest.raises(RuleViolation, match="请填写撤回原因"):
        services.posting_withdraw(p, actor=None, reason="  ", at=at)
    w = services.posting_withdraw(p, actor=None, reason="信息有误，另行发布", at=at)
    assert (w.withdrawn_at, w.withdrawal_reason) == (at, "信息有误，另行发布")
    assert not w.is_visible(at) and w.is_visible(at - dt.timedelta(microseconds=1))
    assert Posting.objects.filter(pk=p.pk).exists()
    assert list(LedgerEntry.objects.values_list("action", flat=True).order_by("sequence")) == [
        "publish",
        "withdraw",
    ]
    with pytest.raises(RuleViolation, match="已于.*撤回"):
        services.posting_withdraw(p, actor=None, reason="again", at=at)


def test_withdraw_refusals():
    community = CommunityFactory()
    expired = released_posting(community=community, at=MON, expire_at=MON + dt.timedelta(days=1))
    with pytest.raises(RuleViolation, match=r"已公示期满（公示至2025年3月4日 09:00）"):
        services.posting_withdraw(expired, actor=None, reason="x", at=MON + dt.timedelta(days=2))
    old = released_posting(community=community, at=MON)
    services.posting_new_version(old, actor=None, correction_note="更正", at=MON + dt.timedelta(hours=1))
    with pytest.raises(RuleViolation, match="请撤回最新版本"):
        services.posting_withdraw(old, actor=None, reason="x", at=MON + dt.timedelta(hours=2))
    draft = services.posting_create_draft(community=community, category="notice", title="草稿")
    with pytest.raises(RuleViolation, match="无需撤回"):
        services.posting_withdraw(draft, actor=None, reason="x")
    assert LedgerEntry.objects.filter(action="withdraw").count() == 0


# --- objections --------------------------------------------------------------------------------------


@pytest.fixture
def open_posting():
    return released_posting(
        community=CommunityFactory(),
        objections_open=True,
        publish_at=MON,
        expire_at=MON + dt.timedelta(days=5),
        at=MON,
    )


def test_objection_inside_the_window_and_its_answer(open_posting, django_capture_on_commit_callbacks):
    community_id = open_posting.community_id
    before = cache.generation(community_id)
    with django_capture_on_commit_callbacks(execute=True):
        o = services.objection_file(open_posting, name=" 王芳 ", phone="13912345678", body="名单有误", at=MON)
    assert (o.name, o.status, o.filed_at) == ("王芳", "pending", MON)
    assert cache.generation(community_id) != before
    chair = staff_user(communities=[open_posting.community])
    with pytest.raises(RuleViolation, match="请填写答复内容"):
        services.objection_answer(o, actor=chair, answer="", upheld=False)
    with pytest.raises(RuleViolation, match="请选择异议是否成立"):
        services.objection_answer(o, actor=chair, answer="已核实", upheld=None)
    answered = services.objection_answer(o, actor=chair, answer="已核实，名单无误。", upheld=False, at=MON)
    assert (answered.status, answered.answered_by, answered.upheld) == ("answered", chair, False)
    assert answered.history.first().history_user == chair
    with pytest.raises(RuleViolation, match="已于.*答复"):
        services.objection_answer(o, actor=chair, answer="改答复", upheld=True)
    outsider = staff_user(communities=[CommunityFactory()])
    other = services.objection_file(
        open_posting, name="李雷", phone="010-12345678", body="公示金额有误", at=MON
    )
    with pytest.raises(PermissionDenied, match="您无权管理该社区的记录"):
        services.objection_answer(other, actor=outsider, answer="x", upheld=False)


@pytest.mark.parametrize(
    ("offset", "message"),
    [
        (dt.timedelta(microseconds=-1), "尚未开始公示"),
        (dt.timedelta(days=5), "公示期已于2025-03-08 09:00结束"),  # at expire_at exactly
        (dt.timedelta(days=30), "不能再提出异议"),
    ],
)
def test_objection_outside_the_window_is_refused(open_posting, offset, message):
    with pytest.raises(RuleViolation, match=re.escape(message)) as e:
        services.objection_file(open_posting, name="王芳", phone="13912345678", body="x", at=MON + offset)
    assert message in e.value.messages[0]
    assert not Objection.objects.exists()


def test_objection_last_instant_accepted(open_posting):
    last = MON + dt.timedelta(days=5) - dt.timedelta(microseconds=1)
    services.objection_file(open_posting, name="王芳", phone="13912345678", body="名单有误", at=last)
    assert Objection.objects.count() == 1


def test_objection_refusals(open_posting):
    closed = released_posting(community=open_posting.community, objections_open=False, at=MON)
    with pytest.raises(RuleViolation, match="不接受异议"):
        services.objection_file(closed, name="王芳", phone="13912345678", body="x", at=MON)
    with pytest.raises(RuleViolation, match="请填写真实姓名") as e:
        services.objection_file(open_posting, name="", phone="123", body="", at=MON)
    assert set(e.value.message_dict) == {"name", "phone", "body"}
    assert "电话号码格式不正确" in e.value.message_dict["phone"][0]
    services.posting_withdraw(open_posting, actor=None, reason="撤回", at=MON + dt.timedelta(hours=1))
    with pytest.raises(RuleViolation, match="已撤回"):
        services.objection_file(
            open_posting, name="王芳", phone="13912345678", body="x", at=MON + dt.timedelta(hours=2)
        )
    assert not Objection.objects.exists()


def test_objection_to_a_replaced_version_points_to_the_new_one(open_posting):
    at = MON + dt.timedelta(hours=1)
    services.posting_new_version(open_posting, actor=None, correction_note="更正", at=at)
    with pytest.raises(RuleViolation, match="请对最新版本提出异议"):
        services.objection_file(open_posting, name="王芳", phone="13912345678", body="x", at=at)
