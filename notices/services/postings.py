"""Writes of postings: drafts, release (and :func:`publish`, the one entry point of other apps),
corrections as new versions, withdrawals. Release, new version and withdraw are steps of
``notices.flow.POSTING_FLOW``, logged with who took them and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import Community, User
from core.windows import posted_until
from notices import handoff, ledger
from notices.flow import POSTING_FLOW
from notices.models import Attachment, Category, Posting, PostingSource
from notices.services.common import (
    DRAFT_FIELDS,
    VERSION_FIELDS,
    _apply_window,
    _bump_on_commit,
    _clean_body,
    _local,
    _lock,
    _refuse_personal_data,
)

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
    sources: Iterable[models.Model] = (),
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> Posting:
    """A draft: editable until released. ``sources``: the governed items it publishes (each is told
    when the window opens and closes, see ``notices.handoff``). ``publish_at`` defaults to ``at`` (now)."""
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
    _apply_window(posting)
    save_governed(posting, actor=actor, reason=_("创建草稿"))
    handoff.cite(posting, sources)
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
    save_governed(posting, actor=actor, reason=_("修改草稿"))
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
    step = "publish_now" if posting.publish_at <= at else "release"
    if posting.publish_at < at:
        posting.publish_at = at
    posting.body = _clean_body(posting.body)
    _apply_window(posting)
    if not posting.title:
        raise RuleViolation(_("请填写标题。"))
    _refuse_personal_data(posting)
    previous = None
    if posting.supersedes_id:
        previous = Posting.objects.select_for_update().get(pk=posting.supersedes_id)
        if not previous.is_released:
            raise RuleViolation(_("被更正的版本尚未发布。"))
        if previous.withdrawn_at is not None:
            raise RuleViolation(_("被更正的版本已撤回，不能再发布更正版本。"))
        if previous.replaced_at is not None:
            raise RuleViolation(_("被更正的版本已被其他版本替换。"))
    POSTING_FLOW.apply(posting, step, actor=actor, at=at)
    posting.state = Posting.State.RELEASED
    posting.released_at = at
    posting.released_by = actor
    warning, years = posting.calendar_warning, posting.unofficial_years
    save_governed(posting, actor=actor, reason=_("发布"))
    if previous is not None:
        previous.replaced_at = posting.publish_at
        previous._history_user = actor
        previous._change_reason = _("被第%(v)d版替换") % {"v": posting.version}
        previous.save(update_fields=["replaced_at"])
    ledger.append(posting=posting, action=ledger.Action.PUBLISH, at=at)
    if previous is not None:
        # The old version leaves the board: a state change of its own, with its own entry.
        ledger.append(posting=previous, action=ledger.Action.REPLACE, at=at)
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
    sources: Iterable[models.Model] = (),
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> Posting:
    """Create and release a posting in one step: the one entry point of other apps.

    ``publish_at`` defaults to ``at`` (now). With ``working_days``, ``expire_at`` is the end of the
    N-th working day after the publication day (the portal's time zone), on the national holiday calendar;
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
        sources=sources,
        actor=actor,
        at=at,
    )
    return posting_release(posting, actor=actor, at=at)


# --- corrections and withdrawals -------------------------------------------------------------------


@transaction.atomic
def posting_new_version(
    posting: Posting,
    *,
    actor: User | None,
    correction_note: str,
    at: dt.datetime | None = None,
    release: bool = True,
    **changes,
) -> Posting:
    """A correction: a new version in the same series that supersedes ``posting``.

    Both stay in the record; the old one stops being public at the new one's ``publish_at``
    (``replaced_at``). The new version copies the old one's attachments and every field not in
    ``changes``; ``publish_at`` defaults to ``at`` (now). With ``release=False`` the new version is
    left as a draft (e.g. to change its attachments) and replaces the old one when released.
    """
    at = at or timezone.now()
    unknown = set(changes) - VERSION_FIELDS
    if unknown:
        raise TypeError(f"posting_new_version: cannot change {sorted(unknown)}")
    old = _lock(posting)
    check_scope(actor, old.community_id)
    note = (correction_note or "").strip()
    if not note:
        raise RuleViolation(_("请填写更正说明。"))
    if not old.is_released:
        raise RuleViolation(_("草稿可以直接修改，无需发布新版本。"))
    if old.withdrawn_at is not None:
        raise RuleViolation(_("该公开事项已撤回，不能再更正。"))
    if old.replaced_at is not None or Posting.objects.filter(supersedes=old).exists():
        raise RuleViolation(_("该版本已有更正版本（或待发布的更正草稿），请对最新版本操作。"))
    POSTING_FLOW.apply(old, "new_version", actor=actor, at=at, note=note)
    fields = {name: getattr(old, name) for name in VERSION_FIELDS}
    fields["publish_at"] = at
    if "working_days" not in changes and "expire_at" in changes:
        fields["working_days"] = None  # an explicit end replaces the count of working days
    fields.update(changes)
    if fields["body"] != old.body:
        fields["body"] = _clean_body(fields["body"])
    if old.series_id is None:
        old.series = old
        old._history_user = actor
        old.save(update_fields=["series"])
    new = Posting(
        community=old.community,
        series_id=old.series_id,
        version=old.version + 1,
        supersedes=old,
        correction_note=note[:200],
        created_by=actor,
        **fields,
    )
    new.title = (new.title or "").strip()
    _apply_window(new)
    save_governed(new, actor=actor, reason=_("更正：%(note)s") % {"note": note[:100]})
    # The new version publishes the same items: they follow the notice, not one version of it.
    for source in old.sources.all():
        PostingSource.objects.create(
            posting=new, source_type_id=source.source_type_id, source_id=source.source_id
        )
    for a in old.attachments.all():
        Attachment.objects.create(
            posting=new,
            file=a.file.name,
            name=a.name,
            content_type=a.content_type,
            size=a.size,
            sha256=a.sha256,
        )
    if release:
        new = posting_release(new, actor=actor, at=at)
    return new


@transaction.atomic
def posting_withdraw(
    posting: Posting, *, actor: User | None, reason: str, at: dt.datetime | None = None
) -> Posting:
    """Stop publishing ``posting``; it stays in the record with the reason (and a ledger entry)."""
    at = at or timezone.now()
    posting = _lock(posting)
    check_scope(actor, posting.community_id)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("请填写撤回原因。"))
    if len(reason) > 200:
        raise RuleViolation(_("撤回原因不能超过200字。"))
    if not posting.is_released:
        raise RuleViolation(_("草稿尚未发布，无需撤回。"))
    if posting.withdrawn_at is not None:
        raise RuleViolation(_("该公开事项已于%(when)s撤回。"), params={"when": _local(posting.withdrawn_at)})
    if posting.replaced_at is not None and posting.replaced_at <= at:
        raise RuleViolation(_("该版本已被更正版本替换，请撤回最新版本。"))
    if posting.expire_at is not None and posting.expire_at <= at:
        raise RuleViolation(
            _("该公开事项已公示期满（%(window)s），无需撤回。"),
            params={"window": posted_until(posting.expire_at)},
        )
    if posting.replaced_at is not None:
        raise RuleViolation(_("该版本已有待生效的更正版本，请撤回最新版本。"))
    POSTING_FLOW.apply(posting, "withdraw", actor=actor, at=at, note=reason)
    posting.withdrawn_at = at
    posting.withdrawal_reason = reason
    posting._history_user = actor
    posting._change_reason = _("撤回：%(reason)s") % {"reason": reason}
    posting.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    ledger.append(posting=posting, action=ledger.Action.WITHDRAW, at=at)
    _bump_on_commit(posting.community_id)
    return posting
