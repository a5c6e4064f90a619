"""Opinions on the staff work desk (core.desk): overdue first, then what is due soon, then the rest.

"The report reaches the right staff member's desk": items routed to a staff member (OpinionRoute or
the building's group leader) are shown to that person as their own, before the shared queue.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from affairs.models.opinions import OPEN_STATES, Opinion
from core import desk
from core.calendar import add_working_days

S = Opinion.Status


def _url(**params) -> str:
    return f"{reverse('admin:affairs_opinion_changelist')}?{urlencode(params)}"


def _first(qs, field):
    return qs.order_by(field).values_list(field, flat=True).first()


@desk.provider
def opinions_to_handle(user, communities, at):
    if not user.has_perm("affairs.change_opinion"):
        return []
    today = timezone.localdate(at)
    soon = add_working_days(today, 1)
    live = Opinion.objects.filter(community__in=communities, held=False)
    todos = []
    late = live.filter(Q_late(today))
    n = late.count()
    if n:
        todos.append(
            desk.Todo(
                _("逾期未办的居民意见"),
                n,
                _url(deadline="overdue"),
                desk.Level.OVERDUE,
                _first(late, "answer_due"),
                _("请尽快受理或答复"),
                group="affairs",
            )
        )
    mine = live.filter(owner=user, status__in=OPEN_STATES).exclude(pk__in=late.values("pk"))
    n = mine.count()
    if n:
        due = _first(mine, "answer_due")
        todos.append(
            desk.Todo(
                _("分派给我的居民意见和报告"),
                n,
                _url(owner__id__exact=user.pk, deadline="open"),
                desk.Level.TODAY if due and due <= soon else desk.Level.OPEN,
                due,
                _("受理、答复后办结"),
                group="affairs",
            )
        )
    unassigned = live.filter(status=S.NEW, owner=None).exclude(pk__in=late.values("pk"))
    n = unassigned.count()
    if n:
        due = _first(unassigned, "ack_due")
        todos.append(
            desk.Todo(
                _("待分派的居民意见"),
                n,
                _url(status__exact=S.NEW, owner__isnull="True"),
                desk.Level.TODAY if due and due <= soon else desk.Level.OPEN,
                due,
                _("选择承办人，受理并分派"),
                group="affairs",
            )
        )
    held = Opinion.objects.filter(community__in=communities, held=True, status=S.NEW).count()
    if held:
        todos.append(
            desk.Todo(
                _("待核实的居民意见（疑似刷屏）"),
                held,
                _url(held__exact="1", status__exact=S.NEW),
                desk.Level.OPEN,
                None,
                _("核实放行，或不予受理"),
                group="affairs",
            )
        )
    return todos


def Q_late(today):  # noqa: N802 - reads like the Q object it returns
    from affairs.services.opinions import _late_q

    return _late_q(today)


@desk.provider
def finance_statements_to_post(user, communities, at):
    """Last month's statement, once the month is over, until it is on the board."""
    from affairs.models.finance import FinanceEntry, FinanceStatement

    if not user.has_perm("affairs.change_financestatement"):
        return []
    today = timezone.localdate(at)
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with_entries = set(
        FinanceEntry.objects.filter(
            community__in=communities, occurred_on__gte=last, occurred_on__lt=today.replace(day=1)
        ).values_list("community_id", flat=True)
    )
    posted = set(
        FinanceStatement.objects.filter(
            community_id__in=with_entries, month=last, posting_id__isnull=False
        ).values_list("community_id", flat=True)
    )
    n = len(with_entries - posted)
    if not n:
        return []
    return [
        desk.Todo(
            _("上月收支表待公开"),
            n,
            reverse("admin:affairs_financestatement_changelist"),
            desk.Level.TODAY,
            None,
            _("新增该月收支表，再选择“生成并公开”"),
            group="affairs",
        )
    ]


@desk.provider
def finance_statements_out_of_date(user, communities, at):
    """A posted month whose entries changed afterwards: the board shows old figures until re-posted."""
    from affairs.services.finance import statements_out_of_date

    if not user.has_perm("affairs.change_financestatement"):
        return []
    stale = statements_out_of_date(communities=communities)
    if not stale:
        return []
    return [
        desk.Todo(
            _("已公开的收支表与明细不符"),
            len(stale),
            f"{reverse('admin:affairs_financestatement_changelist')}?{urlencode({'id__in': ','.join(str(s.pk) for s in stale)})}",
            desk.Level.TODAY,
            None,
            _("明细在公开后有更正；勾选这些月份，选择“生成并公开”发布更正版"),
            group="affairs",
        )
    ]
