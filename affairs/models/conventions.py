"""Conventions (公约, 一事一约): each version adopted by a resolution of the assembly or by a household
ballot (户代表票决), posted on the board for as long as it is in force (a new version replaces the
posting; a repeal withdraws it with the reason)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from affairs.models.motions import Motion
from core.models import Community


class Convention(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    title = models.CharField(_("公约名称"), max_length=200, help_text=_("一事一约，如：楼道堆物管理公约"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公约")
        verbose_name_plural = _("公约（一事一约）")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "title"],
                name="convention_title_unique",
                violation_error_message=_("本社区已有同名公约，请为其增加新版本。"),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ConventionVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草案")
        IN_FORCE = "in_force", _("施行中")
        SUPERSEDED = "superseded", _("已被新版本取代")
        REPEALED = "repealed", _("已废止")

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="versions", verbose_name=_("公约")
    )
    number = models.PositiveSmallIntegerField(_("版本"), editable=False)
    text = models.TextField(_("公约条文"))
    motion = models.ForeignKey(
        Motion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("通过该版本的决议"),
        help_text=_("居民会议或居民代表会议通过的议题；采用户代表票决的请填写票决结果"),
    )
    ballot_yes = models.PositiveIntegerField(_("户代表票决同意户数"), null=True, blank=True)
    ballot_valid = models.PositiveIntegerField(_("户代表票决有效票数"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    in_force_from = models.DateField(_("施行日期"), null=True, blank=True, editable=False)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True, editable=False)
    posting = models.ForeignKey(
        "notices.Posting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("公开"),
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公约版本")
        verbose_name_plural = _("公约版本")
        ordering = ["convention", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"],
                name="convention_version_number_unique",
                violation_error_message=_("该公约已有此版本号。"),
            ),
            models.UniqueConstraint(
                fields=["convention"],
                condition=Q(state="in_force"),
                name="convention_one_version_in_force",
                violation_error_message=_("同一公约只能有一个施行中的版本。"),
            ),
            models.CheckConstraint(
                condition=Q(ballot_yes__isnull=True)
                | Q(ballot_valid__isnull=False, ballot_yes__lte=models.F("ballot_valid")),
                name="convention_ballot_yes_le_valid",
                violation_error_message=_("同意户数不能超过有效票数。"),
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(motion__isnull=False) | Q(ballot_yes__isnull=False),
                name="convention_adopted_by_resolution_or_ballot",
                violation_error_message=_("公约须经居民会议（代表会议）决议或户代表票决通过后才能施行。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.convention}（第{self.number}版）"
