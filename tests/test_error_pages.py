"""Refusals and crashes answer in Chinese, in the portal's look, not a bare "403 Forbidden".

A staff user on an admin page their role may not open gets the admin's frame with their role and
what to do; a resident gets the board's frame; a server error renders without touching the database.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.errors import ScopeDenied
from portal.views import permission_denied, server_error
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_supervisor_on_a_forbidden_admin_page_gets_the_chinese_page_in_the_admin(client):
    community = f.CommunityFactory(name="幸福社区")
    posting = f.released_posting(community=community)
    client.force_login(f.staff_user(communities=[community], role="监督委员"))
    response = client.get(reverse("admin:notices_posting_withdraw", args=[posting.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "403 Forbidden" not in html
    assert "<h1>无权访问</h1>" in html
    assert "居委公开平台 · 工作台" in html  # the admin's header, with its navigation
    assert "您的角色：监督委员" in html
    assert reverse("admin:index") in html


def test_the_scope_refusal_of_a_service_is_shown_as_its_reason(rf):
    request = rf.get("/admin/notices/posting/")
    request.user = f.staff_user(communities=[f.CommunityFactory()], role="主任")
    response = permission_denied(request, ScopeDenied("您无权管理该社区的记录。"))
    assert response.status_code == 403
    assert "您无权管理该社区的记录。" in response.content.decode()
    # A library's technical message is never shown.
    response = permission_denied(request, PermissionDenied("Forbidden user agent"))
    assert "Forbidden user agent" not in response.content.decode()
    assert "您不能打开此页面" in response.content.decode()


@pytest.mark.urls("tests.urls_errors")
def test_a_public_refusal_is_chinese_in_the_boards_look(client):
    response = client.get("/test-errors/403/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "403 Forbidden" not in html
    assert "<h1>无权访问</h1>" in html and 'class="band"' in html


def test_a_refused_form_post_csrf_gets_the_chinese_page():
    community = f.CommunityFactory(slug="xingfu")
    posting = f.released_posting(community=community, objections_open=True)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("notices:posting", args=[community.slug, posting.pk]),
        {"name": "王芳", "phone": "13912345678", "body": "名单有误"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "CSRF" not in html and "无权访问" in html and "刷新后再提交" in html
    assert not posting.objections.exists()


@pytest.mark.urls("tests.urls_errors")
def test_a_crash_answers_the_chinese_500_page(client):
    client.raise_request_exception = False
    response = client.get("/test-errors/500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Server Error" not in html
    assert "<h1>服务器出错</h1>" in html and 'class="band"' in html


def test_the_500_page_makes_no_database_query(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/c/xingfu/"))
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


def test_the_500_page_survives_a_broken_template(rf, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}]
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


def test_error_pages_follow_the_language(client):
    community = f.CommunityFactory()
    posting = f.released_posting(community=community)
    client.force_login(
        f.staff_user(communities=[community], role="街道", street_office=community.street_office)
    )
    client.cookies["django_language"] = "en"
    # The middleware activates English for this thread; restore Chinese for the tests after this one.
    with translation.override("zh-hans"):
        response = client.get(reverse("admin:notices_posting_withdraw", args=[posting.pk]))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
