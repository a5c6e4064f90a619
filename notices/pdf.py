"""Rendering of the monthly disclosure sheet (居务公开月报) with WeasyPrint.

``render_disclosure_pdf(content, ...)`` turns the canonical content built by
``notices.disclosure.build_content`` into A4 PDF bytes. Everything printed comes from ``content``
(already scrubbed of personal data) plus the version and the posting date, so the content hash
describes the sheet exactly. The header, page numbers, the ledger hash at month end and a QR code to
the public verify page are in the ``@page`` margin boxes, so they are on every page.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, urlencode

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

CSS_PATH = Path(settings.BASE_DIR) / "templates" / "notices" / "pdf" / "disclosure.css"
QR_SIZE_MM = 19

CN_NUMERALS = "一二三四五六七八九十"


def verify_url(slug: str, ledger_hash: str) -> str:
    base = f"{settings.PORTAL_SITE_URL.rstrip('/')}/c/{quote(slug)}/verify/"
    return f"{base}?{urlencode({'h': ledger_hash})}" if ledger_hash else base


def qr_png(data: str, size_mm: float = QR_SIZE_MM) -> tuple[str, float]:
    """A QR code as a PNG data URI and the resolution (dpi) that prints it ``size_mm`` wide.

    A raster image is decoded once and embedded once, however many pages show it; the same code as
    SVG is re-parsed and re-drawn on every page (measured: ~13 ms a page and a PDF 10x larger).
    """
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2, box_size=8)
    qr.add_data(data)
    qr.make(fit=True)
    image = qr.make_image()
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    pixels = image.pixel_size
    dpi = pixels * 25.4 / size_mm
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(), round(dpi, 1)


def group_hash(value: str, size: int = 8) -> str:
    """``"ab12..."`` -> ``"ab12cd34 ef56..."``: easier to compare by eye, and never a long digit run."""
    return " ".join(value[i : i + size] for i in range(0, len(value), size))


def css_string(value: str) -> str:
    """Quote ``value`` for a CSS string (margin-box ``content``)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return f'"{escaped}"'


@lru_cache(maxsize=1)
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=str(CSS_PATH))


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
    qr_uri, qr_dpi = qr_png(url)
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
        "qr_uri": qr_uri,
        "qr_dpi": qr_dpi,
    }


def render_html(content: dict, *, version: int, generated_at: dt.datetime) -> str:
    ctx = render_context(content, version=version, generated_at=generated_at)
    with translation.override(settings.LANGUAGE_CODE):
        # Margin-box strings are built here: CSS strings cannot hold template tags safely.
        top_left = gettext("%(name)s · 居务公开月报 · %(month)s") % {
            "name": ctx["community"]["name"],
            "month": ctx["month_label"],
        }
        if ctx["draft"]:
            top_left += " · " + gettext("草稿，不作公开")
        ctx["css_top_left"] = css_string(top_left)
        # "第 %(page)s 页 共 %(pages)s 页" -> "第 " counter(page) " 页 共 " counter(pages) " 页"
        pages = css_string(gettext("第 %(page)s 页 共 %(pages)s 页") % {"page": "\0P", "pages": "\0T"})
        pages = pages.replace("\0P", '" counter(page) "').replace("\0T", '" counter(pages) "')
        ctx["css_footer"] = (
            pages
            + " "
            + css_string(
                "\n"
                + gettext("月末记录链哈希：")
                + (ctx["ledger_hash_grouped"] or gettext("本月末尚无公开记录"))
                + "\n"
                + gettext("扫描右侧二维码或访问 %(url)s 核验") % {"url": ctx["verify_base_url"]}
            )
        )
        return render_to_string("notices/pdf/disclosure.html", ctx)


def render_disclosure_pdf(content: dict, *, version: int, generated_at: dt.datetime) -> tuple[bytes, int]:
    """PDF bytes and page count of the sheet."""
    from weasyprint import HTML

    html = render_html(content, version=version, generated_at=generated_at)
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(stylesheets=[_stylesheet()])
    return document.write_pdf(), len(document.pages)
