"""居务公开月报: the monthly affairs-disclosure sheet (DOMAIN.md, "Public affairs disclosure").

The sheet of a community and month is built from *sections*. Each section is registered once with
:func:`register_section` and has a *provider*, a function of a :class:`MonthContext` that returns
plain, JSON-serialisable data (strings, numbers, lists, dicts). The data of every section, with the
community's name and the ledger hash at month end, form the sheet's *canonical content*; its SHA-256
is the version key. PDF bytes embed timestamps, so they are never hashed: regenerating identical
content returns the stored version, changed content adds version + 1.

Other apps fill in their part later by registering a provider under an existing key (which replaces
the built-in one) or a new key::

    from notices.disclosure import register_section
    register_section("opinions", _("居民意见办理情况"), opinions_provider, order=40)

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
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.dates import month_bounds
from core.errors import RuleViolation
from core.idnumbers import mask_id, mask_phone
from core.models import Community
from core.windows import window_end, window_last_day
from notices.bodytext import plain_text
from notices.models import Category, MonthlyDisclosure, Posting

log = logging.getLogger(__name__)

CONTENT_SCHEMA = 1
EXCERPT_MAX = 100  # a body this short (plain text) is printed in full under its title


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
        return _month_postings(self)


def _local_date(value: dt.datetime | None) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def _start_text(publish_at: dt.datetime, month: dt.date) -> str:
    day = timezone.localtime(publish_at).date()
    return formats.date_format(day, gettext("n月j日") if day.year == month.year else gettext("Y年n月j日"))


def _end_text(expire_at: dt.datetime | None, month: dt.date) -> str:
    """The window's end as everywhere else (core.windows), the year left to the sheet's month."""
    if expire_at is None:
        return ""
    return window_end(expire_at, year=window_last_day(expire_at)[0].year != month.year)


def _window_text(publish_at: dt.datetime, expire_at: dt.datetime | None, month: dt.date) -> str:
    """``12月2日 至 12月9日（含）`` (the year is implied by the sheet's month unless it differs)."""
    if expire_at is None:
        return gettext("%(start)s 起至撤回或替换") % {"start": _start_text(publish_at, month)}
    return gettext("%(start)s 至 %(end)s") % {
        "start": _start_text(publish_at, month),
        "end": _end_text(expire_at, month),
    }


def _window_lines(publish_at: dt.datetime, expire_at: dt.datetime | None, month: dt.date) -> list[str]:
    start = _start_text(publish_at, month)
    if expire_at is None:
        return [gettext("%(start)s 起") % {"start": start}, gettext("至撤回或替换")]
    return [gettext("%(start)s 至") % {"start": start}, _end_text(expire_at, month)]


def _plain_text(body: str) -> str:
    return plain_text(body)


_BODY_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "h3",
    "h4",
    "h5",
    "blockquote",
}
_BODY_ATTRS = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def _print_html(body: str) -> str:
    """The posting body as simple, safe HTML for print (no links, images, styles or scripts)."""
    return nh3.clean(body or "", tags=_BODY_TAGS, attributes=_BODY_ATTRS, link_rel=None).strip()


DETAILED_CATEGORIES = {Category.FINANCE, Category.RESOLUTION, Category.IMPLEMENTATION}
_NO_EXCERPT = DETAILED_CATEGORIES | {Category.HARDSHIP}
# Categories whose postings a section of their own lists (a replacement provider must keep them).
CATEGORY_SECTIONS = {
    Category.FINANCE: "finance",
    Category.RESOLUTION: "resolutions",
    Category.IMPLEMENTATION: "resolutions",
    Category.HARDSHIP: "hardship",
}


