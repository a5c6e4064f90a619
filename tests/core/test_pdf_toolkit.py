"""The PDF toolkit (core.pdf) makes a document of any app: red header, page N of M, QR code and the
ledger-hash footer on every page, without the monthly sheet's code."""

from __future__ import annotations

import io

from django.template import Context, Template
from PIL import Image
from pypdf import PdfReader

from core import pdf

ROLL = Template(
    '{% extends "core/pdf/base.html" %}{% block body %}<h1>选民名单</h1>'
    "{% for n in rows %}<p>第{{ n }}号 张*明</p>{% endfor %}{% endblock %}"
)


def _document(*, ledger_hash: str) -> tuple[bytes, int]:
    with pdf.in_document_language():
        ctx = {
            "title": "选民名单",
            "issuer": "幸福社区居民委员会",
            "docline_left": "2026年选举",
            "docline_right": "第1版",
            "rows": range(120),
            **pdf.margin_boxes(
                top_left="幸福社区 · 选民名单",
                footer_lines=[pdf.hash_footer_line(ledger_hash=ledger_hash)],
                qr_data="https://example.org/c/xingfu/verify/",
            ),
        }
        html = ROLL.render(Context(ctx))
    return pdf.render_pdf(html)


def test_a_minimal_document_gets_header_page_numbers_hash_and_qr_on_every_page():
    data, pages = _document(ledger_hash="ab12cd34" * 8)
    reader = PdfReader(io.BytesIO(data))
    assert pages == len(reader.pages) >= 2
    first = reader.pages[0].extract_text()
    assert "幸福社区居民委员会" in first and "2026年选举" in first and "第1版" in first
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"第 {number} 页 共 {pages} 页" in text
        assert "ab12cd34 ab12cd34" in text  # grouped by 8, never a long digit run
        images = list(page.images)
        assert len(images) == 1
        qr = Image.open(io.BytesIO(images[0].data))
        assert qr.size[0] == qr.size[1]  # the square QR code
    # The running header is on every page but the first (the red header stands there).
    assert "幸福社区 · 选民名单" not in first
    assert "幸福社区 · 选民名单" in reader.pages[1].extract_text()


def test_a_document_without_ledger_entries_says_so_in_the_footer():
    data, _pages = _document(ledger_hash="")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "月末登记码：本月末尚无公开记录" in text


def test_css_strings_are_quoted_for_margin_boxes():
    assert pdf.css_string('a"b\\c\nd<') == '"a\\"b\\\\c\\A d\\3C "'
    assert pdf.group_hash("0123456789abcdef01") == "01234567 89abcdef 01"
