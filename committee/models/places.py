"""Where residents live: residents' groups, buildings and households."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import (
    Community,
)


class ResidentsGroup(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="groups", verbose_name=_("社区")
    )
    number = models.PositiveSmallIntegerField(_("组号"))
    name = models.CharField(_("名称"), max_length=50, help_text=_("如：第三居民小组"))
    leader = models.ForeignKey(
        "Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("居民组长"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("居民小组")
        verbose_name_plural = _("居民小组")
        ordering = ["community", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"],
                name="group_number_unique",
                violation_error_message=_("本社区已有相同组号的居民小组。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.leader_id and self.community_id and self.leader.community_id != self.community_id:
            raise ValidationError({"leader": _("居民组长必须是本社区居民。")})


class Building(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("社区")
    )
    group = models.ForeignKey(
        ResidentsGroup, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("居民小组")
    )
    name = models.CharField(_("楼栋"), max_length=50, help_text=_("如：3号楼"))
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="building_name_unique",
                violation_error_message=_("本社区已有同名楼栋。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.group_id and self.community_id and self.group.community_id != self.community_id:
            raise ValidationError({"group": _("所选居民小组不属于该社区。")})


class Household(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="households", verbose_name=_("社区")
    )
    number = models.CharField(_("户号"), max_length=30)
    address = models.CharField(_("住址"), max_length=200)
    group = models.ForeignKey(
        ResidentsGroup, on_delete=models.PROTECT, related_name="households", verbose_name=_("居民小组")
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("楼栋"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["community", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"],
                name="household_number_unique",
                violation_error_message=_("本社区已有相同户号的户。"),
            )
        ]
        indexes = [models.Index(fields=["community", "group"])]

    def __str__(self) -> str:
        return f"{self.number} {self.address}"

    def clean(self):
        errors = {}
        if self.community_id:
            if self.group_id and self.group.community_id != self.community_id:
                errors["group"] = _("所选居民小组不属于该户所在社区。")
            if self.building_id and self.building.community_id != self.community_id:
                errors["building"] = _("所选楼栋不属于该户所在社区。")
        if errors:
            raise ValidationError(errors)
