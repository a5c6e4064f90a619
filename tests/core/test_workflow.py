"""The workflow helper: states, allowed steps, reasons in Chinese, the log of who did what when."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import models, transaction
from django.utils import timezone

from core.errors import RuleViolation
from core.models import TransitionLog
from core.workflow import Transition, Workflow
from tests import factories as f


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    POSTED = "posted", "公示中"
    CONFIRMED = "confirmed", "已确认"


def _window_closed(obj, step):
    if obj.closes_at > step.at:
        return f"公示期至{obj.closes_at:%m月%d日}，尚未结束"
    return None


def _flow(**kwargs) -> Workflow:
    return Workflow(
        "demo",
        states=Status,
        transitions=[
            Transition("post", "公示", sources=[Status.DRAFT], target=Status.POSTED),
            Transition(
                "confirm",
                "确认",
                sources=[Status.POSTED],
                target=Status.CONFIRMED,
                permission="committee.change_buildingcaptain",
                checks=[_window_closed],
            ),
            Transition("withdraw", "撤回", sources=[Status.DRAFT, Status.POSTED], target=Status.DRAFT),
        ],
        **kwargs,
    )


AT = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)


def test_offered_steps_follow_the_state_and_carry_reasons():
    flow = _flow()
    obj = SimpleNamespace(state=Status.POSTED, closes_at=AT + dt.timedelta(days=2))
    offers = {o.transition.name: o for o in flow.offered(obj, at=AT)}
    assert set(offers) == {"confirm", "withdraw"}  # never "post" from POSTED
    assert offers["withdraw"].enabled
    assert not offers["confirm"].enabled
    assert offers["confirm"].reasons == ["公示期至12月03日，尚未结束"]
    assert flow.allowed(obj, at=AT) == ["withdraw"]
    assert flow.allowed(obj, at=AT + dt.timedelta(days=3)) == ["confirm", "withdraw"]


def test_wrong_state_reason_names_the_state_and_the_step():
    flow = _flow()
    obj = SimpleNamespace(state=Status.DRAFT, closes_at=AT)
    assert flow.reasons(obj, "confirm", at=AT) == ["当前状态为“草稿”，不能办理“确认”。"]


@pytest.mark.django_db
def test_permission_hides_the_step_from_a_role_without_it():
    flow = _flow()
    obj = SimpleNamespace(state=Status.POSTED, closes_at=AT - dt.timedelta(days=1))
    viewer = f.staff_user(role="街道")
    chair = f.staff_user(role="主任")
    assert [o.transition.name for o in flow.offered(obj, actor=viewer, at=AT)] == ["withdraw"]
    assert flow.reasons(obj, "confirm", actor=viewer, at=AT) == ["您没有办理“确认”的权限。"]
    assert flow.allowed(obj, actor=chair, at=AT) == ["confirm", "withdraw"]


@pytest.mark.django_db
def test_apply_moves_the_state_and_logs_who_when_and_why():
    flow = _flow()
    community = f.CommunityFactory()  # any saved model can be the subject of a workflow
    community.state = Status.POSTED
    community.closes_at = AT - dt.timedelta(days=1)
    chair = f.staff_user(role="主任", communities=[community])
    entry = flow.apply(community, "confirm", actor=chair, note=" 无异议 ", at=AT)
    assert community.state == Status.CONFIRMED
    assert (entry.source_state, entry.target_state, entry.transition, entry.label) == (
        "posted",
        "confirmed",
        "confirm",
        "确认",
    )
    assert (entry.actor, entry.at, entry.note, entry.subject) == (chair, AT, "无异议", community)
    assert list(flow.log(community)) == [entry]


@pytest.mark.django_db
def test_a_refused_step_changes_nothing_and_logs_nothing():
    flow = _flow()
    community = f.CommunityFactory()
    community.state = Status.POSTED
    community.closes_at = AT + dt.timedelta(days=1)
    with pytest.raises(RuleViolation, match="尚未结束"):
        flow.apply(community, "confirm", actor=None, at=AT)
    assert community.state == Status.POSTED
    assert not TransitionLog.objects.exists()


@pytest.mark.django_db
def test_the_log_entry_rolls_back_with_the_step():
    flow = _flow()
    community = f.CommunityFactory()
    community.state = Status.DRAFT
    with pytest.raises(RuntimeError, match="boom"), transaction.atomic():
        flow.apply(community, "post", actor=None, at=AT)
        raise RuntimeError("boom")
    assert not TransitionLog.objects.exists()


@pytest.mark.django_db
def test_computed_state_records_the_step_without_setting_a_field():
    def state_of(obj, at):
        return Status.POSTED if obj.opens_at <= at else Status.DRAFT

    flow = Workflow(
        "computed",
        states=Status,
        field=None,
        state_of=state_of,
        transitions=[Transition("withdraw", "撤回", sources=[Status.POSTED], target=Status.DRAFT)],
    )
    community = f.CommunityFactory()
    community.opens_at = timezone.now() - dt.timedelta(hours=1)
    entry = flow.apply(community, "withdraw", actor=None)
    assert (entry.source_state, entry.target_state) == ("posted", "draft")
    assert not hasattr(community, "state")


def test_a_table_naming_an_unknown_state_or_a_step_twice_is_refused():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow("x", states=Status, transitions=[Transition("a", "甲", sources=["nowhere"], target="draft")])
    with pytest.raises(ValueError, match="declared twice"):
        Workflow(
            "x",
            states=Status,
            transitions=[
                Transition("a", "甲", sources=[Status.DRAFT], target=Status.POSTED),
                Transition("a", "乙", sources=[Status.POSTED], target=Status.DRAFT),
            ],
        )
    with pytest.raises(ValueError, match="no transition 'b'"):
        _flow().reasons(SimpleNamespace(state="draft"), "b")


@pytest.mark.django_db
def test_the_step_record_names_the_person_not_the_login():
    from core.workflow_admin import log_html

    flow = _flow()
    community = f.CommunityFactory()
    community.state = Status.DRAFT
    clerk = f.staff_user(role="委员", communities=[community], full_name="王秀英")
    flow.apply(community, "post", actor=clerk, at=AT)
    html = log_html(flow, community)
    assert "王秀英" in html and clerk.username not in html
