"""The month's published postings as the rows every built-in section prints (one query)."""

from __future__ import annotations

import datetime as dt

import nh3
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext

from core.windows import window_end, window_last_day
from notices.bodytext import plain_text
from notices.models import Category, Posting, PostingSource

EXCERPT_MAX = 100  # a body this short (plain text) is printed in full under its title


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


def month_postings(ctx) -> list[dict]:
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
    # Whether a posting was generated from an app's records (it, or an earlier version of its
    # series, cites a source item): a section built from those records replaces it, while a
    # posting typed by hand is still printed as posted.
    cited = set()
    for posting_id, series_id in PostingSource.objects.filter(
        posting__community=ctx.community, posting__publish_at__lt=until
    ).values_list("posting_id", "posting__series_id"):
        cited.add(series_id or posting_id)
    for row in out:
        row["cited"] = row["series"] in cited
    return out


def handwritten(ctx, *categories: str) -> list[dict]:
    """The month's postings of ``categories`` typed by hand (citing no app record)."""
    return [p for p in ctx.postings if p["category"] in categories and not p["cited"]]
