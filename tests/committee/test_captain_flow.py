"""Captains as a workflow (issue 8): each service is a step of CAPTAIN_FLOW, a step out of order is
refused with a Chinese reason and changes nothing, every step is logged (who, when, from, to), and
the admin offers exactly the steps the state allows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from committee import models as cm
from committee import services as s
from committee.captains import CAPTAIN_FLOW
from core.errors import RuleViolation
from core.models import TransitionLog
from tests import factories as f

pytestmark = pytest.mark.django_db
S = cm.BuildingCaptain.Status


@pytest.fixture
def nominee():
    community = f.CommunityFactory(name="幸福社区")
    chair = f.staff_user(communities=[community], role="主任")
    building = f.BuildingFactory(community=community, name="3号楼")
    household = f.HouseholdFactory(community=community, group=building.group, building=building)
    resident = f.ResidentFactory(household=household, name="刘洋")
    captain = s.captain_nominate(building=building, resident=resident, actor=chair)
    return chair, captain


def _steps(captain):
    return [(e.transition, e.source_state, e.target_state) for e in CAPTAIN_FLOW.log(captain).order_by("pk")]


def test_every_step_is_logged_with_who_and_when(nominee):
    chair, captain = nominee
    result = s.captains_post(captains=[captain], actor=chair)
    end = result.posting.expire_at + dt.timedelta(minutes=1)
    s.captain_confirm(captain=captain, actor=chair, at=end, note="无异议")
    s.captain_end(captain=captain, actor=chair, at=end + dt.timedelta(days=30), note="任期届满")
    assert _steps(captain) == [
        ("nominate", "nominated", "nominated"),
        ("post", "nominated", "posted"),
        ("confirm", "posted", "confirmed"),
        ("end", "confirmed", "ended"),
    ]
    confirm = CAPTAIN_FLOW.log(captain).get(transition="confirm")
    assert (confirm.actor, confirm.at, confirm.note) == (chair, end, "无异议")


def test_a_step_out_of_order_gets_the_reason_and_changes_nothing(nominee):
    chair, captain = nominee
    with pytest.raises(RuleViolation, match="当前状态为“已提名”，不能办理“确认任职”"):
        s.captain_confirm(captain=captain, actor=chair)
    with pytest.raises(RuleViolation, match="当前状态为“已提名”，不能办理“卸任”"):
        s.captain_end(captain=captain, actor=chair)
    captain.refresh_from_db()
    assert captain.status == S.NOMINATED and captain.decided_at is None
    assert _steps(captain) == [("nominate", "nominated", "nominated")]


def test_confirming_before_the_window_ends_says_why_and_logs_nothing(nominee):
    chair, captain = nominee
    s.captains_post(captains=[captain], actor=chair)
    with pytest.raises(RuleViolation, match="公示期满后才能确认"):
        s.captain_confirm(captain=captain, actor=chair)
    captain.refresh_from_db()
    assert captain.status == S.POSTED
    assert not TransitionLog.objects.filter(transition="confirm").exists()


def test_a_withdrawn_posting_sends_the_nomination_back_through_the_flow(
    nominee, django_capture_on_commit_callbacks
):
    from notices import services as notices_services
    from notices.tasks import process_window_boundaries

    chair, captain = nominee
    now = timezone.now()
    result = s.captains_post(captains=[captain], actor=chair, at=now)
    later = now + dt.timedelta(hours=1)
    notices_services.posting_withdraw(result.posting, actor=chair, reason="人选有误", at=later)
    with django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries(at=later)
    captain.refresh_from_db()
    assert captain.status == S.NOMINATED and captain.posting_id is None
    entry = CAPTAIN_FLOW.log(captain).get(transition="withdrawn")
    assert (entry.source_state, entry.target_state, entry.actor) == ("posted", "nominated", None)


@pytest.mark.parametrize(
    ("state", "actions"),
    [
        (S.NOMINATED, {"post_selected", "reject_selected"}),
        (S.POSTED, {"confirm_selected", "reject_selected"}),
        (S.CONFIRMED, {"end_selected"}),
        (S.REJECTED, set()),
        (S.ENDED, set()),
    ],
)
def test_the_list_filtered_to_a_state_offers_only_its_steps(nominee, client, state, actions):
    chair, _captain = nominee
    client.force_login(chair)
    response = client.get(reverse("admin:committee_buildingcaptain_changelist"), {"status__exact": state})
    assert response.status_code == 200
    offered = {name for name, _label in response.context["action_form"].fields["action"].choices if name}
    assert offered - {"delete_selected"} == actions


def test_the_change_page_shows_the_steps_with_reasons_and_the_record(nominee, client):
    chair, captain = nominee
    s.captains_post(captains=[captain], actor=chair, at=timezone.now())
    client.force_login(chair)
    page = client.get(reverse("admin:committee_buildingcaptain_change", args=[captain.pk])).content.decode()
    assert "可办理事项" in page and "办理记录" in page
    assert "确认任职：暂不能办理——" in page and "公示期满后才能确认" in page
    assert "否决：可以办理" in page
    assert "公示中" in page and "已提名" in page  # from → to of the "post" step in the record