def _month_postings(ctx: MonthContext) -> list[dict]:
    """Every posting published in the month (released, ``publish_at`` in [start, min(end, at))).

    Withdrawal and objection counts are taken as of month end, so a past month's sheet is stable.
    """
    until = min(ctx.end, ctx.at)
    qs = (
        Posting.objects.filter(
            community=ctx.community,
            state=Posting.State.RELEASED,
            publish_at__gte=ctx.start,
            publish_at__lt=until,
        )
        .annotate(
            objections_filed=Count("objections", filter=Q(objections__filed_at__lt=ctx.end)),
            objections_answered=Count(
                "objections",
                filter=Q(objections__filed_at__lt=ctx.end, objections__answered_at__lt=ctx.end),
            ),
        )
        .only(
            "id",
            "series_id",
            "version",
            "category",
            "title",
            "body",
            "publish_at",
            "expire_at",
            "withdrawn_at",
            "withdrawal_reason",
            "replaced_at",
            "correction_note",
            "objections_open",
        )
        .order_by("publish_at", "id")
    )
    labels = dict(Category.choices)
    out = []
    for p in qs:
        text = _plain_text(p.body)
        has_table = "<table" in (p.body or "").lower()
        withdrawn = p.withdrawn_at is not None and p.withdrawn_at < ctx.end
        out.append(
            {
                "id": p.pk,
                "series": p.series_id or p.pk,
                "version": p.version,
                "category": p.category,
                "category_label": str(labels.get(p.category, p.category)),
                "title": p.title,
                "publish": _start_text(p.publish_at, ctx.month),
                "expire": _end_text(p.expire_at, ctx.month),
                "window": _window_text(p.publish_at, p.expire_at, ctx.month),
                # The narrow window column breaks between start and end, never inside a date.
                "window_lines": _window_lines(p.publish_at, p.expire_at, ctx.month),
                "detailed": p.category in DETAILED_CATEGORIES,
                "withdrawn": _local_date(p.withdrawn_at) if withdrawn else "",
                "withdrawal_reason": p.withdrawal_reason if withdrawn else "",
                "replaced": _local_date(p.replaced_at) if p.replaced_at and p.replaced_at < ctx.end else "",
                "correction_note": p.correction_note,
                # Hardship postings never print their body (names, incomes); finance and resolution
                # bodies are printed in full in their own sections.
                "excerpt": text
                if text and len(text) <= EXCERPT_MAX and not has_table and p.category not in _NO_EXCERPT
                else "",
                "long": bool(text)
                and (len(text) > EXCERPT_MAX or has_table)
                and p.category not in _NO_EXCERPT,
                "body_html": _print_html(p.body) if p.category in DETAILED_CATEGORIES else "",
                "objections": [p.objections_filed, p.objections_answered] if p.objections_open else None,
            }
        )
    return out


# --- Built-in sections --------------------------------------------------------------------------


def postings_by_category(ctx: MonthContext) -> dict:
    """一、本月公开事项: every posting published in the month, grouped by category.

    Categories printed in full by a section of their own (finance, resolutions, hardship) get a
    pointer to that section instead of a second list of the same postings.
    """
    groups = []
    for value, label in Category.choices:
        rows = [p for p in ctx.postings if p["category"] == value]
        if not rows:
            continue
        claimed = CATEGORY_SECTIONS.get(value)
        if claimed in _SECTIONS:
            groups.append(
                {
                    "category": value,
                    "label": str(label),
                    "count": len(rows),
                    "see": str(_SECTIONS[claimed].title),
                }
            )
        else:
            groups.append({"category": value, "label": str(label), "count": len(rows), "postings": rows})
    counts = [[g["label"], g["count"]] for g in groups]
    return {"groups": groups, "counts": counts, "total": len(ctx.postings)}


def _detailed(ctx: MonthContext, *categories: str) -> dict:
    rows = [p for p in ctx.postings if p["category"] in categories]
    if not rows:
        return {"empty": gettext("本月无数据")}
    return {"postings": rows}


def finance_section(ctx: MonthContext) -> dict:
    return _detailed(ctx, Category.FINANCE)


def resolutions_section(ctx: MonthContext) -> dict:
    return _detailed(ctx, Category.RESOLUTION, Category.IMPLEMENTATION)


def opinions_section(ctx: MonthContext) -> dict:
    """Opinions handled and the handling rate. The affairs app replaces this provider; until then
    there is no data source and the sheet says so."""
    return {"empty": gettext("本月无数据"), "note": gettext("居民意见办理记录尚未接入本平台。")}


def hardship_section(ctx: MonthContext) -> dict:
    """Hardship (低保) postings of the month: title and window only; bodies (names, incomes) never."""
    rows = [
        [p["title"], p["publish"], p["expire"] or gettext("至撤回或替换"), _objections_text(p["objections"])]
        for p in ctx.postings
        if p["category"] == Category.HARDSHIP
    ]
    if not rows:
        return {"empty": gettext("本月无数据")}
    return {
        "columns": [gettext("公示事项"), gettext("公开开始"), gettext("公开结束"), gettext("异议")],
        "rows": rows,
        "note": gettext(
            "依法保护个人信息：申请人姓名已作脱敏处理，不公开身份证号、电话及收入明细，详情请到居委会查询。"
        ),
    }


