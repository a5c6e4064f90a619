"""Staff handle an opinion in the admin: only the allowed steps are offered, each goes through the
service (refusals as messages, never a 500), bulk actions, the desk, and the daily task."""

import pytest
from django.test import Client
from django.urls import reverse

from affairs.models.opinions import Opinion
from affairs.services import opinions as svc
from affairs.tasks.opinions import remind_opinion_deadlines
from core import desk, periodic

pytestmark = pytest.mark.django_db


def change_url(o):
    return reverse("admin:affairs_opinion_change", args=[o.pk])


def form_data(o, **extra):
    data = {
        "category": o.category,
        "urgent": "on" if o.urgent else "",
        "location": o.location,
        "building": "",
    }
    data.update(extra)
    return data


@pytest.fixture
def opinion(community):
    return svc.opinion_file(community=community, category="facility", body="3号楼路灯不亮已经一周")


def test_change_page_offers_only_the_steps_of_the_state(chair_client, opinion):
    html = chair_client.get(change_url(opinion)).content.decode()
    assert 'value="assign"' in html and 'value="dismiss"' in html
    assert 'value="answer"' not in html and 'value="close"' not in html and 'value="rate"' not in html


def test_assign_answer_close_from_the_admin(chair_client, opinion, officer):
    r = chair_client.post(change_url(opinion), form_data(opinion, step="assign", owner_choice=officer.pk))
    assert r.status_code == 302, r.content.decode()[:2000]
    opinion.refresh_from_db()
    assert (opinion.status, opinion.owner) == ("assigned", officer)
    html = chair_client.get(change_url(opinion)).content.decode()
    assert 'value="answer"' in html and 'value="reassign"' in html and 'value="assign"' not in html
    chair_client.post(
        change_url(opinion), form_data(opinion, step="answer", answer_text="已联系物业修复路灯")
    )
    opinion.refresh_from_db()
    assert opinion.status == "answered" and opinion.answer == "已联系物业修复路灯"
    chair_client.post(change_url(opinion), form_data(opinion, step="close", outcome="1"))
    opinion.refresh_from_db()
    assert (opinion.status, opinion.resolved) == ("closed", True)
    html = chair_client.get(change_url(opinion)).content.decode()
    assert (
        "办理记录" in html and "受理并分派" in html and "当前状态下无可办理的事项" in html
    )  # closed: nothing left


def test_missing_step_input_is_a_form_error(chair_client, opinion):
    r = chair_client.post(change_url(opinion), form_data(opinion, step="assign"))
    assert r.status_code == 200 and "请选择承办人" in r.content.decode()
    opinion.refresh_from_db()
    assert opinion.status == "new"


def test_answer_with_a_phone_number_is_refused_with_a_message(chair_client, opinion, chair, officer):
    svc.opinion_assign(opinion=opinion, owner=officer, actor=chair)
    r = chair_client.post(
        change_url(opinion), form_data(opinion, step="answer", answer_text="请联系13812345678"), follow=True
    )
    assert r.status_code == 200 and "身份证号或手机号码" in r.content.decode()
    opinion.refresh_from_db()
    assert opinion.status == "assigned" and opinion.answer == ""


def test_staff_register_a_walk_in(chair_client, community):
    url = reverse("admin:affairs_opinion_add")
    r = chair_client.post(
        url,
        {
            "category": "help",
            "body": "老人家中水管漏水",
            "name": "",
            "phone": "",
            "location": "",
            "building": "",
        },
    )
    assert r.status_code == 302
    o = Opinion.objects.get()
    assert (o.source, o.community) == ("staff", community)


def test_bulk_actions(chair_client, chair, community):
    items = [
        svc.opinion_file(community=community, category="other", body=f"第{n}件重复内容", address="9.9.9.9")
        for n in range(7)
    ]
    held = list(Opinion.objects.filter(held=True).values_list("pk", flat=True))
    assert len(held) == 2
    url = reverse("admin:affairs_opinion_changelist")
    chair_client.post(url, {"action": "release_held", "_selected_action": [held[0]]})
    chair_client.post(url, {"action": "dismiss_flood", "_selected_action": [held[1]]})
    assert Opinion.objects.filter(held=True, status="dismissed").count() == 1
    chair_client.post(url, {"action": "assign_to_me", "_selected_action": [o.pk for o in items[:3]]})
    assert Opinion.objects.filter(owner=chair, status="assigned").count() == 3


def test_changelist_filters(chair_client, opinion):
    url = reverse("admin:affairs_opinion_changelist")
    for q in ("?deadline=overdue", "?deadline=soon", "?deadline=open", "?held__exact=1"):
        assert chair_client.get(url + q).status_code == 200


def test_desk_shows_overdue_first(community, chair, opinion):
    Opinion.objects.filter(pk=opinion.pk).update(ack_due="2020-01-01", answer_due="2020-01-02")
    svc.opinion_file(community=community, category="inquiry", body="居住证明怎么办理", address="b")
    todos = [t for t in desk.todos_for(chair) if t.group == "affairs"]
    assert [str(t.label) for t in todos][:2] == ["逾期未办的居民意见", "待分派的居民意见"]
    assert todos[0].level == desk.Level.OVERDUE and todos[0].count == 1


def test_task_is_registered_and_idempotent(community, opinion):
    assert any(t == "affairs.tasks.remind_opinion_deadlines" for t, *_r in periodic.SCHEDULES.values())
    Opinion.objects.filter(pk=opinion.pk).update(ack_due="2020-01-01", answer_due="2020-01-02")
    first = remind_opinion_deadlines.apply().get()
    assert first["flagged"] == 1
    assert remind_opinion_deadlines.apply().get() == {"ack_reminded": 0, "answer_reminded": 0, "flagged": 0}


def test_route_admin_lists(chair_client):
    assert chair_client.get(reverse("admin:affairs_opinionroute_changelist")).status_code == 200
    assert chair_client.get(reverse("admin:affairs_opinionroute_add")).status_code == 200


def test_setup_periodic_tasks_writes_the_reminder():
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    call_command("setup_periodic_tasks")
    call_command("setup_periodic_tasks")
    task = PeriodicTask.objects.get(task="affairs.tasks.remind_opinion_deadlines")
    assert task.crontab.hour == "8" and task.enabled


def test_supervisor_reads_the_senders_phone_masked(client, community, chair):
    from tests.factories import staff_user

    o = svc.opinion_file(
        community=community, category="objection", body="车位分配有误", name="王建国", phone="13812345678"
    )
    chair_page = Client()
    chair_page.force_login(chair)
    assert "13812345678" in chair_page.get(change_url(o)).content.decode()
    client.force_login(staff_user(communities=[community], role="监督委员"))
    html = client.get(change_url(o)).content.decode()
    assert "13812345678" not in html and "138****5678" in html
