"""Motions and implementation tasks on the staff work desk (core.desk): what waits on each step."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from affairs.models.implementation import ImplementationTask
from affairs.models.motions import Motion
from core import desk

S = Motion.State
# state -> (label, hint, level)
WAITING = [
    (S.PROPOSED, _("待商议的议题"), _("居委会会同有关方面商议后，记录商议意见"), desk.Level.OPEN),
    (S.DELIBERATED, _("待审议的议题"), _("提交议事协调会或居民代表审议"), desk.Level.OPEN),
    (S.REVIEWED, _("待表决的议题"), _("安排居民会议或居民代表会议表决"), desk.Level.OPEN),
    (S.VOTING, _("表决中的议题"), _("记录每位到会成员的表决意见后结束表决"), desk.Level.TODAY),
    (S.RESOLUTION_POSTED, _("待实施的决议"), _("添加实施任务（负责人、期限）后开始实施"), desk.Level.OPEN),
    (S.IMPLEMENTING, _("实施中的决议"), _("任务全部完成后公开实施结果"), desk.Level.OPEN),
]


def _motions_url(state: str) -> str:
    return f"{reverse('admin:affairs_motion_changelist')}?{urlencode({'state__exact': state})}"


@desk.provider
def motions_waiting(user, communities, at):
    if not user.has_perm("affairs.change_motion"):
        return []
    counts = {
        row["state"]: row["n"]
        for row in Motion.objects.filter(community__in=communities)
        .values("state")
        .order_by()
        .annotate(n=Count("pk"))
    }
    return [
        desk.Todo(label, counts[state], _motions_url(state), level, None, hint, group="affairs")
        for state, label, hint, level in WAITING
        if counts.get(state)
    ]


@desk.provider
def implementation_overdue(user, communities, at):
    if not user.has_perm("affairs.change_implementationtask"):
        return []
    day = timezone.localdate(at)
    overdue = ImplementationTask.objects.filter(
        motion__community__in=communities, done_at__isnull=True, deadline__lt=day
    )
    n = overdue.count()
    if not n:
        return []
    first = overdue.order_by("deadline").values_list("deadline", flat=True).first()
    url = f"{reverse('admin:affairs_implementationtask_changelist')}?overdue=yes"
    return [
        desk.Todo(
            _("逾期未完成的决议实施任务"),
            n,
            url,
            desk.Level.OVERDUE,
            first,
            _("督促负责人办理并填报进展"),
            group="affairs",
        )
    ]


@desk.provider
def minutes_to_finalize(user, communities, at):
    """Meetings held (ended, or started over a day ago) whose minutes are not final yet."""
    from affairs.models.meetings import Meeting

    if not user.has_perm("affairs.change_meeting"):
        return []
    held = Meeting.objects.filter(community__in=communities, closed_at__isnull=True).filter(
        Q(ends_at__lt=at) | Q(ends_at__isnull=True, starts_at__lt=at - dt.timedelta(days=1))
    )
    n = held.count()
    if not n:
        return []
    first = held.order_by("starts_at").values_list("starts_at", flat=True).first()
    return [
        desk.Todo(
            _("已召开、会议记录待定稿的会议"),
            n,
            reverse("admin:affairs_meeting_changelist"),
            desk.Level.TODAY,
            first,
            _("填写会议记录后选择“会议记录定稿”"),
            group="affairs",
        )
    ]
