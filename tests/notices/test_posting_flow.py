"""Postings as a workflow (issue 8): the state is computed from the posting's facts, the admin shows
exactly the steps that state allows (buttons and list actions), a step out of order gets the Chinese
reason and changes nothing, and release / new version / withdraw are logged with who and when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import RuleViolation
from notices import services
from notices.flow import POSTING_FLOW, PostingState
from notices.models import Posting
from tests import factories as f

pytestmark = pytest.mark.django_db
NOW = timezone.now()
BUTTONS = ["release", "publish_now", "new_version", "withdraw"]  # admin:notices_posting_<step>


@pytest.fixture
def community():
    return f.CommunityFactory(name="幸福社区")


@pytest.fixture
def chair(community):
    return f.staff_user(communities=[community], role="主任")


def _in_state(state, *, community, chair) -> Posting:
    if state == "draft":
        return f.PostingFactory(community=community)
    if state == "scheduled":
        return f.released_posting(community=community, actor=chair, publish_at=NOW + dt.timedelta(days=1))
    if state == "ended":
        return f.released_posting(
            community=community,
            actor=chair,
            at=NOW - dt.timedelta(days=3),
            expire_at=NOW - dt.timedelta(days=1),
        )
    posting = f.released_posting(community=community, actor=chair)
    if state == "withdrawn":
        return services.posting_withdraw(posting, actor=chair, reason="发布重复")
    if state == "replaced":
        services.posting_new_version(posting, actor=chair, correction_note="更正错字")
        posting.refresh_from_db()
    return posting


STEPS = {
    "draft": {"release", "publish_now"},
    "scheduled": {"new_version", "withdraw"},
    "public": {"new_version", "withdraw"},
    "ended": set(),
    "withdrawn": set(),
    "replaced": set(),
}


@pytest.mark.parametrize("state", list(STEPS))
def test_the_change_page_shows_exactly_the_steps_of_the_state(client, community, chair, state):
    posting = _in_state(state, community=community, chair=chair)
    assert POSTING_FLOW.state(posting) == state
    client.force_login(chair)
    page = client.get(reverse("admin:notices_posting_change", args=[posting.pk])).content.decode()
    shown = {step for step in BUTTONS if reverse(f"admin:notices_posting_{step}", args=[posting.pk]) in page}
    assert shown == STEPS[state]
    assert str(PostingState(state).label) in page


@pytest.mark.parametrize(
    ("window", "actions"),
    [
        ("draft", {"release_selected", "publish_now_selected"}),
        ("public", {"withdraw_selected"}),
        ("closing", {"withdraw_selected"}),
        ("ended", set()),
    ],
)
def test_the_list_filtered_to_a_state_offers_only_its_steps(client, chair, window, actions):
    client.force_login(chair)
    response = client.get(reverse("admin:notices_posting_changelist"), {"window": window})
    offered = {name for name, _label in response.context["action_form"].fields["action"].choices if name}
    assert offered - {"delete_selected"} == actions


def test_a_posting_with_a_correction_on_its_way_says_why_it_cannot_be_corrected(client, community, chair):
    posting = f.released_posting(community=community, actor=chair)
    services.posting_new_version(posting, actor=chair, correction_note="更正错字", release=False)
    client.force_login(chair)
    page = client.get(reverse("admin:notices_posting_change", args=[posting.pk])).content.decode()
    assert "暂不能“发布更正版本”：该版本已有更正版本（或待发布的更正草稿），请对最新版本操作。" in page
    assert reverse("admin:notices_posting_new_version", args=[posting.pk]) not in page


def test_a_step_out_of_order_is_refused_and_changes_nothing(community, chair):
    posting = f.released_posting(community=community, actor=chair)
    posting = services.posting_withdraw(posting, actor=chair, reason="发布重复")
    with pytest.raises(RuleViolation, match="该公开事项已于.*撤回"):
        services.posting_withdraw(posting, actor=chair, reason="再次撤回")
    with pytest.raises(RuleViolation, match="当前状态为“已撤回”，不能办理“撤回”"):
        POSTING_FLOW.apply(posting, "withdraw", actor=chair)
    posting.refresh_from_db()
    assert posting.withdrawal_reason == "发布重复"
    assert [e.transition for e in POSTING_FLOW.log(posting)] == ["publish_now", "withdraw"]


def test_release_new_version_and_withdraw_are_logged_with_who_and_when(client, community, chair):
    draft = f.PostingFactory(community=community, publish_at=NOW + dt.timedelta(hours=2))
    released = services.posting_release(draft, actor=chair, at=NOW)
    new = services.posting_new_version(
        released, actor=chair, correction_note="更正错字", at=NOW + dt.timedelta(hours=3)
    )
    services.posting_withdraw(new, actor=chair, reason="活动取消", at=NOW + dt.timedelta(hours=4))
    old_log = [
        (e.transition, e.source_state, e.target_state, e.actor, e.at, e.note)
        for e in POSTING_FLOW.log(released).order_by("pk")
    ]
    assert old_log == [
        ("release", "draft", "scheduled", chair, NOW, ""),
        ("new_version", "public", "replaced", chair, NOW + dt.timedelta(hours=3), "更正错字"),
    ]
    assert [(e.transition, e.note) for e in POSTING_FLOW.log(new).order_by("pk")] == [
        ("publish_now", ""),
        ("withdraw", "活动取消"),
    ]
    client.force_login(chair)
    page = client.get(reverse("admin:notices_posting_change", args=[released.pk])).content.decode()
    assert "办理记录" in page and "更正错字" in page and "已被更正" in page
