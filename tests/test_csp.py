"""Content-Security-Policy on every page (portal/csp.py): public pages, cached copies, the admin.

Public pages run no inline script and no inline event handler (the policy forbids them); admin
templates we own run inline script only with the request's nonce. The browser side (nothing blocked
on a real page, the admin's scripts still working) is tests/notices/test_e2e_phone.py.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from notices.models import MonthlyDisclosure
from tests.factories import CommunityFactory, staff_user
from tests.notices.board_helpers import NOW, posting

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
HEADER = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    policy = response[HEADER]
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def assert_strict(response) -> None:
    d = directives(response)
    assert d["default-src"] == ["'self'"]
    assert d["script-src"] == ["'self'"]  # no nonce, no 'unsafe-inline'
    assert d["style-src"] == ["'self'"]
    assert "style-src-attr" not in d
    assert (
        d["object-src"] == ["'none'"] and d["frame-ancestors"] == ["'none'"] and d["base-uri"] == ["'none'"]
    )


@pytest.fixture
def community():
    return CommunityFactory(slug="xingfu")


def test_every_public_page_has_the_strict_policy(client, community):
    with time_machine.travel(NOW, tick=False):
        p = posting(community, objections_open=True)
        slug = {"slug": community.slug}
        urls = [
            reverse("notices:board", kwargs=slug),
            reverse("notices:posting", kwargs={**slug, "pk": p.pk}),
            reverse("notices:archive", kwargs=slug),
            reverse("notices:subscribe", kwargs=slug),
            reverse("notices:verify", kwargs=slug),
            reverse("notices:disclosure", kwargs=slug),
            reverse("notices:objection_lookup", kwargs=slug),
            reverse("notices:feed", kwargs=slug),
            "/no/such/page/",
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code in (200, 404), url
            assert_strict(response)


def test_a_board_page_served_from_the_cache_carries_the_policy(client, community):
    """Cached pages are answered by a middleware early in the stack; the policy is added above it."""
    from notices import pagecache

    with time_machine.travel(NOW, tick=False):
        posting(community)
        url = reverse("notices:board", kwargs={"slug": community.slug})
        client.get(url)  # renders and stores the page
        hit = client.get(url)
    assert pagecache._community_ids.get(community.slug) == community.pk  # the middleware could answer it
    assert_strict(hit)


def test_admin_pages_have_a_policy_allowing_only_style_attributes(client, community):
    client.force_login(staff_user(communities=[community], role="主任"))
    for url in (
        reverse("admin:index"),
        reverse("admin:notices_posting_add"),
        reverse("admin:notices_posting_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        d = directives(response)
        assert d["script-src"] == ["'self'"] and d["style-src"] == ["'self'"]
        assert d["style-src-attr"] == ["'unsafe-inline'"]
        html = response.content.decode()
        assert 'src="/static/js/portal.js"' in html  # the language switch's script, from a file
        assert "onchange=" not in html


def test_the_login_page_has_the_strict_policy(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert_strict(response)
    assert "<style" not in response.content.decode()


def test_an_inline_admin_script_gets_the_nonce_in_the_header(client, community, rf):
    """django-celery-beat's periodic task form keeps its inline script, with the request's nonce."""
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin_user)
    response = client.get(reverse("admin:django_celery_beat_periodictask_add"))
    assert response.status_code == 200
    nonce = re.search(r'<script id="periodic-task-overrides" nonce="([^"]+)"', response.content.decode())
    assert nonce, "the inline script has no nonce"
    assert f"'nonce-{nonce.group(1)}'" in directives(response)["script-src"]


def test_pdf_responses_carry_no_policy(client, community):
    """A policy on a PDF can keep the browser's viewer from showing it; PDFs are not pages."""
    sheet = MonthlyDisclosure(
        community=community,
        month=dt.date(2025, 2, 1),
        version=1,
        content_hash="1" * 64,
        pages=1,
        generated_at=NOW,
    )
    sheet.pdf.save("s.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    response = client.get(
        reverse("notices:disclosure_pdf", kwargs={"slug": community.slug, "month": "2025-02"})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert HEADER not in response


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def templates(*parts: str) -> list[Path]:
    return sorted(p for part in parts for p in (ROOT / "templates" / part).rglob("*.html"))


def test_no_inline_script_or_handler_in_our_templates():
    """Public templates: no inline script, handler, style attribute or style element. Admin and login
    templates: no handler, and inline script only with the nonce. (The PDF's templates are
    WeasyPrint's, never served to a browser.)"""
    public = [p for p in templates("notices") if "pdf" not in p.parts] + [
        ROOT / "templates" / "base.html",
        ROOT / "templates" / "404.html",
    ]
    staff = templates("admin", "account", "allauth")
    assert len(public) > 10 and len(staff) > 5
    for path in public:
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTR, STYLE_ELEMENT):
            assert not pattern.search(text), f"{path.relative_to(ROOT)}: {pattern.search(text).group(0)}"
    for path in staff:
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ELEMENT):
            assert not pattern.search(text), f"{path.relative_to(ROOT)}: {pattern.search(text).group(0)}"
