"""Monthly sheets are final only after their month, and every generation request is a visible job.

A sheet generated while its month runs is a draft: marked 草稿 in the PDF, listed for staff, never
listed or served publicly. Each request (admin form, admin action, the beat task) is a job staff
can follow: 排队中, 生成中, 失败 with the reason, 已完成; a job queued for long says the worker may
not be running; a request made twice is one job.
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from core.errors import RuleViolation
from notices.disclosure import disclosure_generate
from notices.disclosure import jobs as disclosure_jobs
from notices.disclosure.jobs import disclosure_job_request, disclosure_job_run
from notices.models import Category, DisclosureJob, MonthlyDisclosure
from tests.factories import CommunityFactory, staff_user
from tests.notices.test_pdf import OCT, pdf_text, publish, when

pytestmark = pytest.mark.django_db

MID_OCT = when(15, hour=10)
AFTER_OCT = when(1, hour=0, month=11) + dt.timedelta(minutes=30)
NOV = dt.date(2026, 11, 1)
SHEETS = "/admin/notices/monthlydisclosure/"
GENERATE = "/admin/notices/monthlydisclosure/generate/"


@pytest.fixture
def xingfu():
    community = CommunityFactory(name="幸福社区", slug="xingfu", phone="010-64281234")
    publish(community, "十月上旬的停车通知", day=3)
    return community


@pytest.fixture
def chair(xingfu):
    return staff_user(communities=[xingfu], role="主任")


# --- drafts and finals ------------------------------------------------------------------------------


def test_a_sheet_of_a_running_month_is_a_draft_for_staff_only(client, xingfu, chair, time_machine):
    time_machine.move_to(MID_OCT, tick=False)
    draft, created = disclosure_generate(community=xingfu, month=OCT, at=MID_OCT)
    assert created and not draft.is_final and draft.version == 1
    text = pdf_text(draft)
    assert "草稿" in text and "不得张贴公开" in text and "第1版" not in text
    assert "十月上旬的停车通知" in text

    # Public: not listed, not served, and the message says why.
    index = client.get("/c/xingfu/disclosure/").content.decode()
    assert "2026-10.pdf" not in index and "还没有生成过月报" in index
    for url in ("/c/xingfu/disclosure/2026-10.pdf", "/c/xingfu/disclosure/2026-10.pdf?v=1"):
        response = client.get(url)
        assert response.status_code == 404
        assert "尚未结束" in response.content.decode()

    # Staff: listed as a draft, downloadable through the admin only.
    client.force_login(chair)
    sheets = client.get(SHEETS).content.decode()
    assert "草稿（未公开）" in sheets
    admin_pdf = f"/admin/notices/monthlydisclosure/{draft.pk}/pdf/"
    assert admin_pdf in sheets and "/c/xingfu/disclosure/2026-10.pdf" not in sheets
    served = client.get(admin_pdf)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == draft.pdf.open("rb").read()
    assert "private" in served["Cache-Control"]

    # Staff of another community cannot open it.
    other = staff_user(communities=[CommunityFactory(slug="hexie")], role="主任")
    client.force_login(other)
    assert client.get(admin_pdf).status_code == 404


def test_after_the_month_the_final_sheet_is_public_and_numbered_apart_from_drafts(
    client, xingfu, time_machine
):
    from notices.tasks import generate_monthly_disclosures

    time_machine.move_to(MID_OCT, tick=False)
    disclosure_generate(community=xingfu, month=OCT, at=MID_OCT)
    publish(xingfu, "十月下旬的补充通知", day=28)
    disclosure_generate(community=xingfu, month=OCT, at=when(29))
    assert list(MonthlyDisclosure.objects.values_list("is_final", "version").order_by("version")) == [
        (False, 1),
        (False, 2),
    ]

    time_machine.move_to(AFTER_OCT, tick=False)
    result = generate_monthly_disclosures.delay().get()
    assert result == [
        {
            "community": "xingfu",
            "month": "2026-10",
            "state": "done",
            "version": 1,
            "final": True,
            "created": True,
        }
    ]
    final = MonthlyDisclosure.objects.get(community=xingfu, month=OCT, is_final=True)
    assert final.version == 1  # residents see 第1版, not 第3版
    text = pdf_text(final)
    assert "草稿" not in text and "第1版" in text
    assert "十月上旬的停车通知" in text and "十月下旬的补充通知" in text

    index = client.get("/c/xingfu/disclosure/").content.decode()
    assert "/c/xingfu/disclosure/2026-10.pdf" in index and "第1版" in index and "第2版" not in index
    served = client.get("/c/xingfu/disclosure/2026-10.pdf")
    assert b"".join(served.streaming_content) == final.pdf.open("rb").read()


def test_a_final_with_the_same_postings_as_the_last_draft_is_still_made(xingfu):
    """Nothing happened after the last draft: the final sheet must not be mistaken for it."""
    draft, _ = disclosure_generate(community=xingfu, month=OCT, at=when(31, hour=23))
    final, created = disclosure_generate(community=xingfu, month=OCT, at=AFTER_OCT)
    assert created and final.is_final and final.pk != draft.pk
    assert draft.content_hash != final.content_hash


def test_monthly_task_is_idempotent_and_catches_up_when_run_late(xingfu, time_machine):
    from notices.tasks import generate_monthly_disclosures

    # September got only a draft (the machine was off on October 1st); the task runs late, on
    # November 3rd: October's final and September's final are made, once however often it runs.
    time_machine.move_to(when(20, month=9), tick=False)
    disclosure_generate(community=xingfu, month=dt.date(2026, 9, 1), at=when(20, month=9))
    time_machine.move_to(when(3, month=11), tick=False)
    first = generate_monthly_disclosures.delay().get()
    second = generate_monthly_disclosures.delay().get()
    assert [(r["month"], r["created"]) for r in first] == [("2026-09", True), ("2026-10", True)]
    assert [(r["month"], r["created"]) for r in second] == [("2026-10", False)]
    finals = MonthlyDisclosure.objects.filter(is_final=True).order_by("month")
    assert [(f.month, f.version) for f in finals] == [(dt.date(2026, 9, 1), 1), (OCT, 1)]
    # Each run is recorded as a job staff can see (by the scheduled task: no requester).
    assert DisclosureJob.objects.filter(state="done", requested_by=None).count() == 3


# --- jobs ---------------------------------------------------------------------------------------------


def test_a_request_is_queued_and_the_page_says_when_no_worker_takes_it(client, xingfu, chair, time_machine):
    time_machine.move_to(AFTER_OCT, tick=False)
    client.force_login(chair)
    # No on-commit callbacks run here: nothing takes the job, as when no worker is running.
    response = client.post(GENERATE, {"community": xingfu.pk, "month": "2026-10"}, follow=True)
    html = response.content.decode()
    assert "已提交1个月报生成任务" in html and "稍后刷新" not in html
    job = DisclosureJob.objects.get()
    assert job.state == "queued" and job.requested_by == chair and job.requested_at == timezone.now()
    assert "排队中" in html and "等待后台任务进程处理" in html
    assert 'http-equiv="refresh"' in html  # the page follows the job by itself
    assert "可能没有运行" not in html

    time_machine.move_to(AFTER_OCT + dt.timedelta(minutes=3), tick=False)
    html = client.get(SHEETS).content.decode()
    assert "排队中" in html
    assert "后台任务进程（Celery worker）可能没有运行" in html
    assert 'http-equiv="refresh"' not in html  # no point refreshing every 5 s for a dead worker
    assert not MonthlyDisclosure.objects.exists()


def test_a_request_made_twice_is_one_job(
    client, xingfu, chair, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(AFTER_OCT, tick=False)
    client.force_login(chair)
    with django_capture_on_commit_callbacks() as first:
        client.post(GENERATE, {"community": xingfu.pk, "month": "2026-10"})
    with django_capture_on_commit_callbacks() as second:
        response = client.post(GENERATE, {"community": xingfu.pk, "month": "2026-10"}, follow=True)
    assert DisclosureJob.objects.count() == 1
    assert len(first) == 1 and len(second) == 0  # sent to the worker once
    assert "已有生成任务在排队或生成中，未重复提交" in response.content.decode()

    # Long queued: asking again re-sends the same job (harmless if a worker has it after all).
    time_machine.move_to(AFTER_OCT + dt.timedelta(minutes=5), tick=False)
    with django_capture_on_commit_callbacks() as third:
        job, created = disclosure_job_request(community=xingfu, month=OCT, actor=chair)
    assert not created and len(third) == 1 and DisclosureJob.objects.count() == 1

    # Once it finished, a new request is a new job.
    disclosure_job_run(job_id=job.pk)
    _again, created = disclosure_job_request(community=xingfu, month=OCT, actor=chair)
    assert created and DisclosureJob.objects.count() == 2


def test_the_admin_action_on_two_rows_of_one_month_makes_one_job(client, xingfu, chair, time_machine):
    first, _ = disclosure_generate(community=xingfu, month=OCT, at=AFTER_OCT)
    publish(xingfu, "十月底补充通知", day=30)
    second, _ = disclosure_generate(community=xingfu, month=OCT, at=AFTER_OCT)
    time_machine.move_to(AFTER_OCT, tick=False)
    client.force_login(chair)
    client.post(SHEETS, {"action": "regenerate", "_selected_action": [first.pk, second.pk]})
    response = client.post(SHEETS, {"action": "regenerate", "_selected_action": [first.pk]}, follow=True)
    assert DisclosureJob.objects.count() == 1
    assert "1个月报已有生成任务在排队或生成中" in response.content.decode()


def test_running_then_done_with_the_sheet(client, xingfu, chair, time_machine):
    time_machine.move_to(AFTER_OCT, tick=False)
    job, _ = disclosure_job_request(community=xingfu, month=OCT, actor=chair)
    seen = {}
    real = disclosure_jobs.disclosure_generate

    def watching(**kwargs):
        running = DisclosureJob.objects.get(pk=job.pk)
        seen.update(state=running.state, started_at=running.started_at)
        client.force_login(chair)
        seen["page"] = client.get(SHEETS).content.decode()
        return real(**kwargs)

    with mock.patch.object(disclosure_jobs, "disclosure_generate", watching):
        disclosure_job_run(job_id=job.pk)
    assert seen["state"] == "running" and seen["started_at"] == timezone.now()
    assert "生成中" in seen["page"] and "正在生成PDF" in seen["page"]

    job.refresh_from_db()
    sheet = MonthlyDisclosure.objects.get()
    assert job.state == "done" and job.disclosure == sheet and job.created_version is True
    assert job.finished_at is not None and job.error == ""
    assert sheet.generated_by == chair
    html = client.get(SHEETS).content.decode()
    assert "已完成" in html and "已生成定稿第1版" in html

    # Delivered again (late acknowledgement): nothing changes.
    finished_at = job.finished_at
    disclosure_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.finished_at == finished_at and MonthlyDisclosure.objects.count() == 1


def test_the_celery_task_runs_the_job_after_the_request_commits(
    client, xingfu, chair, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(MID_OCT, tick=False)
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(GENERATE, {"community": xingfu.pk, "month": "2026-10"})
    html = client.get(SHEETS).content.decode()
    assert "尚未结束，生成的是草稿" in html
    job = DisclosureJob.objects.get()
    assert job.state == "done" and job.disclosure.is_final is False
    assert "已生成草稿1" in html


def test_a_failing_job_stores_and_shows_its_reason(client, xingfu, chair, time_machine, caplog):
    time_machine.move_to(AFTER_OCT, tick=False)
    job, _ = disclosure_job_request(community=xingfu, month=OCT, actor=chair)
    with mock.patch.object(disclosure_jobs, "disclosure_generate", side_effect=OSError("磁盘已满")):
        disclosure_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and job.finished_at is not None
    assert job.error == "生成时出错：OSError: 磁盘已满"
    assert "disclosure job" in caplog.text  # the traceback is logged for the administrator

    client.force_login(chair)
    html = client.get(SHEETS).content.decode()
    assert "失败" in html and "生成时出错：OSError: 磁盘已满" in html
    jobs_page = client.get("/admin/notices/disclosurejob/").content.decode()
    assert "磁盘已满" in jobs_page

    # A domain error keeps its own (Chinese) message; a failed job does not block a new request.
    job2, created = disclosure_job_request(community=xingfu, month=OCT, actor=chair)
    assert created
    with mock.patch.object(
        disclosure_jobs, "disclosure_generate", side_effect=RuleViolation("月报保存失败，请稍后重试。")
    ):
        disclosure_job_run(job_id=job2.pk)
    job2.refresh_from_db()
    assert job2.state == "failed" and job2.error == "月报保存失败，请稍后重试。"


def test_a_job_left_running_by_a_lost_worker_is_replaced(xingfu, chair, time_machine):
    time_machine.move_to(AFTER_OCT, tick=False)
    job, _ = disclosure_job_request(community=xingfu, month=OCT, actor=chair)
    DisclosureJob.objects.filter(pk=job.pk).update(state="running", started_at=AFTER_OCT)
    time_machine.move_to(AFTER_OCT + dt.timedelta(minutes=5), tick=False)
    same, created = disclosure_job_request(community=xingfu, month=OCT, actor=chair)
    assert same.pk == job.pk and not created  # still plausibly running
    time_machine.move_to(AFTER_OCT + dt.timedelta(hours=1), tick=False)
    new, created = disclosure_job_request(community=xingfu, month=OCT, actor=chair)
    assert created and new.pk != job.pk
    job.refresh_from_db()
    assert job.state == "failed" and "后台任务中断" in job.error


def test_a_month_not_started_is_refused_with_a_message(xingfu, chair, time_machine):
    time_machine.move_to(AFTER_OCT, tick=False)
    with pytest.raises(RuleViolation, match="尚未开始"):
        disclosure_job_request(community=xingfu, month=dt.date(2026, 12, 1), actor=chair)
    assert not DisclosureJob.objects.exists()


def test_job_list_is_scoped_and_read_only(client, xingfu, chair, time_machine):
    time_machine.move_to(AFTER_OCT, tick=False)
    other = CommunityFactory(name="和谐社区", slug="hexie")
    publish(other, "和谐社区的通知", day=4, category=Category.NOTICE)
    mine, _ = disclosure_job_request(community=xingfu, month=OCT, actor=chair)
    theirs, _ = disclosure_job_request(community=other, month=OCT, actor=None)
    client.force_login(chair)
    html = client.get("/admin/notices/disclosurejob/").content.decode()
    assert "幸福社区" in html and "和谐社区" not in html
    assert client.get(f"/admin/notices/disclosurejob/{theirs.pk}/change/").status_code in (302, 404)
    detail = client.get(f"/admin/notices/disclosurejob/{mine.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert client.get("/admin/notices/disclosurejob/add/").status_code == 403
    sheets = client.get(SHEETS).content.decode()
    assert "和谐社区" not in sheets


def test_street_office_sees_jobs_but_cannot_request(client, xingfu, time_machine):
    time_machine.move_to(AFTER_OCT, tick=False)
    disclosure_job_request(community=xingfu, month=OCT, actor=None)
    street = staff_user(communities=[xingfu], role="街道")
    client.force_login(street)
    html = client.get(SHEETS).content.decode()
    assert "最近的生成任务" in html and "定时任务" in html
    assert client.post(GENERATE, {"community": xingfu.pk, "month": "2026-10"}).status_code == 403
    assert DisclosureJob.objects.count() == 1


def test_november_draft_then_december_final_by_the_task(xingfu, time_machine):
    """The beat task of December 1st finalises November, whose only sheet so far was a draft."""
    from notices.tasks import generate_monthly_disclosures

    time_machine.move_to(when(10, month=11), tick=False)
    disclosure_generate(community=xingfu, month=NOV, at=when(10, month=11))
    time_machine.move_to(dt.datetime(2026, 12, 1, 0, 30, tzinfo=timezone.get_default_timezone()), tick=False)
    result = generate_monthly_disclosures.delay().get()
    assert [(r["month"], r["final"]) for r in result] == [("2026-11", True)]
    assert MonthlyDisclosure.objects.filter(month=NOV, is_final=True).count() == 1


def test_command_on_a_running_month_makes_a_draft(xingfu, time_machine):
    import io

    from django.core.management import call_command

    time_machine.move_to(MID_OCT, tick=False)
    out = io.StringIO()
    call_command("generate_disclosure", "--community", "xingfu", "--month", "2026-10", stdout=out)
    assert "xingfu 2026-10: created draft 1 (not public until the month ends)" in out.getvalue()
    assert MonthlyDisclosure.objects.get().is_final is False
