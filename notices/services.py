"""Writes of the board (STYLE.md: keyword-only, atomic, domain errors with Chinese messages).

Other apps publish only through :func:`publish`; they never touch notice tables directly.

DOMAIN.md "Public affairs disclosure" / issue 4:
- a released posting is never edited in place or deleted: a correction is a new version that
  supersedes it (:func:`posting_new_version`), a withdrawal keeps it with its reason
  (:func:`posting_withdraw`);
- every release, new version and withdrawal appends a ledger entry (:mod:`notices.ledger`);
- visibility is computed at read time from the window; nothing here has to run at a boundary.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committee.errors import RuleViolation
from committee.models import Community, User
from committee.services import check_scope, integrity_message
from committee.workdays import add_working_days_detailed
from notices import cache, ledger
from notices.models import Category, Posting
from notices.sanitize import dangerous_parts, sanitize_body

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
# Fields a correction (new version) may change.
VERSION_FIELDS = {
    "category",
    "title",
    "body",
    "publish_at",
    "expire_at",
    "working_days",
    "pinned",
    "objections_open",
}
DRAFT_FIELDS = VERSION_FIELDS


# --- helpers ---------------------------------------------------------------------------------------


def working_days_end(publish_at: dt.datetime, working_days: int) -> tuple[dt.datetime, set[int]]:
    """End of the ``working_days``-th working day after ``publish_at``'s local (Asia/Shanghai) day.

    Returns the instant (local midnight after that day) and the years whose official holiday
    schedule is not loaded (Monday-Friday was assumed there; the user must be warned).
    """
    start = timezone.localtime(publish_at, LOCAL_TZ).date()
    result = add_working_days_detailed(start, working_days)
    end = dt.datetime.combine(result.date + dt.timedelta(days=1), dt.time(0), tzinfo=LOCAL_TZ)
    return end, set(result.unofficial_years)


def calendar_warning(years: set[int]) -> str | None:
    """The message the admin shows when the holiday calendar of some year is not loaded."""
    if not years:
        return None
    return _(
        "%(years)s年的法定节假日安排尚未载入，公开结束时间按周一至周五为工作日估算；"
        "请在“法定节假日”中录入当年安排后核对。"
    ) % {"years": "、".join(str(y) for y in sorted(years))}


def _clean_body(body: str) -> str:
    bad = dangerous_parts(body)
    if bad:
        raise RuleViolation(
            _("正文包含脚本等不安全内容（%(what)s），不能保存。请删除后重试。"),
            params={"what": "、".join(bad)},
        )
    return sanitize_body(body)


def _apply_window(posting: Posting) -> None:
    """Recompute ``expire_at`` from ``working_days`` and check the window (message in Chinese)."""
    posting.unofficial_years = set()
    if posting.working_days:
        posting.expire_at, posting.unofficial_years = working_days_end(
            posting.publish_at, posting.working_days
        )
    posting.calendar_warning = calendar_warning(posting.unofficial_years)
    if posting.expire_at is not None and posting.expire_at <= posting.publish_at:
        raise RuleViolation(
            _("公开结束时间（%(end)s）必须晚于公开开始时间（%(start)s）。"),
            params={
                "end": timezone.localtime(posting.expire_at, LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
                "start": timezone.localtime(posting.publish_at, LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
            },
        )


def _save(obj, *, actor: User | None, reason: str, validate: bool = True, exclude=None) -> None:
    if validate:
        try:
            obj.full_clean(exclude=exclude)
        except RuleViolation:
            raise
        except ValidationError as e:
            raise RuleViolation(e.message_dict if hasattr(e, "error_dict") else e.messages) from e
    obj._history_user = actor
    obj._change_reason = reason
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as e:
        raise RuleViolation(integrity_message(e)) from e


def _bump_on_commit(community_id: int) -> None:
    transaction.on_commit(lambda: cache.bump(community_id))


def _lock(posting: Posting) -> Posting:
    """Reload ``posting`` under a row lock (read-then-write, STYLE.md #12)."""
    return Posting.objects.select_for_update().select_related("community").get(pk=posting.pk)


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value, LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


# --- drafts ----------------------------------------------------------------------------------------


@transaction.atomic
def posting_create_draft(
    *,
    community: Community,
    category: str,
    title: str,
    body: str = "",
    publish_at: dt.datetime | None = None,
    expire_at: dt.datetime | None = None,
    working_days: int | None = None,
    pinned: bool = False,
    objections_open: bool = False,
    source=None,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> Posting:
    """A draft: editable until released. ``publish_at`` defaults to ``at`` (now)."""
    at = at or timezone.now()
    check_scope(actor, community.pk)
    if category not in Category.values:
        raise RuleViolation(_("未知的公开类别：%(c)s"), params={"c": category})
    posting = Posting(
        community=community,
        category=category,
        title=(title or "").strip(),
        body=_clean_body(body),
        publish_at=publish_at or at,
        expire_at=expire_at,
        working_days=working_days or None,
        pinned=pinned,
        objections_open=objections_open,
        created_by=actor,
    )
    if source is not None:
        posting.source_type = ContentType.objects.get_for_model(source)
        posting.source_id = source.pk
    _apply_window(posting)
    _save(posting, actor=actor, reason=_("创建草稿"))
    return posting


@transaction.atomic
def posting_update_draft(posting: Posting, *, actor: User | None, **changes) -> Posting:
    """Change a draft. Released postings are never edited: make a new version instead."""
    unknown = set(changes) - DRAFT_FIELDS
    if unknown:
        raise TypeError(f"posting_update_draft: cannot change {sorted(unknown)}")
    posting = _lock(posting)
    check_scope(actor, posting.community_id)
    if posting.is_released:
        raise RuleViolation(_("已发布的公开事项不能修改；如需更正，请发布新版本。"))
    for name, value in changes.items():
        if name == "body":
            value = _clean_body(value)
        elif name == "title":
            value = (value or "").strip()
        setattr(posting, name, value)
    _apply_window(posting)
    _save(posting, actor=actor, reason=_("修改草稿"))
    return posting


# --- release ---------------------------------------------------------------------------------------


@transaction.atomic
def posting_release(posting: Posting, *, actor: User | None, at: dt.datetime | None = None) -> Posting:
    """Release a draft for publication (schedule it; it is public from ``publish_at``).

    A draft whose ``publish_at`` has passed is public from the moment of release, never backdated:
    residents could not have seen it earlier. The returned posting carries ``calendar_warning``
    (None or a message) when working days were counted without the official holiday schedule.
    """
    at = at or timezone.now()
    posting = _lock(posting)
    check_scope(actor, posting.community_id)
    if posting.is_released:
        raise RuleViolation(_("该公开事项已发布，不能重复发布。"))
    if posting.publish_at < at:
        posting.publish_at = at
    posting.body = _clean_body(posting.body)
    _apply_window(posting)
    if not posting.title:
        raise RuleViolation(_("请填写标题。"))
    previous = None
    if posting.supersedes_id:
        previous = Posting.objects.select_for_update().get(pk=posting.supersedes_id)
        if not previous.is_released:
            raise RuleViolation(_("被更正的版本尚未发布。"))
        if previous.withdrawn_at is not None:
            raise RuleViolation(_("被更正的版本已撤回，不能再发布更正版本。"))
        if previous.replaced_at is not None:
            raise RuleViolation(_("被更正的版本已被其他版本替换。"))
    posting.state = Posting.State.RELEASED
    posting.released_at = at
    posting.released_by = actor
    warning, years = posting.calendar_warning, posting.unofficial_years
    _save(posting, actor=actor, reason=_("发布"))
    if previous is not None:
        previous.replaced_at = posting.publish_at
        previous._history_user = actor
        previous._change_reason = _("被第%(v)d版替换") % {"v": posting.version}
        previous.save(update_fields=["replaced_at"])
    ledger.append(posting=posting, action=ledger.Action.PUBLISH, at=at)
    _bump_on_commit(posting.community_id)
    posting.calendar_warning, posting.unofficial_years = warning, years
    return posting


@transaction.atomic
def publish(
    *,
    community: Community,
    category: str,
    title: str,
    body: str = "",
    publish_at: dt.datetime | None = None,
    expire_at: dt.datetime | None = None,
    working_days: int | None = None,
    pinned: bool = False,
    objections_open: bool = False,
    source=None,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> Posting:
    """Create and release a posting in one step: the one entry point of other apps.

    ``publish_at`` defaults to ``at`` (now). With ``working_days``, ``expire_at`` is the end of the
    N-th working day after the publication day (Asia/Shanghai), on the national holiday calendar;
    ``posting.calendar_warning`` says when that calendar is not loaded for a year involved.
    To record a posting as published in the past (seed data), pass ``at`` as well.
    """
    at = at or timezone.now()
    posting = posting_create_draft(
        community=community,
        category=category,
        title=title,
        body=body,
        publish_at=publish_at,
        expire_at=expire_at,
        working_days=working_days,
        pinned=pinned,
        objections_open=objections_open,
        source=source,
        actor=actor,
        at=at,
    )
    return posting_release(posting, actor=actor, at=at)
