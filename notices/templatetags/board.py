"""Template helpers of the public board."""

from __future__ import annotations

import nh3
from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from core import windows
from notices import bodytext, nav

register = template.Library()

# A window's end is written the same way everywhere (core/windows.py).
register.filter("posted_until", windows.posted_until)
register.filter("objections_until", windows.objections_until)
register.filter("window_end", windows.window_end)
register.filter("window_start", windows.window_start)

# Bodies are sanitized when saved (notices.services); cleaning again on output costs microseconds
# and means no stored script can ever reach a visitor.
ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "h5", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a", "span", "hr",
}  # fmt: skip


@register.filter
def clean_html(value: str) -> str:
    cleaned = nh3.clean(value or "", tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")
    return mark_safe(bodytext.display_html(cleaned))


@register.filter
def excerpt(value: str, length: int = 90) -> str:
    return bodytext.excerpt(value, int(length))


@register.filter
def datetime_attr(value) -> str:
    """A valid HTML ``datetime`` attribute: local time to the second, with its offset."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.filter
def numeric_cells(value: str) -> str:
    """Already-sanitized body HTML (the monthly sheet's) with its numeric table cells marked."""
    return mark_safe(bodytext.mark_numeric_cells(value or ""))


@register.filter
def numeric(value) -> bool:
    """True for a table cell holding a number (right-aligned, never broken)."""
    return bodytext.is_numeric(value)


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


@register.simple_tag
def community_tabs(slug: str, section: str = "") -> list[dict]:
    """The public tab bar of a community: the board's tabs and those the apps registered."""
    return nav.tabs(slug, section)
