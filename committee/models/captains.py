"""Building captains (楼栋长): nominated, posted on the board with real-name objections, confirmed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committee.models.people import Resident
from committee.models.places import Building
from core.models import (
    Community,
)


class BuildingCaptain(models.Model):
    """楼栋长: nominated → posted 5 working days with real-name objections → confirmed."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("已提名")
        POSTED = "posted", _("公示中")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("未通过")
        ENDED = "ended", _("已卸任")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"), editable=False
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="captains", verbose_name=_("楼栋")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="captaincies", verbose_name=_("楼栋长")
    )
    self_nominated = models.BooleanField(_("自荐"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NOMINATED)
    nominated_on = models.DateField(_("提名日期"))
    posting_starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    posting_ends_on = models.DateField(_("公示结束（含）"), null=True, blank=True)
    decided_at = models.DateTimeField(_("确认/否决时间"), null=True, blank=True)
    decision_note = models.TextField(_("决定说明"), blank=True)
    # The board posting that lists this nomination (notices.Posting id; a plain id keeps the
    # registry free of a dependency on the board). Objections are filed on that posting.
    posting_id = models.PositiveBigIntegerField(_("公示编号"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("楼栋长")
        verbose_name_plural = _("楼栋长")
        ordering = ["building__name", "-nominated_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["building"],
                condition=Q(status="confirmed"),
                name="captain_one_confirmed_per_building",
                violation_error_message=_("该楼栋已有在任楼栋长，请先办理原楼栋长卸任。"),
            ),
            models.UniqueConstraint(
                fields=["building", "resident"],
                condition=Q(status__in=["nominated", "posted"]),
                name="captain_one_open_nomination",
                violation_error_message=_("该居民对该楼栋已有未办结的提名。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building} {self.resident}"

    def clean(self):
        if self.building_id and self.resident_id:
            if self.resident.community_id != self.building.community_id:
                raise ValidationError({"resident": _("楼栋长必须是本社区居民。")})
            self.community_id = self.building.community_id
