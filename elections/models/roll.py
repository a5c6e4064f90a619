"""The voter roll (选民名单) of an election: built from the registry, posted, frozen."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committee.models import Household, Resident, ResidentsGroup
from elections.models.election import Election


class VoterRoll(models.Model):
    election = models.OneToOneField(
        Election, on_delete=models.CASCADE, related_name="roll", verbose_name=_("选举")
    )
    built_at = models.DateTimeField(_("生成时间"))
    posting_id = models.PositiveBigIntegerField(_("公示编号"), null=True, blank=True, editable=False)
    posted_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    objections_close_at = models.DateTimeField(_("异议截止"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("选民名单")
        verbose_name_plural = _("选民名单")

    def __str__(self) -> str:
        return str(_("%(election)s选民名单") % {"election": self.election})


class Voter(models.Model):
    """One entry of the roll: a resident (or, in a household ballot, a household's representative)."""

    roll = models.ForeignKey(
        VoterRoll, on_delete=models.CASCADE, related_name="voters", verbose_name=_("选民名单")
    )
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("居民"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("户"))
    group = models.ForeignKey(
        ResidentsGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("居民小组"),
    )
    # Snapshots taken when the roll is built: the posted roll must not change with the registry.
    name = models.CharField(_("姓名"), max_length=50)
    id_last4 = models.CharField(_("身份证后四位"), max_length=4)
    per_household = models.BooleanField(_("按户"), default=False, editable=False)
    station = models.ForeignKey(
        "elections.PollingStation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voters",
        verbose_name=_("投票站"),
    )
    added = models.BooleanField(_("补登"), default=False, help_text=_("生成名单后经审核增加"))
    removed_at = models.DateTimeField(_("除名时间"), null=True, blank=True)
    removed_reason = models.CharField(_("除名原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("选民")
        verbose_name_plural = _("选民")
        ordering = ["group__number", "household__number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["roll", "resident"],
                name="voter_once_per_roll",
                violation_error_message=_("该居民已在选民名单上。"),
            ),
            models.UniqueConstraint(
                fields=["roll", "household"],
                condition=Q(per_household=True),
                name="voter_one_per_household",
                violation_error_message=_("户代表票决每户只能登记一名户代表。"),
            ),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | ~Q(removed_reason=""),
                name="voter_removal_has_reason",
                violation_error_message=_("从选民名单除名须写明原因。"),
            ),
        ]
        indexes = [
            models.Index(fields=["roll", "name"], name="voter_roll_name_idx"),
            models.Index(fields=["roll", "id_last4"], name="voter_roll_last4_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def on_roll(self) -> bool:
        return self.removed_at is None


class RollChange(models.Model):
    """An addition to or removal from the roll after it was built, with its reason."""

    class Kind(models.TextChoices):
        ADD = "add", _("增加")
        REMOVE = "remove", _("除名")

    roll = models.ForeignKey(
        VoterRoll, on_delete=models.CASCADE, related_name="changes", verbose_name=_("选民名单")
    )
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("居民"))
    kind = models.CharField(_("变动"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("原因"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("选民名单变动")
        verbose_name_plural = _("选民名单变动")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="roll_change_has_reason",
                violation_error_message=_("增加或除名须写明原因。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.resident}"
