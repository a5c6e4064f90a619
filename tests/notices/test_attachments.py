"""Attachments: PDF and PNG/JPEG/WebP only, judged by content; the extension must agree; size-limited;
hash and size recorded; drafts only; a new version keeps its predecessor's files."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.errors import RuleViolation
from notices import services
from notices.models import Attachment
from tests.factories import PostingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def image(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format=fmt)
    return buf.getvalue()


@pytest.fixture
def draft():
    return PostingFactory()


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("评议记录.pdf", PDF, "application/pdf"),
        ("现场.PNG", image("PNG"), "image/png"),
        ("现场.jpg", image("JPEG"), "image/jpeg"),
        ("现场.jpeg", image("JPEG"), "image/jpeg"),
        ("现场.webp", image("WEBP"), "image/webp"),
    ],
)
def test_pdf_and_images_are_accepted_with_hash_and_size(draft, name, content, mime):
    a = services.attachment_add(draft, file=SimpleUploadedFile(name, content), actor=None)
    assert (a.name, a.content_type, a.size) == (name, mime, len(content))
    assert a.sha256 == hashlib.sha256(content).hexdigest()
    with a.file.open("rb") as fh:
        assert fh.read() == content
    assert not a.file.name.endswith(name)  # stored under a random name, shown under the uploader's


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.pdf", b"#!/bin/sh\necho pwned\n", "不是PDF或图片"),
        ("名单.pdf", b"<html><script>alert(1)</script></html>", "不是PDF或图片"),
        ("照片.png", image("JPEG"), "内容是JPEG，与扩展名“.png”不符"),
        ("文件.jpg", PDF, "内容是PDF，与扩展名“.jpg”不符"),
        ("表格.xlsx", b"PK\x03\x04whatever", "只能上传PDF或图片"),
        ("脚本.html", b"<script>", "只能上传PDF或图片"),
        ("动图.gif", b"GIF89a\x01\x00\x01\x00", "只能上传PDF或图片"),
        ("空.pdf", b"", "不是PDF或图片"),
    ],
)
def test_wrong_content_is_refused_with_a_chinese_message(draft, name, content, message):
    with pytest.raises(RuleViolation, match=re.escape(message)) as e:
        services.attachment_add(draft, file=SimpleUploadedFile(name, content), actor=None)
    assert message in " ".join(e.value.messages)
    assert not Attachment.objects.exists()


def test_size_limit(draft, settings):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 1000
    exactly = PDF + b"0" * (1000 - len(PDF))
    services.attachment_add(draft, file=SimpleUploadedFile("刚好.pdf", exactly), actor=None)
    with pytest.raises(RuleViolation, match="太大"):
        services.attachment_add(draft, file=SimpleUploadedFile("太大.pdf", exactly + b"0"), actor=None)
    assert Attachment.objects.count() == 1


def test_size_limit_when_the_file_does_not_say_its_size(draft, settings):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 100
    stream = io.BytesIO(PDF + b"0" * 200)
    stream.name = "流.pdf"
    with pytest.raises(RuleViolation, match="太大"):
        services.attachment_add(draft, file=stream, actor=None)


def test_released_postings_take_no_attachments_and_keep_theirs(draft):
    a = services.attachment_add(draft, file=SimpleUploadedFile("原件.pdf", PDF), actor=None)
    posting = services.posting_release(draft, actor=None)
    with pytest.raises(RuleViolation, match="不能添加附件"):
        services.attachment_add(posting, file=SimpleUploadedFile("补充.pdf", PDF), actor=None)
    with pytest.raises(RuleViolation, match="不能删除"):
        a.delete()
    a.name = "改名.pdf"
    with pytest.raises(RuleViolation, match="不能修改"):
        a.save()
    new = services.posting_new_version(posting, actor=None, correction_note="更正标题", title="新标题")
    copied = new.attachments.get()
    assert (copied.name, copied.sha256, copied.file.name) == ("原件.pdf", a.sha256, a.file.name)
