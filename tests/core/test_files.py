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
