"""The board's to-dos on the staff work desk (core.desk)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import desk
from notices.models import Objection, Posting
from notices.selectors import visible_q

CLOSING_SOON = dt.timedelta(days=3)


def _url(name: str, **params) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


@desk.provider
def objections_to_answer(user, communities, at):
    """Pending objections: to answer (committee) or to follow (supervisors, the street office)."""
    if not user.has_perm("notices.view_objection"):
        return []
    pending = Objection.objects.filter(posting__community__in=communities, status=Objection.Status.PENDING)
    agg = pending.aggregate(first=Min("filed_at"))
    count = pending.count()
    if not count:
        return []
    due = agg["first"] + dt.timedelta(days=settings.PORTAL_OBJECTION_REMINDER_DAYS)
    url = _url("admin:notices_objection_changelist", status__exact=Objection.Status.PENDING)
    if not user.has_perm("notices.change_objection"):
        return [
            desk.Todo(
                _("待居委会答复的异议"), count, url, desk.Level.FOLLOW, due, _("由居委会答复；可查看进度")
            )
        ]
    level = (
        desk.Level.OVERDUE
        if due < at
        else desk.Level.TODAY
        if due - at < dt.timedelta(days=1)
        else desk.Level.OPEN
    )
    return [desk.Todo(_("待答复的异议"), count, url, level, due, _("逐条填写答复并说明是否成立"))]


@desk.provider
def postings_to_handle(user, communities, at):
    if not user.has_perm("notices.view_posting"):
        return []
    mine = Posting.objects.filter(community__in=communities)
    todos = []
    if user.has_perm("notices.release_posting"):
        drafts = mine.filter(state=Posting.State.DRAFT)
        n = drafts.count()
        if n:
            todos.append(
                desk.Todo(
                    _("待发布的草稿"),
                    n,
                    _url("admin:notices_posting_changelist", state__exact=Posting.State.DRAFT),
                    desk.Level.OPEN,
                    None,
                    _("核对后发布，或删除不用的草稿"),
                )
            )
    closing = mine.filter(visible_q(at), expire_at__lt=at + CLOSING_SOON)
    n = closing.count()
    if n:
        first = closing.aggregate(first=Min("expire_at"))["first"]
        todos.append(
            desk.Todo(
                _("3日内结束公示"),
                n,
                _url("admin:notices_posting_changelist", window="closing"),
                desk.Level.TODAY if first - at < dt.timedelta(days=1) else desk.Level.OPEN,
                first,
                _("公示期满后办理后续事项（如确认楼栋长）"),
            )
        )
    return todos
