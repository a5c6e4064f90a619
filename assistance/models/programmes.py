"""Programmes (低保, 困难户, 临时救助), their standards with every past value, and the per-community
settings of the review (scoring rule and threshold, cross-investigation tolerance, step deadlines)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Community


class Programme(models.Model):
    class Kind(models.TextChoices):
        MINIMUM_LIVING = "dibao", _("最低生活保障（低保）")
        HARDSHIP = "hardship", _("困难户")
        TEMPORARY = "temporary", _("临时救助")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="assistance_programmes", verbose_name=_("社区")
    )
    kind = models.CharField(_("救助类别"), max_length=20, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("救助项目")
        verbose_name_plural = _("救助项目")
        ordering = ["community", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind"],
                name="assistance_programme_once_per_community",
                violation_error_message=_("本社区已设立该救助项目。"),
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def standard_on(self, day: dt.date) -> ProgrammeStandard | None:
        """The standard in force on ``day`` (the latest one that had started)."""
        return self.standards.filter(effective_from__lte=day).order_by("-effective_from").first()


class ProgrammeStandard(models.Model):
    """One value of a programme's standard (per-capita monthly income threshold, 元/人/月), from a
    date on. Values are never overwritten: a new standard is a new row, so a past decision can be
    re-read against the standard of its day."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="standards", verbose_name=_("救助项目")
    )
    amount = models.DecimalField(
        _("标准（元/人/月）"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    effective_from = models.DateField(_("执行日期"))
    note = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("如：区民政局文件文号"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("救助标准")
        verbose_name_plural = _("救助标准")
        ordering = ["programme", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "effective_from"],
                name="assistance_standard_once_per_day",
                violation_error_message=_("该救助项目在同一执行日期已有标准。"),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="assistance_standard_not_negative",
                violation_error_message=_("救助标准不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.amount} ({self.effective_from:%Y-%m-%d})"


class CaseRules(models.Model):
    """Per-community settings of the review (the rule book leaves them to the assembly)."""

    class ScoringRule(models.TextChoices):
        AVERAGE = "average", _("平均分不低于及格线")
        SHARE = "share", _("及格票（≥60分）占比不低于及格线（%）")

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="assistance_rules", verbose_name=_("社区")
    )
    scoring_rule = models.CharField(
        _("民意测评规则"), max_length=20, choices=ScoringRule.choices, default=ScoringRule.AVERAGE
    )
    pass_mark = models.DecimalField(
        _("及格线"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("平均分规则为分数（0–100），占比规则为百分比（0–100）"),
    )
    min_scorers = models.PositiveSmallIntegerField(_("最少评分代表人数"), default=3)
    tolerance_percent = models.DecimalField(
        _("两次调查收入差异容差（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    step_days = models.PositiveSmallIntegerField(
        _("每个环节办理时限（天）"), default=10, validators=[MinValueValidator(1)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("救助审核设置")
        verbose_name_plural = _("救助审核设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=100),
                name="assistance_rules_pass_mark_range",
                violation_error_message=_("及格线须在0至100之间。"),
            ),
            models.CheckConstraint(
                condition=Q(tolerance_percent__gte=0) & Q(tolerance_percent__lte=100),
                name="assistance_rules_tolerance_range",
                violation_error_message=_("容差须在0至100之间。"),
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(community)s救助审核设置") % {"community": self.community})

    @classmethod
    def for_community(cls, community_id: int) -> CaseRules:
        rules = cls.objects.filter(community_id=community_id).first()
        return rules or cls(community_id=community_id)
