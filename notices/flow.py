"""The life of a board posting as a workflow (``core.workflow``), its state computed at read time.

A posting stores only facts (released, publish/expire/withdrawn/replaced instants); the state a
person would name follows from them and the clock: 草稿 → 待公开 → 公开中 → 已结束, or 已撤回 /
已被更正. Release, publish now, new version and withdraw are the steps staff take; the admin shows
the steps :data:`POSTING_FLOW` offers (with the reason when one is not possible) and the services in
``notices.services`` apply them, which logs who took each step and when.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.workflow import Transition, Workflow
from notices.models import Posting

# No permission on the steps: other apps release through ``publish`` for staff who may not release
# by hand (a case officer posting captains); the admin asks for notices.release_posting itself.


class PostingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SCHEDULED = "scheduled", _("待公开")
    PUBLIC = "public", _("公开中")
    ENDED = "ended", _("已结束")
    WITHDRAWN = "withdrawn", _("已撤回")
    REPLACED = "replaced", _("已被更正")


S = PostingState


def posting_state(posting: Posting, at: dt.datetime) -> str:
    if not posting.is_released:
        return S.DRAFT
    if posting.withdrawn_at is not None and posting.withdrawn_at <= at:
        return S.WITHDRAWN
    if posting.replaced_at is not None and posting.replaced_at <= at:
        return S.REPLACED
    if posting.publish_at > at:
        return S.SCHEDULED
    if posting.expire_at is not None and posting.expire_at <= at:
        return S.ENDED
    return S.PUBLIC


def _no_successor(posting: Posting, step) -> str | None:
    """A version with a correction on its way is finished with: act on the newest version."""
    if posting.replaced_at is not None or Posting.objects.filter(supersedes=posting).exists():
        return str(_("该版本已有更正版本（或待发布的更正草稿），请对最新版本操作。"))
    return None


def _no_pending_replacement(posting: Posting, step) -> str | None:
    if posting.replaced_at is not None:
        return str(_("该版本已有待生效的更正版本，请撤回最新版本。"))
    return None


LIVE = [S.SCHEDULED, S.PUBLIC]

POSTING_FLOW = Workflow(
    "posting",
    states=PostingState,
    field=None,
    state_of=posting_state,
    transitions=[
        Transition(
            "release",
            _("按设定时间发布"),
            sources=[S.DRAFT],
            target=S.SCHEDULED,
        ),
        Transition("publish_now", _("立即发布"), sources=[S.DRAFT], target=S.PUBLIC),
        Transition(
            "new_version",
            _("发布更正版本"),
            sources=LIVE,
            target=S.REPLACED,
            checks=[_no_successor],
        ),
        Transition(
            "withdraw",
            _("撤回"),
            sources=LIVE,
            target=S.WITHDRAWN,
            checks=[_no_pending_replacement],
        ),
    ],
)