def _objections_text(value) -> str:
    if value is None:
        return gettext("不适用")
    filed, answered = value
    if not filed:
        return gettext("无")
    return gettext("%(filed)d件，已答复%(answered)d件") % {"filed": filed, "answered": answered}


register_section(
    "postings", _("本月公开事项一览"), postings_by_category, 10, "notices/pdf/section_postings.html"
)
register_section("finance", _("财务收支公开"), finance_section, 20, "notices/pdf/section_detailed.html")
register_section(
    "resolutions", _("决议事项及实施结果"), resolutions_section, 30, "notices/pdf/section_detailed.html"
)
register_section("opinions", _("居民意见办理情况"), opinions_section, 40)
register_section("hardship", _("低保等救助公示"), hardship_section, 50)


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


def disclosure_generate(
    *, community: Community, month: dt.date, actor=None, at: dt.datetime | None = None
) -> tuple[MonthlyDisclosure, bool]:
    """Generate (or find) the sheet of ``community`` for ``month``.

    Returns ``(disclosure, created)``. Identical content returns the stored version unchanged;
    changed content stores version + 1. Generated before the month ends (``at``), the sheet is a
    draft, numbered among the drafts and never public; after, it is final. The community row is
    locked for the duration, so two concurrent runs for one community serialise, and the unique
    (community, month, is_final, content_hash) constraint backs that up.
    """
    from notices.pdf import render_disclosure_pdf

    at = at or timezone.now()
    month = month.replace(day=1)
    if month > timezone.localtime(at).date():
        raise RuleViolation(_("%(month)s尚未开始，不能生成月报。"), params={"month": f"{month:%Y年%m月}"})
    with transaction.atomic():
        community = Community.objects.select_for_update(no_key=True).get(pk=community.pk)
        content = build_content(community=community, month=month, at=at)
        digest = content_hash(content)
        same_kind = MonthlyDisclosure.objects.filter(
            community=community, month=month, is_final=not content.get("draft", False)
        )
        existing = same_kind.filter(content_hash=digest).first()
        if existing is not None:
            return existing, False
        last = same_kind.order_by("-version").first()
        version = (last.version + 1) if last else 1
        pdf_bytes, pages = render_disclosure_pdf(content, version=version, generated_at=at)
        disclosure = MonthlyDisclosure(
            community=community,
            month=month,
            version=version,
            is_final=not content.get("draft", False),
            content_hash=digest,
            ledger_hash=content["ledger_hash"],
            pages=pages,
            generated_at=at,
            generated_by=actor,
        )
        disclosure.pdf.save(f"{month:%Y-%m}-v{version}.pdf", ContentFile(pdf_bytes), save=False)
        try:
            disclosure.full_clean()
            with transaction.atomic():
                disclosure.save()
        except (IntegrityError, ValidationError) as e:
            disclosure.pdf.delete(save=False)
            existing = same_kind.filter(content_hash=digest).first()
            if existing is not None:
                return existing, False
            raise RuleViolation(_("月报保存失败，请稍后重试。")) from e
        except Exception:
            disclosure.pdf.delete(save=False)
            raise
    log.info(
        "disclosure %s %s %s generated (%s)", community.slug, f"{month:%Y-%m}", disclosure.version_label, disclosure.pdf.name
    )
    return disclosure, True


def disclosure_filename(disclosure: MonthlyDisclosure) -> str:
    return f"{disclosure.community.name}-居务公开月报-{disclosure.month:%Y-%m}.pdf"


def disclosures_latest(*, community: Community) -> list[MonthlyDisclosure]:
    """The latest final version of every month of ``community`` (newest month first), one query.

    Drafts (generated before their month ended) are for staff only and never listed here.
    """
    rows = MonthlyDisclosure.objects.filter(community=community, is_final=True).order_by("-month", "-version")
    latest: dict[dt.date, MonthlyDisclosure] = {}
    for d in rows.defer("content_hash"):
        d.older = []
        if d.month in latest:
            latest[d.month].older.append(d)
        else:
            latest[d.month] = d
    return list(latest.values())
