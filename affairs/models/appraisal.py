"""Quarterly appraisal of committee members at the representative assembly (DOMAIN.md: report 述职,
questions 质疑, scored evaluation 民主测评 by the representatives; results posted)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from affairs.models.meetings import Meeting, MeetingMember
from committee.models import CommitteeSeat
from core.models import Community


class Appraisal(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(
        _("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)], help_text=_("1至4")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("测评会议"),
        help_text=_("在居民代表会议上述职、质询和测评"),
    )
    posting = models.ForeignKey(
        "notices.Posting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("结果公开"),
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("季度述职测评")
        verbose_name_plural = _("季度述职测评")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year", "quarter"],
                name="appraisal_once_per_quarter",
                violation_error_message=_("本社区该季度已有述职测评。"),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="appraisal_quarter_1_to_4",
                violation_error_message=_("季度须在1至4之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度述职测评"


class AppraisalReport(models.Model):
    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.CASCADE, related_name="reports", verbose_name=_("测评")
    )
    seat = models.ForeignKey(
        CommitteeSeat, on_delete=models.PROTECT, related_name="+", verbose_name=_("居委会成员")
    )
    report = models.TextField(_("述职报告"), blank=True)
    questions = models.TextField(_("质询及答复"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("述职")
        verbose_name_plural = _("述职")
        ordering = ["appraisal", "seat__role", "seat_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "seat"],
                name="appraisal_report_once_per_member",
                violation_error_message=_("该成员本季度已有述职记录。"),
            )
        ]

    def __str__(self) -> str:
        return str(self.seat)


class AppraisalScore(models.Model):
    """One representative's score of one member (0-100). Only averages are posted."""

    report = models.ForeignKey(
        AppraisalReport, on_delete=models.CASCADE, related_name="scores", verbose_name=_("述职")
    )
    member = models.ForeignKey(
        MeetingMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("测评人")
    )
    score = models.PositiveSmallIntegerField(_("分数"), validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("测评分数")
        verbose_name_plural = _("测评分数")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "member"],
                name="appraisal_score_once",
                violation_error_message=_("该代表已为该成员打分，不能重复测评。"),
            ),
            models.CheckConstraint(
                condition=Q(score__lte=100),
                name="appraisal_score_le_100",
                violation_error_message=_("分数须在0至100之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.score}"
