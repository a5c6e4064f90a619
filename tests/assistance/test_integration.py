"""Recertification and the nightly re-check (Celery), the work desk, the monthly sheet's section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from assistance import services as s
from assistance.models import Case, CaseFlag
from core import desk, periodic
from tests.assistance.world import build

pytestmark = pytest.mark.django_db
S = Case.State


@pytest.fixture
def world():
    return build()


def _approved(world, django_capture_on_commit_callbacks, *, days_ago=40):
    from notices.tasks import process_window_boundaries

    start = timezone.now() - dt.timedelta(days=days_ago)
    case = world.apply(at=start)
    world.to_scored(case, at=start)
    s.cases_post(cases=[case], actor=world.officer, at=start)
    with django_capture_on_commit_callbacks(execute=True):
        process_window_boundaries(at=start + dt.timedelta(days=8))
    s.case_report(case=case, actor=world.officer, at=start + dt.timedelta(days=8))
    s.case_street_decision(case=case, accepted=True, actor=world.officer, at=start + dt.timedelta(days=9))
    case.refresh_from_db()
    return case


def test_recertification_opens_once_and_reaches_the_desk(world, django_capture_on_commit_callbacks):
    from assistance.tasks import open_recertifications

    case = _approved(world, django_capture_on_commit_callbacks)
    assert open_recertifications.delay().get() == {"opened": 0, "skipped": []}  # not due yet
    Case.objects.filter(pk=case.pk).update(certified_until=timezone.localdate() + dt.timedelta(days=10))
    assert open_recertifications.delay().get()["opened"] == 1
    assert open_recertifications.delay().get()["opened"] == 0  # idempotent
    renewal = Case.objects.get(renews=case)
    assert renewal.kind == Case.Kind.RECERTIFICATION and renewal.state == S.APPLIED
    assert renewal.officer == world.officer and renewal.members.count() == 3
    # Renewing its own benefit is not "a household already receiving".
    assert not renewal.flags.filter(code=CaseFlag.Code.ALREADY_RECEIVING).exists()
    labels = [str(t.label) for t in desk.todos_for(world.officer)]
    assert f"{renewal}：已申请" in labels


def test_a_beneficiary_who_died_flags_the_case_overnight(world, django_capture_on_commit_callbacks):
    from assistance.tasks import recheck_cases

    case = _approved(world, django_capture_on_commit_callbacks)
    member = case.members.select_related("resident").last().resident
    member.deceased_on = timezone.localdate() - dt.timedelta(days=3)
    member.save()
    assert recheck_cases.delay().get() >= 1
    assert recheck_cases.delay().get() >= 1  # twice: same flags, not doubled
    flags = list(CaseFlag.objects.filter(case=case, code=CaseFlag.Code.REGISTRY_CHANGED))
    assert len(flags) == 1 and f"{member.name}已于" in flags[0].message and "去世" in flags[0].message


def test_the_desk_shows_flagged_cases_first_and_reading_roles_follow(world):
    from tests import factories as f

    flagged = world.apply(incomes=("0",), size=1)
    world.visit(flagged)
    world.investigate(flagged, income="5000", size=1)
    other = world.apply()
    todos = desk.todos_for(world.officer)
    mine = [t for t in todos if t.group == "assistance"]
    # Each of the officer's cases with its step and deadline, the flagged one first.
    assert [str(t.label) for t in mine] == [f"{flagged}：已调查核实", f"{other}：已申请"]
    assert mine[0].hint == "经调查人均月收入5000.00元，高于现行标准1000.00元。"
    assert mine[0].url.endswith(f"/{flagged.pk}/change/") and mine[1].due == other.step_due_on
    street = f.staff_user(role="街道", street_office=world.community.street_office)
    follow = [t for t in desk.todos_for(street) if t.group == "assistance"]
    assert [(str(t.label), t.level) for t in follow] == [("有自动核查提示的在办救助申请", desk.Level.FOLLOW)]
    member = f.staff_user(communities=[world.community], role="委员")
    assert not [t for t in desk.todos_for(member) if t.group == "assistance"]


def test_the_monthly_sheet_lists_the_batch_masked(world):
    from notices.disclosure.content import build_content

    case = world.apply()
    world.to_scored(case)
    s.cases_post(cases=[case], actor=world.officer)
    month = timezone.localdate().replace(day=1)
    content = build_content(community=world.community, month=month, at=timezone.now())
    section = next(x for x in content["sections"] if x["key"] == "hardship")
    assert section["data"]["rows"][0][:4] == ["张*明", "3", "低保", "500.00"]
    text = str(content)
    assert (
        "张三明" not in text and case.applicant.id_number not in text and case.household.address not in text
    )


def test_the_schedules_are_registered():
    names = {task for task, *_rest in periodic.SCHEDULES.values()}
    assert {"assistance.tasks.open_recertifications", "assistance.tasks.recheck_cases"} <= names


def test_setup_periodic_tasks_writes_the_assistance_schedules():
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    call_command("setup_periodic_tasks", verbosity=0)
    call_command("setup_periodic_tasks", verbosity=0)  # twice: still one row each
    tasks = PeriodicTask.objects.filter(task__startswith="assistance.tasks.")
    assert sorted(tasks.values_list("task", flat=True)) == [
        "assistance.tasks.open_recertifications",
        "assistance.tasks.recheck_cases",
    ]
    assert all(t.crontab is not None and t.enabled for t in tasks)
