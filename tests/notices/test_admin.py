"""The board's staff side as a chair uses it: draft, attach, release, correct, withdraw, answer.

Bad input gets a Chinese message and writes nothing; released postings cannot be edited or deleted
from the admin; the ledger and window events are read-only; another community's postings 404.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from notices import services
from notices.ledger import verify_chain
from notices.models import Attachment, LedgerEntry, Objection, Posting, WindowEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _local(value: dt.datetime) -> dict:
    local = timezone.localtime(value)
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M:%S")}


def _draft_data(community, **overrides) -> dict:
    start = timezone.now() + dt.timedelta(hours=1)
    data = {
        "community": community.pk,
        "category": "notice",
        "title": "关于清理楼道杂物的通知",
        "body": "<p>请于本周末前清理。</p>",
        "working_days": "",
        "pinned": "",
        "objections_open": "on",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    for name, value in {"publish_at": start, "expire_at": start + dt.timedelta(days=7)}.items():
        for k, v in _local(value).items():
            data[f"{name}_{k}"] = v
    data.update(overrides)
    return data


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_chair_drafts_attaches_and_releases(chair_client, community):
    add = reverse("admin:notices_posting_add")
    assert chair_client.get(add).status_code == 200
    data = _draft_data(community)
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-file": SimpleUploadedFile("通知.pdf", PDF, content_type="application/pdf"),
        }
    )
    response = chair_client.post(add, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    posting = Posting.objects.get()
    assert posting.state == Posting.State.DRAFT
    attachment = posting.attachments.get()
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "通知.pdf",
        "application/pdf",
        len(PDF),
    )

    change = reverse("admin:notices_posting_change", args=[posting.pk])
    html = chair_client.get(change).content.decode()
    assert "按设定时间发布" in html and "立即发布" in html
    assert reverse("admin:notices_posting_withdraw", args=[posting.pk]) not in html

    release = reverse("admin:notices_posting_release", args=[posting.pk])
    assert "确认发布" in chair_client.get(release).content.decode()
    response = chair_client.post(release, follow=True)
    posting.refresh_from_db()
    assert posting.is_released and posting.released_by.username
    assert any("已发布" in m for m in _messages(response))
    assert LedgerEntry.objects.filter(posting=posting).count() == 1
    assert verify_chain(community).ok


def test_bad_draft_input_gets_chinese_messages_and_writes_nothing(chair_client, community):
    add = reverse("admin:notices_posting_add")
    bad_window = _draft_data(community)
    for k, v in _local(timezone.now()).items():  # before the publish time (in an hour)
        bad_window[f"expire_at_{k}"] = v
    response = chair_client.post(add, bad_window)
    assert response.status_code == 200
    assert "公开结束时间必须晚于公开开始时间" in response.content.decode()

    script = _draft_data(community, body='<p onclick="steal()">hi</p><script>alert(1)</script>')
    html = chair_client.post(add, script).content.decode()
    assert "正文包含脚本等不安全内容" in html

    fake = _draft_data(community)
    fake.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-file": SimpleUploadedFile(
                "名单.pdf", b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf"
            ),
        }
    )
    html = chair_client.post(add, fake).content.decode()
    assert "不是PDF或图片" in html
    assert not Posting.objects.exists() and not Attachment.objects.exists()


def test_released_posting_is_read_only_and_cannot_be_deleted(chair_client, community, chair):
    posting = f.released_posting(community=community, title="原标题", actor=chair)
    change = reverse("admin:notices_posting_change", args=[posting.pk])
    html = chair_client.get(change).content.decode()
    assert 'name="title"' not in html  # shown, not editable
    assert LedgerEntry.objects.get(posting=posting).entry_hash[:16] in html  # its record in the chain
    assert reverse("admin:notices_posting_new_version", args=[posting.pk]) in html
    assert reverse("admin:notices_posting_withdraw", args=[posting.pk]) in html
    chair_client.post(
        change, {"title": "篡改", "objections-TOTAL_FORMS": "0", "objections-INITIAL_FORMS": "0"}
    )
    posting.refresh_from_db()
    assert posting.title == "原标题"
    delete = reverse("admin:notices_posting_delete", args=[posting.pk])
    assert chair_client.post(delete, {"post": "yes"}).status_code == 403
    assert Posting.objects.filter(pk=posting.pk).exists()


def test_withdraw_with_a_reason(chair_client, community, chair):
    posting = f.released_posting(community=community, actor=chair)
    url = reverse("admin:notices_posting_withdraw", args=[posting.pk])
    assert "撤回原因" in chair_client.get(url).content.decode()
    html = chair_client.post(url, {"confirm": "1", "reason": ""}).content.decode()
    assert "这个字段是必填项" in html
    posting.refresh_from_db()
    assert posting.withdrawn_at is None
    response = chair_client.post(url, {"confirm": "1", "reason": "发布重复"}, follow=True)
    posting.refresh_from_db()
    assert posting.withdrawal_reason == "发布重复" and posting.withdrawn_at is not None
    assert any("已撤回1项" in m for m in _messages(response))
    # No longer offered.
    assert chair_client.get(url).status_code == 403


def test_withdraw_action_from_the_list(chair_client, community, chair):
    a = f.released_posting(community=community, actor=chair)
    b = f.released_posting(community=community, actor=chair)
    changelist = reverse("admin:notices_posting_changelist")
    data = {"action": "withdraw_selected", "_selected_action": [a.pk, b.pk]}
    assert "撤回原因" in chair_client.post(changelist, data).content.decode()
    chair_client.post(changelist, {**data, "confirm": "1", "reason": "内容合并到新通知"})
    assert Posting.objects.filter(withdrawal_reason="内容合并到新通知").count() == 2


def test_new_version_form(chair_client, community, chair):
    posting = f.released_posting(community=community, title="名单公示", body="张三", actor=chair)
    url = reverse("admin:notices_posting_new_version", args=[posting.pk])
    html = chair_client.get(url).content.decode()
    assert "名单公示" in html and "更正说明" in html
    data = {
        "category": "notice",
        "title": "名单公示（更正）",
        "body": "张珊",
        "working_days": "",
        "expire_at_0": "",
        "expire_at_1": "",
        "objections_open": "",
        "correction_note": "",
    }
    assert "这个字段是必填项" in chair_client.post(url, data).content.decode()
    response = chair_client.post(url, {**data, "correction_note": "更正姓名错字"})
    new = Posting.objects.get(supersedes=posting)
    assert response.status_code == 302 and response.url.endswith(f"/{new.pk}/change/")
    posting.refresh_from_db()
    assert (new.version, new.title, new.correction_note) == (2, "名单公示（更正）", "更正姓名错字")
    assert posting.replaced_at == new.publish_at
    assert chair_client.get(url).status_code == 403  # the old version cannot be corrected twice


def test_answer_objection_inline(chair_client, community, chair):
    posting = f.released_posting(community=community, objections_open=True, actor=chair)
    objection = services.objection_file(posting, name="李雷", phone="13812345678", body="名单漏了我家")
    change = reverse("admin:notices_posting_change", args=[posting.pk])
    html = chair_client.get(change).content.decode()
    assert "李雷" in html and "名单漏了我家" in html
    base = {
        "objections-TOTAL_FORMS": "1",
        "objections-INITIAL_FORMS": "1",
        "objections-0-id": objection.pk,
        "objections-0-posting": posting.pk,
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    html = chair_client.post(
        change, {**base, "objections-0-answer": "已核实", "objections-0-upheld": ""}
    ).content.decode()
    assert "请选择异议是否成立" in html
    objection.refresh_from_db()
    assert objection.status == Objection.Status.PENDING
    response = chair_client.post(
        change, {**base, "objections-0-answer": "已核实并补录", "objections-0-upheld": "1"}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.upheld, objection.answered_by) == ("answered", True, chair)


def test_ledger_and_window_events_are_read_only(chair_client, community, chair):
    posting = f.released_posting(community=community, actor=chair)
    entry = LedgerEntry.objects.get()
    WindowEvent.objects.create(
        posting=posting, kind="opened", boundary_at=posting.publish_at, recorded_at=posting.publish_at
    )
    for name, obj in (("ledgerentry", entry), ("windowevent", WindowEvent.objects.get())):
        assert chair_client.get(reverse(f"admin:notices_{name}_changelist")).status_code == 200
        assert chair_client.get(reverse(f"admin:notices_{name}_add")).status_code == 403
        html = chair_client.get(reverse(f"admin:notices_{name}_change", args=[obj.pk])).content.decode()
        assert 'name="_save"' not in html and 'name="_continue"' not in html
        assert (
            chair_client.post(
                reverse(f"admin:notices_{name}_delete", args=[obj.pk]), {"post": "yes"}
            ).status_code
            == 403
        )
    response = chair_client.get(reverse("admin:notices_ledgerentry_verify"), follow=True)
    assert any("登记簿完好" in m for m in _messages(response))


def test_another_communitys_posting_is_out_of_reach(chair_client):
    other = f.released_posting(community=f.CommunityFactory(name="别的社区"))
    for name in ("change", "withdraw", "new_version", "history"):
        assert chair_client.get(reverse(f"admin:notices_posting_{name}", args=[other.pk])).status_code in (
            302,
            404,
        )
    html = chair_client.get(reverse("admin:notices_posting_changelist")).content.decode()
    assert other.title not in html


def test_street_office_user_sees_no_actions(client, community):
    f.released_posting(community=community)
    user = f.staff_user(street_office=community.street_office, role="街道")
    client.force_login(user)
    html = client.get(reverse("admin:notices_posting_changelist")).content.decode()
    assert "withdraw_selected" not in html and "release_selected" not in html
    posting = Posting.objects.get()
    assert client.get(reverse("admin:notices_posting_withdraw", args=[posting.pk])).status_code == 403


def test_changelist_query_count_does_not_grow(chair_client, community, chair, django_assert_max_num_queries):
    for _ in range(3):
        f.released_posting(community=community, actor=chair)
    url = reverse("admin:notices_posting_changelist")
    chair_client.get(url)
    with django_assert_max_num_queries(20) as small:
        chair_client.get(url)
    for _ in range(20):
        f.released_posting(community=community, actor=chair)
    with django_assert_max_num_queries(len(small.captured_queries)):
        chair_client.get(url)
