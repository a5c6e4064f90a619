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


def qr_svg(data: str, size_mm: float = QR_SIZE_MM) -> str:
    """A QR code as a compact SVG: one path, horizontal runs merged (crisp in print, tiny in PDF)."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()  # includes the border
    n = len(matrix)
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_mm}mm" height="{size_mm}mm" '
        f'viewBox="0 0 {n} {n}" shape-rendering="crispEdges">'
        f'<rect width="{n}" height="{n}" fill="#fff"/><path d="{"".join(parts)}" fill="#000"/></svg>'
    )


def data_uri_svg(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


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
    return {
        "content": content,
        "community": community,
        "month_label": _month_label(content["month"]),
        "sections": sections,
        "version": version,
        "posted_on": f"{posted.year}年{posted.month}月{posted.day}日",
        "ledger_hash": ledger_hash,
        "ledger_hash_grouped": group_hash(ledger_hash),
        "verify_url": url,
        "verify_base_url": url.split("?")[0],
        "qr_uri": data_uri_svg(qr_svg(url)),
    }


def render_html(content: dict, *, version: int, generated_at: dt.datetime) -> str:
    ctx = render_context(content, version=version, generated_at=generated_at)
    with translation.override(settings.LANGUAGE_CODE):
        # Margin-box strings are built here: CSS strings cannot hold template tags safely.
        ctx["css_top_left"] = css_string(
            gettext("%(name)s · 居务公开月报 · %(month)s")
            % {"name": ctx["community"]["name"], "month": ctx["month_label"]}
        )
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
