"""The meetings and motions admin, clicked through as the 主任: arrange a meeting, sign members in
(with a proxy refused where the body does not allow it), take a motion through its steps on its own
pages, record the named vote and close it, add an implementation task with progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from affairs.models import Body, ImplementationTask, Meeting, MeetingMember, Motion
from affairs.services import motions as motion_services
from core import desk
from tests.affairs.meetings.conftest import hold_meeting

pytestmark = pytest.mark.django_db
A = MeetingMember.Attendance


def _form_data(response) -> dict:
    """What the browser would post back from an admin change form, as rendered."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            value = form[name].value()
            if field.disabled:
                continue
            widget = field.widget
            if hasattr(widget, "decompress") and not isinstance(value, list):
                parts = widget.decompress(value)
                for i, part in enumerate(parts):
                    data[f"{key}_{i}"] = "" if part is None else part
                continue
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
                continue
            data[key] = "" if value is None else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        fs = inline.formset
        for k, v in fs.management_form.initial.items():
            data[f"{fs.prefix}-{k}"] = v
        for form in fs.forms:
            add(form)
    return data


def test_arrange_a_meeting_and_sign_members_in(chair_client, community, term, representatives):
    url = reverse("admin:affairs_meeting_add")
    starts = timezone.localtime() - dt.timedelta(hours=1)
    response = chair_client.post(
        url,
        {
            "community": community.pk,
            "body": Body.ASSEMBLY,
            "title": "十二月居民代表会议",
            "starts_at_0": f"{starts:%Y-%m-%d}",
            "starts_at_1": f"{starts:%H:%M:%S}",
            "place": "社区活动中心",
            "agenda": "审议电梯议题",
            "is_public": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    meeting = Meeting.objects.get(title="十二月居民代表会议")
    assert meeting.members.count() == 9
    assert "已按登记信息生成参会成员名单，共9人" in response.content.decode()

    change = reverse("admin:affairs_meeting_change", args=[meeting.pk])
    page = chair_client.get(change)
    assert "未达到法定人数" in page.content.decode()
    data = _form_data(page)
    members = list(meeting.members.order_by("pk"))
    for i in range(6):
        data[f"members-{i}-attendance"] = A.PRESENT
    data["members-6-attendance"] = A.PROXY
    data["members-6-proxy_holder"] = members[0].pk
    response = chair_client.post(change, data, follow=True)
    assert "居民代表会议须本人出席，不能委托他人" in response.content.decode()
    assert meeting.members.filter(attendance=A.PRESENT).count() == 0  # nothing half-written

    data["members-6-attendance"] = A.PENDING
    data["members-6-proxy_holder"] = ""
    response = chair_client.post(change, data, follow=True)
    assert meeting.members.filter(attendance=A.PRESENT).count() == 6
    assert "达到法定人数" in chair_client.get(change).content.decode()

    pdf = chair_client.get(reverse("admin:affairs_meeting_minutes_pdf", args=[meeting.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_motion_steps_vote_sheet_and_implementation(chair_client, chair, community, term, representatives):
    chair_client.post(
        reverse("admin:affairs_motion_add"),
        {
            "community": community.pk,
            "title": "增设非机动车充电棚",
            "description": "在5号楼北侧增设充电棚，解决飞线充电隐患。",
            "source": Motion.Source.COMMITTEE,
            "proposed_on": f"{timezone.localdate():%Y-%m-%d}",
        },
    )
    motion = Motion.objects.get(title="增设非机动车充电棚")
    change = reverse("admin:affairs_motion_change", args=[motion.pk])
    page = chair_client.get(change).content.decode()
    # Only the next steps are offered: 商议 (and dropping with a reason), never 审议 or 表决.
    assert reverse("admin:affairs_motion_step", args=[motion.pk, "deliberate"]) in page
    assert reverse("admin:affairs_motion_step", args=[motion.pk, "review"]) not in page

    step = reverse("admin:affairs_motion_step", args=[motion.pk, "review"])
    response = chair_client.post(step, {"note": "跳过商议"})
    assert "不能办理" in response.content.decode()
    step = reverse("admin:affairs_motion_step", args=[motion.pk, "deliberate"])
    assert "这个字段是必填项" in chair_client.post(step, {"note": ""}).content.decode()
    chair_client.post(step, {"note": "居委会与物业商议，选址可行。"})
    chair_client.post(
        reverse("admin:affairs_motion_step", args=[motion.pk, "review"]), {"note": "审议同意。"}
    )

    meeting = hold_meeting(community, present=5, actor=chair)
    step = reverse("admin:affairs_motion_step", args=[motion.pk, "open_vote"])
    response = chair_client.post(step, {"meeting": meeting.pk, "opinion_summary": "问卷：充电棚排第二。"})
    assert "未达到法定人数，不能作出决定" in response.content.decode()
    sixth = meeting.members.order_by("pk")[5]
    from affairs.services import meetings as meeting_services

    meeting_services.attendance_sign(member=sixth, attendance=A.PRESENT, actor=chair)
    response = chair_client.post(step, {"meeting": meeting.pk, "opinion_summary": "问卷：充电棚排第二。"})
    assert response.status_code == 302
    motion.refresh_from_db()
    assert motion.state == Motion.State.VOTING

    vote = reverse("admin:affairs_motion_vote", args=[motion.pk])
    present = meeting.members.filter(attendance=A.PRESENT).order_by("pk")
    data = {f"m{m.pk}": "yes" for m in present[:4]}
    chair_client.post(vote, {**data, "save": "1"})
    response = chair_client.post(vote, {"close": "1"})
    assert "尚未表决" in response.content.decode()
    data = {f"m{m.pk}": "no" for m in present[4:]}
    response = chair_client.post(vote, {**data, "close": "1"})
    assert response.status_code == 302
    motion.refresh_from_db()
    assert motion.state == Motion.State.RESOLUTION_POSTED and motion.yes_count == 4
    page = chair_client.get(change).content.decode()
    assert "决议公开：增设非机动车充电棚（通过）" in page

    add = reverse("admin:affairs_implementationtask_add")
    chair_client.post(
        add,
        {
            "motion": motion.pk,
            "title": "采购并安装充电棚",
            "owner": chair.pk,
            "deadline": f"{timezone.localdate() + dt.timedelta(days=20):%Y-%m-%d}",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    task = ImplementationTask.objects.get(motion=motion)
    change_task = reverse("admin:affairs_implementationtask_change", args=[task.pk])
    data = _form_data(chair_client.get(change_task))
    data.update({"updates-0-progress": "100", "updates-0-note": "已安装并通电。"})
    chair_client.post(change_task, data)
    task.refresh_from_db()
    assert task.done_at is not None and task.updates.count() == 1

    motion_services.motion_implement(motion=motion, actor=chair)
    step = reverse("admin:affairs_motion_step", args=[motion.pk, "post_result"])
    chair_client.post(step, {"result_summary": "充电棚已建成投入使用。"})
    motion.refresh_from_db()
    assert motion.state == Motion.State.RESULT_POSTED


def test_work_desk_lists_motions_waiting_on_each_step(chair, community, term, representatives):
    motion_services.motion_propose(
        community=community, title="议题一", description="内容", source=Motion.Source.COMMITTEE, actor=chair
    )
    todos = {str(t.label): t for t in desk.todos_for(chair)}
    assert todos["待商议的议题"].count == 1
    assert "state__exact=proposed" in todos["待商议的议题"].url


def test_evidence_of_the_wrong_type_is_refused(chair_client, chair, community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from affairs.models import TaskUpdate

    field = TaskUpdate._meta.get_field("evidence")
    with pytest.raises(Exception, match="文件扩展"):
        field.run_validators(SimpleUploadedFile("run.exe", b"MZ"))


def test_work_desk_lists_meetings_whose_minutes_wait(chair, community, term, representatives):
    meeting = hold_meeting(community, present=6, actor=chair, starts_at=timezone.now() - dt.timedelta(days=2))
    todos = {str(t.label): t for t in desk.todos_for(chair)}
    assert todos["已召开、会议记录待定稿的会议"].count == 1
    from affairs.services import meetings as meeting_services

    meeting_services.meeting_close(meeting=meeting, minutes="记录。", actor=chair)
    assert "已召开、会议记录待定稿的会议" not in {str(t.label) for t in desk.todos_for(chair)}
