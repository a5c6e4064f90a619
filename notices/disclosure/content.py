"""The sheet's canonical content: the section registry, the month context, privacy scrubbing,
the content and its hash (what is hashed is exactly what is printed).

A provider returns either ``{"empty": "本月无数据"}`` or a table for the generic template
(``{"columns": [...], "rows": [[...], ...], "summary": [[label, value], ...], "note": "..."}``), or
data for its own ``template``. Everything a provider returns is printed publicly: it must hold
masked names only (``core.idnumbers.mask_name``) and never an ID number, phone number or
income detail. As a second line of defence every string is scrubbed of ID- and phone-shaped digit
runs before hashing (:func:`scrub`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from core.dates import month_bounds
from core.idnumbers import mask_id, mask_phone
from core.models import Community
from notices.disclosure.postings import month_postings

CONTENT_SCHEMA = 1

# --- Privacy ------------------------------------------------------------------------------------

# \d on purpose here: a scrubber should catch an ID number written in any digits.
_ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dA-Za-z])")
_PHONE_SPACED_RE = re.compile(r"(?<!\d)1[3-9]\d[- ]\d{4}[- ]\d{4}(?!\d)")
_LONG_DIGITS_RE = re.compile(r"\d{11,}")


def _mask_digits(run: str) -> str:
    if len(run) == 11 and run[0] == "1":
        return mask_phone(run)
    return "*" * (len(run) - 4) + run[-4:]


def scrub(text: str) -> str:
    """Mask ID numbers, mobile numbers and any other run of 11+ digits (bank cards, ...)."""
    if not text:
        return text
    text = _ID_RE.sub(lambda m: mask_id(m.group(0)), text)
    text = _PHONE_SPACED_RE.sub(lambda m: mask_phone(m.group(0)), text)
    return _LONG_DIGITS_RE.sub(lambda m: _mask_digits(m.group(0)), text)


def _scrub_tree(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrub_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_tree(v) for v in value]
    return value


# --- Section registry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # lazy translation; rendered in the default language
    provider: Callable[[MonthContext], dict]
    order: int
    template: str = "notices/pdf/section_table.html"


_SECTIONS: dict[str, Section] = {}


def register_section(
    key: str, title, provider: Callable[[MonthContext], dict], order: int, template: str | None = None
) -> Section:
    """Add a section to every monthly sheet, or replace the one registered under ``key``."""
    section = Section(key, title, provider, order, template or "notices/pdf/section_table.html")
    _SECTIONS[key] = section
    return section


def registered_sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


@dataclass
class MonthContext:
    """What a provider gets: the community, the month and its bounds, the generation instant.

    ``postings`` (the month's published postings with their data, loaded once in one query) is
    shared by the built-in sections.
    """

    community: Community
    month: dt.date
    start: dt.datetime
    end: dt.datetime
    at: dt.datetime
    extra: dict = field(default_factory=dict)

    @cached_property
    def postings(self) -> list[dict]:
        return month_postings(self)


# --- Content and generation ---------------------------------------------------------------------


def head_hash_at_month_end(community: Community, end: dt.datetime) -> str:
    from notices.ledger import head_hash

    # ``end`` is the first instant of the next month; an entry recorded exactly then belongs to it.
    return head_hash(community, at=end - dt.timedelta(microseconds=1)) or ""


def build_content(*, community: Community, month: dt.date, at: dt.datetime) -> dict:
    """The canonical content of the sheet (what is hashed and what is printed)."""
    start, end = month_bounds(month)
    ctx = MonthContext(community=community, month=month, start=start, end=end, at=at)
    with translation.override(settings.LANGUAGE_CODE):
        sections = []
        for section in registered_sections():
            data = section.provider(ctx) or {"empty": gettext("本月无数据")}
            sections.append(
                {"key": section.key, "title": str(section.title), "template": section.template, "data": data}
            )
        content = {
            "schema": CONTENT_SCHEMA,
            "community": {
                "name": community.name,
                "slug": community.slug,
                "phone": community.phone,
                "address": community.address,
            },
            "month": f"{month:%Y-%m}",
            "ledger_hash": head_hash_at_month_end(community, end),
            "sections": sections,
        }
        if at < end:
            # Generated while the month runs: a draft, never the same content as the final sheet
            # (only drafts carry the key, so final sheets hash as they always did).
            content["draft"] = True
    # What the sections print is scrubbed; the committee's own phone is public and the ledger hash is
    # hex (its digit runs are not personal data; the sheet prints it in groups of 8).
    content["sections"] = _scrub_tree(content["sections"])
    return content


def content_hash(content: dict) -> str:
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
