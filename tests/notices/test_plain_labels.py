"""Staff read plain words in the admin, not the engineers' names for the ledger and its hashes.

A committee worker does not know what a "hash chain", "SHA-256" or "slug" is; the pages they open
every day (the public register, the start/end records, a posting's attachments, a community) say
what each thing is for instead, and file sizes read as KB/MB rather than a byte count.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from notices.models import Attachment, WindowEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

JARGON = [
    "公开期事件",
    "公开记录链",
    "内容哈希",
    "本条哈希",
    "前一条哈希",
    "SHA-256",
    "大小（字节）",
    "网址标识",
    "记录链头",
]


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _no_jargon(html: str) -> None:
    assert [word for word in JARGON if word in html] == []


def test_ledger_and_window_event_lists_use_plain_words(admin_client):
    posting = f.released_posting(title="关于加装电梯的公示")
    WindowEvent.objects.create(
        posting=posting, kind="opened", boundary_at=posting.publish_at, recorded_at=posting.publish_at
    )
    ledger = _page(admin_client, reverse("admin:notices_ledgerentry_changelist"))
    assert (
        "公开登记簿" in ledger
        and "防篡改" not in ledger
        and "本条登记码" in ledger
        and "核对登记簿是否被改动" in ledger
    )
    _no_jargon(ledger)
    entry = posting.ledger_entries.get()
    change = _page(admin_client, reverse("admin:notices_ledgerentry_change", args=[entry.pk]))
    assert "内容校验码" in change and "上一条的登记码" in change
    _no_jargon(change)
    events = _page(admin_client, reverse("admin:notices_windowevent_changelist"))
    assert "公开开始/结束记录" in events
    _no_jargon(events)


def test_attachment_shows_its_size_in_kb_and_a_file_check_code(admin_client):
    posting = f.PostingFactory()
    Attachment.objects.create(
        posting=posting,
        file=ContentFile(b"%PDF-1.4\n", name="notice.pdf"),
        name="通知.pdf",
        content_type="application/pdf",
        size=2560,
        sha256="a" * 64,
    )
    html = _page(admin_client, reverse("admin:notices_posting_change", args=[posting.pk]))
    assert "文件大小" in html and "2.5\xa0KB" in html and "文件校验码" in html
    assert "2560" not in html
    _no_jargon(html)


def test_community_page_explains_the_short_name_in_the_address(admin_client):
    community = f.CommunityFactory(name="幸福社区")
    html = _page(admin_client, reverse("admin:core_community_change", args=[community.pk]))
    assert "网址中的社区简称" in html and "/c/xingfu/" in html
    _no_jargon(html)
