"""Writes of objections: filed by a resident (real name) or a supervision member, answered by the
committee."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import roles
from core.errors import RuleViolation
from core.governed import check_scope, save_governed
from core.models import User
from notices import objections
from notices.models import Objection, Posting
from notices.services.common import (
    _bump_on_commit,
    _local,
)

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
