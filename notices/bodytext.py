"""Posting bodies as text (excerpts, feed, sheet) and as display HTML (tables, numbers).

Bodies are stored sanitized (``notices.sanitize``); these helpers only shape them for output:

- :func:`plain_text` keeps the structure a reader needs: table cells are separated by ``·`` and
  rows by ``；``, so "黎*霞 | 5 | 700.00" never reads "黎*霞5700.00".
- :func:`display_html` marks numeric table cells (``class="num"``: right-aligned, never broken)
  and wraps each table in its own scroll box, so a wide table scrolls on a phone instead of
  squeezing its columns to one character.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext

CELL_SEPARATOR = " · "
ROW_SEPARATOR = "；"

# Elements whose end is a word boundary in text (the rest are inline: <strong>5</strong>元 stays "5元").
_BLOCK = frozenset(
    {"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "caption"}
)
_SKIP = frozenset({"script", "style", "template"})
_SPACE = re.compile(r"\s+")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.rows: list[str] = []  # finished rows of the current table
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0

    def _emit(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
        elif self.row is None and not self.rows:
            self.out.append(text)
        # Text between cells (stray whitespace of a table) is dropped.

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag == "tr":
            self._end_row()
            self.row = []
        elif tag in ("td", "th"):
            self._end_cell()
            self.cell = []
        elif tag == "table":
            self._end_table()
        elif tag in _BLOCK:
            self._emit(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK:
            self._emit(" ")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag == "tr":
            self._end_row()
        elif tag == "table":
            self._end_table()
        elif tag in _BLOCK:
            self._emit(" ")

    def handle_data(self, data):
        if not self.skip:
            self._emit(data)

    def _end_cell(self) -> None:
        if self.cell is None:
            return
        text = _SPACE.sub(" ", "".join(self.cell)).strip()
        self.cell = None
        if self.row is None:
            self.row = []
        if text:
            self.row.append(text)

    def _end_row(self) -> None:
        self._end_cell()
        if self.row is None:
            return
        cells, self.row = self.row, None
        if cells:
            self.rows.append(CELL_SEPARATOR.join(cells))

    def _end_table(self) -> None:
        self._end_row()
        if self.rows:
            # Each row ends with the row separator, the last one too: it parts the table from
            # the text after it (and is dropped at the very end).
            self.out.append(" " + "".join(row + ROW_SEPARATOR for row in self.rows))
            self.rows = []

    def close(self):
        super().close()
        self._end_table()


def plain_text(body: str) -> str:
    """The text of a posting body, one line, with table cells and rows kept apart."""
    if not body:
        return ""
    parser = _TextParser()
    parser.feed(body)
    parser.close()
    text = _SPACE.sub(" ", "".join(parser.out)).strip().replace(ROW_SEPARATOR + " ", ROW_SEPARATOR)
    return text.removesuffix(ROW_SEPARATOR).strip()


def excerpt(body: str, length: int) -> str:
    """The first ``length`` characters of :func:`plain_text`, with an ellipsis when cut."""
    return Truncator(plain_text(body)).chars(int(length))


# --- Numbers in tables ----------------------------------------------------------------------------

# An amount or count, optionally signed, with a currency sign, thousands separators, decimals, a
# unit, and a short label before it ("结余 49,799.50", "合计：5户", "-3.5%", "¥1,200", "700.00 元").
_NUMBER = r"[-+−]?\s*[¥￥$]?\s*[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNIT = r"(?:\s*(?:元|万元|亿元|角|分|%|％|‰|人|户|件|项|次|个|名|间|套|辆|平方米|㎡|m²|米|吨|千克|公斤|小时|天|月|年|岁))?"
_LABEL = r"(?:[\u4e00-\u9fff]{1,4}\s*[：:]?\s*)?"
NUMERIC_CELL = re.compile(rf"^{_LABEL}{_NUMBER}{_UNIT}$")
_CELL = re.compile(r"<(td|th)((?:\s[^>]*)?)>(.*?)</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_TABLE_OPEN = re.compile(r"<table\b", re.I)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.I)


def is_numeric(text: str) -> bool:
    """True when a table cell holds a number (an amount, a count), possibly with a unit or label."""
    text = _SPACE.sub(" ", str(text or "")).strip()
    return bool(text) and bool(NUMERIC_CELL.match(text))


def _mark_cell(m: re.Match) -> str:
    tag, attrs, inner = m.group(1), m.group(2) or "", m.group(3)
    if "<t" in inner.lower() or not is_numeric(_TAG.sub("", inner).replace("&nbsp;", " ")):
        return m.group(0)
    if re.search(r"\sclass\s*=", attrs, re.I):
        return m.group(0)
    return f'<{tag}{attrs} class="num">{inner}</{tag}>'


def mark_numeric_cells(html: str) -> str:
    """Add ``class="num"`` to each table cell that holds a number (HTML is already sanitized)."""
    if "<t" not in (html or ""):
        return html or ""
    return _CELL.sub(_mark_cell, html)


def display_html(html: str) -> str:
    """Sanitized body HTML for the board: numeric cells marked, each table in a scroll box.

    The scroll box is focusable and labelled so keyboard users can scroll it too.
    """
    html = mark_numeric_cells(html)
    if "<table" not in html.lower():
        return html
    label = escape(gettext("表格（可左右滑动）"))
    html = _TABLE_OPEN.sub(
        f'<div class="table-scroll" role="region" tabindex="0" aria-label="{label}"><table', html
    )
    return _TABLE_CLOSE.sub("</table></div>", html)
