"""PDF toolkit for the documents of every app (WeasyPrint): fonts, the base stylesheet, the
official header (红头), page N of M, the QR code and the ledger-hash footer.

A document is a template extending ``core/pdf/base.html`` plus, optionally, its own stylesheet that
follows ``templates/core/pdf/base.css``. The running header, the footer and the QR code sit in the
``@page`` margin boxes, so they are on every page. A minimal document::

    from core import pdf

    def render_roll(roll) -> tuple[bytes, int]:
        ctx = {
            "title": "选民名单",
            "issuer": f"{roll.community.name}居民委员会",
            **pdf.margin_boxes(
                top_left=f"{roll.community.name} · 选民名单",
                footer_lines=[pdf.hash_footer_line(ledger_hash=roll.ledger_hash)],
                qr_data=roll.verify_url,
            ),
        }
        html = render_to_string("elections/pdf/roll.html", ctx)  # {% extends "core/pdf/base.html" %}
        return pdf.render_pdf(html, stylesheets=[pdf.stylesheet("templates/elections/pdf/roll.css")])

Everything printed is public: pass masked names only (``core.idnumbers``).
"""

from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path

import qrcode
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

# The serif CJK face of the Debian fonts-noto-cjk package; margin boxes name it themselves.
FONT_FAMILY = '"Noto Serif CJK SC", serif'
MONO_FAMILY = '"DejaVu Sans Mono", monospace'
BASE_CSS = Path(settings.BASE_DIR) / "templates" / "core" / "pdf" / "base.css"
QR_SIZE_MM = 19


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


def page_n_of_m() -> str:
    """CSS ``content`` for "第 N 页 共 M 页" in the active language (counters filled by WeasyPrint)."""
    # CSS strings cannot hold counters: the translated sentence is cut around two placeholders.
    pages = css_string(gettext("第 %(page)s 页 共 %(pages)s 页") % {"page": "\0P", "pages": "\0T"})
    return pages.replace("\0P", '" counter(page) "').replace("\0T", '" counter(pages) "')


def hash_footer_line(*, ledger_hash: str) -> str:
    """The footer line that prints the ledger hash, grouped by 8, or says there is none yet."""
    return gettext("月末登记码：") + (group_hash(ledger_hash) or gettext("本月末尚无公开记录"))


def margin_boxes(*, top_left: str, footer_lines: list[str], qr_data: str) -> dict:
    """Context for ``core/pdf/base.html``: running header, page N of M + footer lines, QR code.

    Call it with the document's language active: the page counter sentence is translated here.
    """
    qr_uri, qr_dpi = qr_png(qr_data)
    footer = page_n_of_m() + " " + css_string("".join("\n" + line for line in footer_lines))
    return {"css_top_left": css_string(top_left), "css_footer": footer, "qr_uri": qr_uri, "qr_dpi": qr_dpi}


@lru_cache(maxsize=8)
def stylesheet(path: str | Path):
    """A parsed stylesheet (cached: parsing costs more than the small documents it styles)."""
    from weasyprint import CSS

    return CSS(filename=str(Path(settings.BASE_DIR) / path))


def base_stylesheet():
    return stylesheet(BASE_CSS)


def render_pdf(html: str, *, stylesheets=()) -> tuple[bytes, int]:
    """PDF bytes and page count of ``html``, styled by the base stylesheet then ``stylesheets``."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        stylesheets=[base_stylesheet(), *stylesheets]
    )
    return document.write_pdf(), len(document.pages)


def in_document_language():
    """The documents are printed in the site's language, whoever asked for them."""
    return translation.override(settings.LANGUAGE_CODE)
