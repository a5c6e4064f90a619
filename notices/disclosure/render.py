"""Rendering of the monthly disclosure sheet (居务公开月报) with the ``core.pdf`` toolkit.

``render_disclosure_pdf(content, ...)`` turns the canonical content built by
``notices.disclosure.build_content`` into A4 PDF bytes. Everything printed comes from ``content``
(already scrubbed of personal data) plus the version and the posting date, so the content hash
describes the sheet exactly. The header, page numbers, the ledger hash at month end and a QR code to
the public verify page are in the ``@page`` margin boxes (``core/pdf/base.html``), so they are on
every page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from core import pdf
from core.pdf import group_hash

__all__ = ["group_hash", "render_context", "render_disclosure_pdf", "render_html", "verify_url"]

SHEET_CSS = Path("templates") / "notices" / "pdf" / "disclosure.css"

CN_NUMERALS = "一二三四五六七八九十"


def verify_url(slug: str, ledger_hash: str) -> str:
    base = f"{settings.PORTAL_SITE_URL.rstrip('/')}/c/{quote(slug)}/verify/"
    return f"{base}?{urlencode({'h': ledger_hash})}" if ledger_hash else base


def sheet_stylesheets() -> list:
    return [pdf.base_stylesheet(), pdf.stylesheet(SHEET_CSS)]


def _month_label(month_iso: str) -> str:
    year, month = month_iso.split("-")
    return f"{int(year)}年{int(month)}月"


def render_context(content: dict, *, version: int, generated_at: dt.datetime) -> dict:
    community = content["community"]
    ledger_hash = content.get("ledger_hash") or ""
    url = verify_url(community["slug"], ledger_hash)
    sections = [
        dict(s, numeral=CN_NUMERALS[i] if i < len(CN_NUMERALS) else str(i + 1))
        for i, s in enumerate(content["sections"])
    ]
    posted = timezone.localtime(generated_at).date()
    return {
        "content": content,
        "community": community,
        "month_label": _month_label(content["month"]),
        "sections": sections,
        "version": version,
        # Generated before the month ended: watermarked 草稿 on every page, never posted.
        "draft": bool(content.get("draft")),
        "drafted_at": timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"),
        "posted_on": f"{posted.year}年{posted.month}月{posted.day}日",
        "ledger_hash": ledger_hash,
        "ledger_hash_grouped": group_hash(ledger_hash),
        "verify_url": url,
        "verify_base_url": url.split("?")[0],
    }


def render_html(content: dict, *, version: int, generated_at: dt.datetime) -> str:
    ctx = render_context(content, version=version, generated_at=generated_at)
    with pdf.in_document_language():
        top_left = gettext("%(name)s · 居务公开月报 · %(month)s") % {
            "name": ctx["community"]["name"],
            "month": ctx["month_label"],
        }
        if ctx["draft"]:
            top_left += " · " + gettext("草稿，不作公开")
        ctx["issuer"] = gettext("%(name)s居民委员会") % {"name": ctx["community"]["name"]}
        ctx["docline_left"] = gettext("%(month_label)s居务公开") % {"month_label": ctx["month_label"]}
        ctx["docline_right"] = (
            gettext("草稿%(version)s") if ctx["draft"] else gettext("第%(version)s版")
        ) % {"version": version}
        verify_line = gettext("扫描右侧二维码或访问 %(url)s 核验") % {"url": ctx["verify_base_url"]}
        ctx.update(
            pdf.margin_boxes(
                top_left=top_left,
                footer_lines=[pdf.hash_footer_line(ledger_hash=ctx["ledger_hash"]), verify_line],
                qr_data=ctx["verify_url"],
            )
        )
        return render_to_string("notices/pdf/disclosure.html", ctx)


def render_disclosure_pdf(content: dict, *, version: int, generated_at: dt.datetime) -> tuple[bytes, int]:
    """PDF bytes and page count of the sheet."""
    html = render_html(content, version=version, generated_at=generated_at)
    return pdf.render_pdf(html, stylesheets=[pdf.stylesheet(SHEET_CSS)])
