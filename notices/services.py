"""Writes of the board (STYLE.md: keyword-only, atomic, domain errors with Chinese messages).

Other apps publish only through :func:`publish`; they never touch notice tables directly.

DOMAIN.md "Public affairs disclosure" / issue 4:
- a released posting is never edited in place or deleted: a correction is a new version that
  supersedes it (:func:`posting_new_version`), a withdrawal keeps it with its reason
  (:func:`posting_withdraw`);
- every release, replacement by a new version and withdrawal appends a ledger entry
  (:mod:`notices.ledger`);
- visibility is computed at read time from the window; nothing here has to run at a boundary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import roles
from core.calendar import add_working_days_detailed
from core.dates import validate_in_range
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import Community, User
from core.privacy import community_public_phones, find_personal_data
from core.windows import posted_until
from notices import cache, handoff, ledger, objections
from notices.attachments import check_upload
from notices.flow import POSTING_FLOW
from notices.models import Attachment, Category, Objection, Posting, PostingSource
from notices.sanitize import dangerous_parts, readable_text, sanitize_body

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


def working_days_end(
    publish_at: dt.datetime, working_days: int, *, community_id: int | None = None
) -> tuple[dt.datetime, set[int]]:
    """End of the ``working_days``-th working day after ``publish_at``'s local day (the portal's
    time zone, ``settings.TIME_ZONE``).

    Returns the instant (local midnight after that day) and the years whose official holiday
    schedule is not loaded (Monday-Friday was assumed there; the user must be warned). The
    community's own entered holidays count (``core.calendar``). A start or an end outside
    1900-2100 is a :class:`RuleViolation` (``core.calendar``).
    """
    _refuse_out_of_range(publish_at=publish_at)
    tz = timezone.get_default_timezone()
    start = timezone.localtime(publish_at, tz).date()
    result = add_working_days_detailed(start, working_days, community_id=community_id)
    end = dt.datetime.combine(result.date + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return end, set(result.unofficial_years)


def _refuse_out_of_range(**values: dt.datetime | None) -> None:
    """Before any arithmetic or time-zone conversion: 0001-01-01 or 9999-12-31 would overflow."""
    errors = {}
    for name, value in values.items():
        try:
            validate_in_range(value)
        except ValidationError as e:
            errors[name] = e.messages
    if errors:
        raise RuleViolation(errors)


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
    _refuse_out_of_range(publish_at=posting.publish_at, expire_at=posting.expire_at)
    if posting.working_days:
        posting.expire_at, posting.unofficial_years = working_days_end(
            posting.publish_at, posting.working_days, community_id=posting.community_id
        )
    posting.calendar_warning = calendar_warning(posting.unofficial_years)
    if posting.expire_at is not None and posting.expire_at <= posting.publish_at:
        raise RuleViolation(
            _("公开结束时间（%(end)s）必须晚于公开开始时间（%(start)s）。"),
            params={
                "end": _local(posting.expire_at),
                "start": _local(posting.publish_at),
            },
        )


def personal_data_problems(posting: Posting) -> list[str]:
    """Where ``posting`` holds an ID number or a private mobile number, one line per place
    (标题 / 正文 / 附件“名称”), naming what was found; empty when it may be published.

    The scan itself is ``core.privacy.find_personal_data``; the community's declared public
    contact numbers are allowed.
    """
    allowed = community_public_phones(posting.community)
    places = [(_("标题"), posting.title), (_("正文"), readable_text(posting.body))]
    if posting.pk:
        places += [
            (_("附件“%(name)s”") % {"name": name}, name)
            for name in Attachment.objects.filter(posting=posting)
            .order_by("id")
            .values_list("name", flat=True)
        ]
    problems = []
    for where, text in places:
        findings = find_personal_data(text, public_phones=allowed)
        if findings:
            problems.append(
                _("%(where)s含有%(what)s")
                % {"where": where, "what": "、".join(f"{f.label}“{f.text}”" for f in findings)}
            )
    return problems


def _refuse_personal_data(posting: Posting) -> None:
    """DOMAIN.md / issue 7: no ID number and no private mobile number on the public board."""
    problems = personal_data_problems(posting)
    if problems:
        raise RuleViolation(
            _(
                "不能发布：%(problems)s。公开栏不得公开身份证号码和个人手机号码，请删除或改为部分隐藏"
                "（如138****5678）后再发布；社区对外公开的联系电话请先登记在社区规则参数的“公开联系电话”中。"
            ),
            params={"problems": "；".join(problems)},
        )


def _bump_on_commit(community_id: int) -> None:
    transaction.on_commit(lambda: cache.bump(community_id))


def _lock(posting: Posting) -> Posting:
    """Reload ``posting`` under a row lock (read-then-write, STYLE.md #12)."""
    return Posting.objects.select_for_update().select_related("community").get(pk=posting.pk)


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M")


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


# --- objections ------------------------------------------------------------------------------------


@transaction.atomic
def objection_file(
    posting: Posting, *, name: str, phone: str, body: str, at: dt.datetime | None = None
) -> Objection:
    """A resident's real-name objection, accepted only while the posting is public with objections open.

    Returns the stored objection; ``objection.duplicate`` is True when the same objection (name,
    phone and text) had been filed on this posting before and that one is returned instead.
    """
    at = at or timezone.now()
    # The window cannot be closed (withdrawn/replaced) under us; filings on one posting queue here,
    # which keeps the duplicate check below free of races.
    posting = Posting.objects.select_for_update(no_key=True).get(pk=posting.pk)
    if not posting.objections_open:
        raise RuleViolation(_("该公开事项不接受异议。"))
    if not posting.is_released or posting.publish_at > at:
        raise RuleViolation(_("该公开事项尚未开始公示，暂不能提出异议。"))
    if posting.withdrawn_at is not None and posting.withdrawn_at <= at:
        raise RuleViolation(_("该公开事项已撤回，不能再提出异议。"))
    if posting.replaced_at is not None and posting.replaced_at <= at:
        raise RuleViolation(_("该公开事项已被更正，请对最新版本提出异议。"))
    if posting.expire_at is not None and posting.expire_at <= at:
        raise RuleViolation(
            _("公示期已于%(when)s结束，不能再提出异议。如有问题请直接联系居委会。"),
            params={"when": _local(posting.expire_at)},
        )
    name, phone, body, errors = objections.clean_fields(name=name, phone=phone, body=body)
    if errors:
        raise RuleViolation(errors)
    # The same objection sent twice (a double tap, a reload) is stored once: the resident gets the
    # first one back, with its reference. Filings on one posting queue on the posting's row lock, so
    # this read is not raced; the unique constraint is the last line.
    digest = objections.fingerprint(name=name, phone=phone, body=body)
    existing = Objection.objects.filter(posting=posting, fingerprint=digest).first()
    if existing is not None:
        existing.duplicate = True
        return existing
    objection = Objection(
        posting=posting,
        name=name,
        phone=phone,
        body=body,
        filed_at=at,
        reference=objections.new_reference(at),
        fingerprint=digest,
    )
    save_governed(objection, actor=None, reason=_("居民提出异议"))
    objection.duplicate = False
    _bump_on_commit(posting.community_id)
    return objection


@transaction.atomic
def objection_file_by_supervisor(
    posting: Posting, *, actor: User, body: str, at: dt.datetime | None = None
) -> Objection:
    """A supervisor's (监督委员) objection, filed from the admin and recorded as theirs.

    DOMAIN.md: the supervision committee "may object to any posting". We read "any" literally: every
    released posting of the supervisor's communities, whether or not it opened an objection window
    to residents, before it goes public, during it, after its window ended, and also a withdrawn or
    corrected version. The residents' window exists so that a list (a roll, a hardship case) can be
    settled on time; supervision oversees the committee's conduct, which is often checked only
    afterwards (a finance posting against the month's books, a withdrawal that should not have
    happened), so a window would shield exactly what supervisors are there to see. The objection
    then waits for the committee's answer like a resident's (it is counted on the board, in the
    daily reminder, and it holds up confirming a building captain until answered). Drafts are
    refused: nothing has been decided or published yet.
    """
    at = at or timezone.now()
    roles.require_permission(actor, roles.FILE_OBJECTION, _("只有监督委员可以在工作台提出异议。"))
    # The row lock also serialises two clicks on the same form (see the duplicate check below).
    posting = Posting.objects.select_for_update(no_key=True).get(pk=posting.pk)
    check_scope(actor, posting.community_id)
    if not posting.is_released:
        raise RuleViolation(_("草稿尚未发布，不能提出异议。"))
    body = (body or "").strip()
    if not body:
        raise RuleViolation({"body": [_("请填写异议内容。")]})
    if len(body) > 2000:
        raise RuleViolation({"body": [_("异议内容不能超过2000字。")]})
    if Objection.objects.filter(
        posting=posting, filed_by=actor, body=body, status=Objection.Status.PENDING
    ).exists():
        raise RuleViolation(_("您已对该事项提出过相同的异议，正在等待答复。"))
    objection = Objection(
        posting=posting,
        name=(actor.full_name or actor.get_username())[:50],
        phone="",
        body=body,
        filed_at=at,
        filed_by=actor,
        reference=objections.new_reference(at),
    )
    save_governed(objection, actor=actor, reason=_("监督委员提出异议"))
    _bump_on_commit(posting.community_id)
    return objection


@transaction.atomic
def objection_answer(
    objection: Objection,
    *,
    actor: User | None,
    answer: str,
    upheld: bool | None,
    at: dt.datetime | None = None,
) -> Objection:
    """Staff answer an objection (once; the answer is part of the public count).

    Answering is the committee's: a role without ``change_objection`` (a supervisor, who objects
    but must not settle objections) is refused.
    """
    at = at or timezone.now()
    roles.require_permission(actor, roles.ANSWER_OBJECTION, _("只有居委会成员可以答复异议。"))
    objection = Objection.objects.select_for_update().select_related("posting").get(pk=objection.pk)
    check_scope(actor, objection.posting.community_id)
    if objection.status == Objection.Status.ANSWERED:
        raise RuleViolation(_("该异议已于%(when)s答复。"), params={"when": _local(objection.answered_at)})
    answer = (answer or "").strip()
    if not answer:
        raise RuleViolation({"answer": [_("请填写答复内容。")]})
    if upheld is None:
        raise RuleViolation({"upheld": [_("请选择异议是否成立。")]})
    objection.answer = answer
    objection.upheld = upheld
    objection.status = Objection.Status.ANSWERED
    objection.answered_at = at
    objection.answered_by = actor
    save_governed(objection, actor=actor, reason=_("答复异议"))
    _bump_on_commit(objection.posting.community_id)
    return objection


# --- attachments -----------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(posting: Posting, *, file, actor: User | None, name: str | None = None) -> Attachment:
    """Attach a PDF or image (checked by content, size-limited) to a draft."""
    posting = _lock(posting)
    check_scope(actor, posting.community_id)
    if posting.is_released:
        raise RuleViolation(_("已发布的公开事项不能添加附件；如需补充，请发布新版本。"))
    checked = check_upload(file, name=name)
    attachment = Attachment(
        posting=posting,
        name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    file.seek(0)
    attachment.file.save(checked.storage_name, file, save=False)
    try:
        save_governed(attachment, actor=actor, reason=_("添加附件"), exclude=["file"])
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
