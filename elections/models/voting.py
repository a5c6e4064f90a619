"""Polling stations, their staff, proxies and check-ins (one per voter across all stations)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committee.models import Resident, ResidentsGroup
from elections.models.election import Election
from elections.models.roll import Voter


class PollingStation(models.Model):
    class Kind(models.TextChoices):
        CENTRAL = "central", _("中心会场")
        GROUP = "group", _("居民小组/楼栋投票站")
        MOBILE = "mobile", _("流动票箱")

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="stations", verbose_name=_("选举")
    )
    number = models.PositiveSmallIntegerField(_("站号"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.GROUP)
    group = models.ForeignKey(
        ResidentsGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("居民小组"),
        help_text=_("本组选民默认在此投票"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("投票站")
        verbose_name_plural = _("投票站")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"],
                name="station_number_unique",
                violation_error_message=_("同一选举的投票站站号不能重复。"),
            )
        ]

    def __str__(self) -> str:
        return str(_("第%(n)d站 %(name)s") % {"n": self.number, "name": self.name})


class StationStaff(models.Model):
    class Role(models.TextChoices):
        OFFICER = "officer", _("登记员")
        READER = "reader", _("唱票人")
        RECORDER = "recorder", _("计票人")
        SCRUTINEER = "scrutineer", _("监票人")

    station = models.ForeignKey(
        PollingStation, on_delete=models.CASCADE, related_name="staff", verbose_name=_("投票站")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("工作人员")
    )
    role = models.CharField(_("职责"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("投票站工作人员")
        verbose_name_plural = _("投票站工作人员")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "user", "role"],
                name="station_staff_once_per_role",
                violation_error_message=_("该工作人员已在本站担任此职责。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()}"


class Proxy(models.Model):
    """A written authorization (委托书): ``proxy`` casts ``grantor``'s vote. ``slot`` numbers the
    proxy's authorizations, so the database refuses two taking the same place under concurrency."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="proxies", verbose_name=_("选举")
    )
    grantor = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="+", verbose_name=_("委托人"))
    proxy = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="+", verbose_name=_("受托人"))
    slot = models.PositiveSmallIntegerField(_("受托序号"), editable=False)
    authorization = models.CharField(
        _("委托书"), max_length=200, help_text=_("书面委托书的编号或说明（如：委托书第12号，已存档）")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("委托投票")
        verbose_name_plural = _("委托投票")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "grantor"],
                name="proxy_one_per_grantor",
                violation_error_message=_("该选民已委托他人投票。"),
            ),
            models.UniqueConstraint(
                fields=["election", "proxy", "slot"],
                name="proxy_slot_unique",
                violation_error_message=_("受托人的委托数已满。"),
            ),
            models.CheckConstraint(
                condition=~Q(grantor=models.F("proxy")),
                name="proxy_not_self",
                violation_error_message=_("不能委托自己。"),
            ),
            models.CheckConstraint(
                condition=Q(slot__gte=1),
                name="proxy_slot_positive",
                violation_error_message=_("受托序号从1开始。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantor} → {self.proxy}"


class CheckIn(models.Model):
    """A voter marked as having voted. Unique per election and voter: once across all stations."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("选举")
    )
    voter = models.ForeignKey(
        Voter, on_delete=models.PROTECT, related_name="checkins", verbose_name=_("选民")
    )
    station = models.ForeignKey(
        PollingStation, on_delete=models.PROTECT, related_name="checkins", verbose_name=_("投票站")
    )
    carried_by = models.ForeignKey(
        Voter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("代投人"),
        help_text=_("委托投票时为受托人"),
    )
    scribe = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("代书人"),
        help_text=_("选民不能书写时，由其委托的人代写选票"),
    )
    at = models.DateTimeField(_("登记时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记员"),
    )

    class Meta:
        verbose_name = _("投票登记")
        verbose_name_plural = _("投票登记")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "voter"],
                name="one_checkin_per_voter",
                violation_error_message=_("该选民已经投过票。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.voter} @ {self.station}"
