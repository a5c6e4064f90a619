"""Rich text of postings: what survives into the stored body.

Bodies come from staff (the admin's text area, pasted from word processors) and from other apps
(plain text built by services). Both are stored as sanitized HTML, so the board can print them
as-is and the ledger hashes exactly what residents see.

- Script (``<script>``, ``on*=`` handlers, ``javascript:`` links, frames, objects) is *refused* with a
  Chinese message by :func:`dangerous_parts` and the services: silently dropping it would hide an
  attack, or a mistake, from the person publishing.
- Everything else outside the allowlist (``<span style=…>``, ``<div>``, ``<style>`` blocks from
  word processors, …) is removed quietly by :func:`sanitize_body`.
- Text without block tags (plain text, or text with only <strong>/<em>/<a>) keeps its line breaks: blank lines become paragraphs, single newlines
  ``<br>``.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "h3",
        "h4",
        "a",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
LINK_REL = "noopener"

_BLOCK_TAG = re.compile(r"<\s*/?\s*(p|br|div|ul|ol|li|table|tr|h[1-6]|blockquote|pre)\b", re.I)
_SCRIPT_TAG = re.compile(r"<\s*/?\s*(script|iframe|frame|frameset|object|embed|applet|base|meta)\b", re.I)
_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
_JS_URL = re.compile(
    r"(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*(?:javascript|vbscript|data)\s*:", re.I
)
_PARAGRAPHS = re.compile(r"\n\s*\n")


def dangerous_parts(body: str) -> list[str]:
    """What in ``body`` is script or could run as script (empty list: nothing dangerous)."""
    found: list[str] = []
    text = body or ""
    for m in _SCRIPT_TAG.finditer(text):
        tag = f"<{m.group(1).lower()}>"
        if tag not in found:
            found.append(tag)
    if _HANDLER.search(text):
        found.append("on…=")
    if _JS_URL.search(text):
        found.append("javascript:")
    return found


def _plain_to_html(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = [p.strip() for p in _PARAGRAPHS.split(text) if p.strip()]
    # No escaping here: nh3 escapes stray ``<``/``&`` and keeps the allowed inline tags.
    return "".join("<p>" + "<br>".join(line.strip() for line in p.split("\n")) + "</p>" for p in paragraphs)


_ONLY_PARAGRAPHS = re.compile(r"^(?:<p>(?:(?!</?p>).)*</p>)+$", re.S)
_OTHER_TAG = re.compile(r"<(?!/?p>|br>)[^>]*>")


def body_for_editing(body: str) -> str:
    """What staff edit: plain text (blank line between paragraphs) when the stored body is only
    paragraphs and line breaks, which ``sanitize_body`` turns back into the same HTML; richer
    bodies (tables, lists, links) stay HTML."""
    body = (body or "").strip()
    if not body or not _ONLY_PARAGRAPHS.match(body) or _OTHER_TAG.search(body):
        return body
    paragraphs = re.findall(r"<p>(.*?)</p>", body, re.S)
    text = "\n\n".join(p.replace("<br>", "\n") for p in paragraphs)
    plain = html.unescape(text)
    return plain if sanitize_body(plain) == body else body


def sanitize_body(body: str) -> str:
    """The stored form of ``body``: allowlisted HTML only; plain text turned into paragraphs."""
    body = body or ""
    if not _BLOCK_TAG.search(body):
        body = _plain_to_html(body)
    cleaned = nh3.clean(
        body,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )
    return cleaned.strip()


# Tags after which a reader sees a new line or a new cell: their texts never run together.
_BREAK = re.compile(
    r"<\s*/?\s*(?:p|br|div|ul|ol|li|table|thead|tbody|tr|th|td|h[1-6]|blockquote|pre|hr)\b[^>]*>", re.I
)
_TAG = re.compile(r"<[^>]*>")
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)


def readable_text(body: str) -> str:
    """Everything a reader of the stored ``body`` can read or follow: its text (cells and lines
    kept apart, inline tags dropped so ``1760<b>123</b>5465`` reads as one number, entities
    decoded) and the targets of its links (``tel:…``)."""
    body = body or ""
    links = [html.unescape(next(g for g in m.groups() if g is not None)) for m in _HREF.finditer(body)]
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", body)))
    return "\n".join([text, *links])
