"""Uploaded files go only to staff who may see their record (core/files.py).

Before: media was a public folder under DEBUG (``make run``: a hardship household's home-visit photo
opened for anyone with its address) and not served at all in production (the admin's links to
vouchers and signed tally sheets were dead).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from affairs.models.finance import FinanceEntry
from affairs.services import finance
from assistance.models import CaseView, VisitPhoto
from core import files
from tests import factories as f
from tests.assistance.world import PNG, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def voucher():
    community = f.CommunityFactory()
    chair = f.staff_user(communities=[community], role="主任")
    entry = FinanceEntry(
        community=community,
        occurred_on=dt.date(2026, 10, 3),
        kind="income",
        category="grant",
        item="上级拨付社区工作经费",
        amount="500.00",
        approver=chair,
        voucher=SimpleUploadedFile("拨款通知.pdf", b"%PDF-1.4 voucher", content_type="application/pdf"),
    )
    finance.entry_save(entry=entry, actor=chair)
    return entry, chair


def test_the_file_url_is_the_guarded_view_and_no_media_folder_is_served(client, voucher):
    entry, _chair = voucher
    assert entry.voucher.url.startswith("/files/finance/vouchers/")
    assert client.get(f"/media/{entry.voucher.name}").status_code == 404


def test_staff_of_the_community_open_a_voucher_others_do_not(client, voucher):
    entry, chair = voucher
    url = entry.voucher.url
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("admin:login"))
    client.force_login(chair)
    ok = client.get(url)
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == b"%PDF-1.4 voucher"
    assert ok["Content-Type"] == "application/pdf"
    assert ok["Cache-Control"] == "private, no-store" and ok["Content-Security-Policy"] == "sandbox"
    neighbour = f.staff_user(communities=[f.CommunityFactory()], role="主任")
    client.force_login(neighbour)
    refused = client.get(url)
    page = refused.content.decode()
    assert refused.status_code == 403 and "您无权查看这份文件" in page
    assert 'id="site-name"' in page  # inside the admin's frame, where the link was followed


def test_an_unknown_or_unregistered_file_is_a_chinese_404(client, voucher):
    _entry, chair = voucher
    client.force_login(chair)
    missing = client.get(reverse("protected_file", kwargs={"name": "finance/vouchers/2026/10/nothing.pdf"}))
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    outside = client.get("/files/../../etc/passwd")
    assert outside.status_code == 404


def test_a_visit_photo_goes_to_who_may_read_the_case_and_each_opening_is_logged(client):
    world = build()
    case = world.apply()
    world.visit(case)
    photo = VisitPhoto.objects.get(visit__case=case)
    url = photo.image.url
    client.force_login(world.officer)  # the case's officer
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert CaseView.objects.filter(case=case, user=world.officer).exists()
    client.force_login(world.colleague)  # another case officer of the same community: not their case
    assert client.get(url).status_code == 403
    assert not CaseView.objects.filter(case=case, user=world.colleague).exists()


def test_every_file_field_of_the_portal_is_guarded():
    """A new upload field must be registered, or its files have no way out (and no way around)."""
    from django.apps import apps
    from django.db.models import FileField

    fields = {
        (m, fld.name)
        for m in apps.get_models()
        if not m._meta.label.startswith("historical") and "Historical" not in m.__name__
        for fld in m._meta.get_fields()
        if isinstance(fld, FileField)
    }
    assert fields and fields <= set(files.protected_fields())


# --- What is uploaded is judged by its content, not by the name it arrived with -------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("家中.png", b"<html><script>alert(1)</script></html>", "不是PDF或图片"),
        ("家中.png", b"%PDF-1.4\n%%EOF\n", "与扩展名"),
        ("家中.pdf", b"%PDF-1.4\n%%EOF\n", "入户调查请上传照片"),
    ],
)
def test_a_visit_photo_that_is_not_a_photo_is_refused_and_nothing_is_written(name, content, message):
    from assistance.models import Visit
    from core.errors import RuleViolation

    world = build()
    case = world.apply()
    with pytest.raises(RuleViolation, match=message):
        _visit(world, case, name, content)
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


def _visit(world, case, name, content):
    from assistance import services

    return services.case_visit(
        case=case,
        visitors=[world.officer, world.colleague],
        photos=[SimpleUploadedFile(name, content)],
        findings="家中陈设简陋。",
        actor=world.officer,
    )


def test_a_voucher_renamed_pdf_is_a_form_message_and_the_typed_entry_stays(client, voucher):
    _entry, chair = voucher
    client.force_login(chair)
    data = {"community": _entry.community_id, "occurred_on": "2026-10-05", "kind": "expense",
            "category": "office", "item": "打印纸", "amount": "120.50", "approver": chair.pk}  # fmt: skip
    fake = SimpleUploadedFile("发票.pdf", b"#!/bin/sh\necho pwned\n", content_type="application/pdf")
    r = client.post(reverse("admin:affairs_financeentry_add"), {**data, "voucher": fake})
    page = r.content.decode()
    assert r.status_code == 200 and "不是PDF或图片" in page and 'value="打印纸"' in page
    assert FinanceEntry.objects.count() == 1  # only the fixture's


def test_implementation_evidence_is_judged_by_content():
    from affairs.models.implementation import TaskUpdate
    from affairs.services import implementation
    from core.errors import RuleViolation
    from tests.affairs.meetings.builders import build_tasks

    (task,) = build_tasks(f.CommunityFactory())
    with pytest.raises(RuleViolation, match="不是PDF或图片"):
        implementation.task_update(
            task=task,
            progress=50,
            note="已招标。",
            evidence=SimpleUploadedFile("验收.jpg", b"not a photo"),
            actor=None,
        )
    assert not TaskUpdate.objects.exists()
    update = implementation.task_update(
        task=task, progress=50, note="已招标。", evidence=SimpleUploadedFile("验收.png", PNG), actor=None
    )
    assert update.evidence.url.startswith("/files/affairs/evidence/")
