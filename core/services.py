"""Writes of the base layer's own records (the calendar's entered days)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from core import roles
from core.errors import RoleDenied
from core.governed import check_scope, save_governed
from core.models import Community, OfficialDay, User


def _check_official_day_scope(actor: User | None, community_id: int | None) -> None:
    """National days are a superuser's; a community's days are its own staff's (the 主任)."""
    if actor is None:
        return
    if community_id is None and not actor.is_superuser:
        raise RoleDenied(_("全国节假日安排只能由系统管理员录入或修改；请选择适用的社区。"))
    check_scope(actor, community_id)


@transaction.atomic
def official_day_save(
    *,
    actor: User | None,
    community: Community | None,
    date: dt.date,
    is_working_day: bool,
    name: str = "",
    day: OfficialDay | None = None,
) -> OfficialDay:
    """Enter (``day=None``) or correct a holiday or adjusted working day.

    DOMAIN.md: the library ends at some year; staff enter the official schedule and entered days
    win over it. A community's 主任 enters their community's days; national days (``community``
    None) are a superuser's. Days already used to compute a released posting's window do not move
    it: a released posting is a record, corrected only by a new version.
    """
    perm = "core.change_officialday" if day is not None else "core.add_officialday"
    roles.require_permission(actor, perm, _("只有主任可以录入节假日安排。"))
    if day is not None:
        day = OfficialDay.objects.select_for_update().get(pk=day.pk)
        _check_official_day_scope(actor, day.community_id)
    else:
        day = OfficialDay()
    _check_official_day_scope(actor, community.pk if community is not None else None)
    day.community = community
    day.date = date
    day.is_working_day = bool(is_working_day)
    day.name = (name or "").strip()
    what = _("调休上班") if day.is_working_day else _("放假")
    save_governed(
        day, actor=actor, reason=_("录入节假日安排：%(date)s %(what)s") % {"date": date, "what": what}
    )
    return day


@transaction.atomic
def official_day_delete(*, actor: User | None, day: OfficialDay) -> None:
    """Remove a wrongly entered day (the history keeps it, with who removed it)."""
    roles.require_permission(actor, "core.delete_officialday", _("只有主任可以删除节假日安排。"))
    day = OfficialDay.objects.select_for_update().get(pk=day.pk)
    _check_official_day_scope(actor, day.community_id)
    day._history_user = actor
    day._change_reason = _("删除节假日安排")
    day.delete()
