"""The board's to-dos on the staff work desk (core.desk)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Min, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import desk
from core.dates import month_bounds, previous_month
from notices.models import DisclosureJob, MonthlyDisclosure, Objection, Posting
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


# The sheet of a month is generated on the 1st at 00:30 (setup_periodic_tasks); after this grace a
# month without its final sheet means the task did not run or failed.
SHEET_GRACE = dt.timedelta(hours=2)


@desk.provider
def sheets_to_handle(user, communities, at):
    """Last month's sheet not final yet, and generation jobs that failed (to retry)."""
    if not user.has_perm("notices.view_monthlydisclosure"):
        return []
    todos = []
    last_month = previous_month(timezone.localdate(at))
    due = month_bounds(last_month)[1] + SHEET_GRACE
    if at >= due:
        final = MonthlyDisclosure.objects.filter(month=last_month, is_final=True).values("community")
        missing = communities.exclude(pk__in=final).count()
        if missing:
            todos.append(
                desk.Todo(
                    _("上月月报尚未定稿"),
                    missing,
                    _url("admin:notices_monthlydisclosure_changelist"),
                    desk.Level.OVERDUE,
                    due,
                    _("点“生成月报”，选择上月生成定稿"),
                )
            )
    failed = DisclosureJob.objects.filter(
        community__in=communities,
        state=DisclosureJob.State.FAILED,
        requested_at__gte=at - dt.timedelta(days=31),
    ).exclude(
        # A later sheet of the same month settles the failure.
        month__in=MonthlyDisclosure.objects.filter(community=OuterRef("community"), is_final=True).values(
            "month"
        )
    )
    n = failed.count()
    if n:
        todos.append(
            desk.Todo(
                _("月报生成失败"),
                n,
                _url("admin:notices_disclosurejob_changelist", state__exact=DisclosureJob.State.FAILED),
                desk.Level.TODAY,
                None,
                _("查看失败原因后重新生成"),
            )
        )
    return todos
