"""The registry's to-dos on the staff work desk (core.desk)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.models import BuildingCaptain
from core import desk


def _url(**params) -> str:
    return f"{reverse('admin:committee_buildingcaptain_changelist')}?{urlencode(params)}"


@desk.provider
def captains_to_handle(user, communities, at):
    if not user.has_perm("committee.change_buildingcaptain"):
        return []
    captains = BuildingCaptain.objects.filter(community__in=communities)
    todos = []
    nominated = captains.filter(status=BuildingCaptain.Status.NOMINATED).count()
    if nominated:
        todos.append(
            desk.Todo(
                _("待公示的楼栋长提名"),
                nominated,
                _url(status__exact=BuildingCaptain.Status.NOMINATED),
                desk.Level.OPEN,
                None,
                _("勾选提名后选择“公示所选提名”"),
                group="registry",
            )
        )
    today = timezone.localdate(at)
    ripe = captains.filter(status=BuildingCaptain.Status.POSTED, posting_ends_on__lt=today)
    n = ripe.count()
    if n:
        first = ripe.order_by("posting_ends_on").values_list("posting_ends_on", flat=True).first()
        todos.append(
            desk.Todo(
                _("公示期满、待确认的楼栋长"),
                n,
                _url(status__exact=BuildingCaptain.Status.POSTED),
                desk.Level.TODAY,
                first,
                _("无成立的异议即可确认任职"),
                group="registry",
            )
        )
    return todos
