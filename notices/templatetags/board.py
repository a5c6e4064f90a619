"""Template helpers of the public board."""

from __future__ import annotations

import re

import nh3
from django import template
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from committee import windows

register = template.Library()

# A window's end is written the same way everywhere (committee/windows.py).
register.filter("posted_until", windows.posted_until)
register.filter("objections_until", windows.objections_until)
register.filter("window_end", windows.window_end)
register.filter("window_start", windows.window_start)

_SPACE = re.compile(r"\s+")
# Bodies are sanitized when saved (notices.services); cleaning again on output costs microseconds
# and means no stored script can ever reach a visitor.
ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "h5", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a", "span", "hr",
}  # fmt: skip


@register.filter
def clean_html(value: str) -> str:
    return mark_safe(nh3.clean(value or "", tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow"))


@register.filter
def excerpt(value: str, length: int = 90) -> str:
    text = _SPACE.sub(" ", strip_tags(value or "")).strip()
    return Truncator(text).chars(int(length))


@register.filter
def hash_groups(value: str, size: int = 4) -> str:
    """``"3f9a2c1b…"`` -> ``"3f9a 2c1b …"``: easier to compare by eye, wraps on a phone, and never
    a run of digits long enough to look like a phone or ID number."""
    value = value or ""
    return " ".join(value[i : i + int(size)] for i in range(0, len(value), int(size)))


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with ``changes`` applied (None removes a key); page resets to 1."""
    params = context["request"].GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
