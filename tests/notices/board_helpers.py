"""Helpers for the public board tests: released postings written straight to the database."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from notices import cache as generations
from notices.models import Category, Objection, Posting

NOW = dt.datetime(2025, 3, 12, 9, 30, tzinfo=dt.UTC)


def posting(
    community,
    *,
    title="关于小区停车管理的通知",
    body="<p>请各位居民知悉。</p>",
    category=Category.NOTICE,
    publish_at=None,
    expire_at=None,
    days=7,
    **kwargs,
) -> Posting:
    publish_at = publish_at or NOW - dt.timedelta(days=1)
    if expire_at is None and days is not None:
        expire_at = publish_at + dt.timedelta(days=days)
    fields = {"state": Posting.State.RELEASED, "released_at": publish_at, **kwargs}
    p = Posting.objects.create(
        community=community,
        title=title,
        body=body,
        category=category,
        publish_at=publish_at,
        expire_at=expire_at,
        **fields,
    )
    generations.bump(community.pk)
    return p


def new_version(old: Posting, *, at: dt.datetime, title=None, body=None, note="更正错字") -> Posting:
    series = old.series or old
    old.replaced_at = at
    old.save(update_fields=["replaced_at"])
    p = Posting.objects.create(
        community=old.community,
        title=title or old.title,
        body=body or old.body,
        category=old.category,
        publish_at=at,
        expire_at=old.expire_at,
        state=Posting.State.RELEASED,
        released_at=at,
        series=series,
        version=old.version + 1,
        supersedes=old,
        correction_note=note,
        objections_open=old.objections_open,
    )
    if old.series_id is None:
        old.series = old
        old.save(update_fields=["series"])
    generations.bump(old.community_id)
    return p


def objection(p: Posting, *, name="王芳", phone="13912345678", answered=False) -> Objection:
    o = Objection.objects.create(
        posting=p, name=name, phone=phone, body="名单有误", filed_at=p.publish_at + dt.timedelta(hours=1)
    )
    if answered:
        o.status = Objection.Status.ANSWERED
        o.answer = "已核实更正"
        o.answered_at = o.filed_at + dt.timedelta(hours=2)
        o.save()
    generations.bump(p.community_id)
    return o


def aware(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=timezone.get_current_timezone())
