"""Ballot-by-ballot counting (唱票): each paper ballot of a station entered once, with its marks.

Only valid ballots carry marks; a mark repeats the ballot's election and station so the tally is one
GROUP BY over the marks without a join (benchmarks/bench_elections.py measures it against raw SQL).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committee.models import CommitteeSeat
from elections.models.candidates import Candidate
from elections.models.election import Election
from elections.models.tally import Choice
from elections.models.voting import PollingStation


class Ballot(models.Model):
    """One paper ballot as the reader called it out (唱票) and the recorder entered it."""

    class Kind(models.TextChoices):
        VALID = "valid", _("有效票")
        VOID = "void", _("无效票")
        BLANK = "blank", _("空白票")

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("选举")
    )
    station = models.ForeignKey(
        PollingStation, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("投票站")
    )
    number = models.PositiveIntegerField(_("选票序号"))
    kind = models.CharField(_("类别"), max_length=5, choices=Kind.choices)
    void_reason = models.CharField(_("无效原因"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("逐张唱票记录")
        verbose_name_plural = _("逐张唱票记录")
        ordering = ["station__number", "number"]
        constraints = [
            # Two recorders calling the same ballot twice must not count it twice.
            models.UniqueConstraint(
                fields=["election", "station", "number"],
                name="ballot_number_once_per_station",
                violation_error_message=_("该序号的选票在本站已经录入。"),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="ballot_number_positive",
                violation_error_message=_("选票序号从1开始。"),
            ),
            models.CheckConstraint(
                condition=~Q(kind="void") | ~Q(void_reason=""),
                name="ballot_void_has_reason",
                violation_error_message=_("无效票须记录原因。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} #{self.number}"


class BallotMark(models.Model):
    """One name marked on a valid ballot: a candidate, a write-in (另选他人) or a yes/no answer."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks", verbose_name=_("选票"))
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+", verbose_name=_("选举"))
    station = models.ForeignKey(
        PollingStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("投票站")
    )
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("候选人")
    )
    office = models.CharField(_("职务"), max_length=20, choices=CommitteeSeat.Role.choices, blank=True)
    write_in = models.CharField(_("另选他人"), max_length=50, blank=True)
    choice = models.CharField(_("表决意见"), max_length=3, choices=Choice.choices, blank=True)

    class Meta:
        verbose_name = _("选票所选")
        verbose_name_plural = _("选票所选")
        indexes = [models.Index(fields=["election", "station"], name="ballot_mark_election_station")]
        constraints = [
            models.CheckConstraint(
                condition=Q(candidate__isnull=False, write_in="", choice="")
                | Q(candidate__isnull=True, choice="") & ~Q(write_in="")
                | Q(candidate__isnull=True, write_in="") & ~Q(choice=""),
                name="ballot_mark_candidate_or_write_in",
                violation_error_message=_("每个选项填写候选人、另选他人的姓名或表决意见之一。"),
            ),
            # A ballot names a candidate at most once.
            models.UniqueConstraint(
                fields=["ballot", "candidate"],
                condition=Q(candidate__isnull=False),
                name="ballot_mark_candidate_once",
                violation_error_message=_("同一张选票上同一候选人只能记一次。"),
            ),
        ]

    def __str__(self) -> str:
        return str(self.candidate or self.write_in or self.choice)


class BallotCorrection(models.Model):
    """A ballot corrected or removed after it was entered, with the written reason (唱票更正).

    The station, number and both summaries are copied here, so the record stays readable after a
    duplicate ballot is removed (``ballot`` is then empty).
    """

    class Action(models.TextChoices):
        CORRECT = "correct", _("更正")
        REMOVE = "remove", _("删除重复录入")

    ballot = models.ForeignKey(
        Ballot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("选票"),
    )
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+", verbose_name=_("选举"))
    station = models.ForeignKey(
        PollingStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("投票站")
    )
    number = models.PositiveIntegerField(_("选票序号"))
    action = models.CharField(_("操作"), max_length=7, choices=Action.choices)
    before = models.CharField(_("更正前"), max_length=500)
    after = models.CharField(_("更正后"), max_length=500, blank=True)
    reason = models.CharField(_("更正原因"), max_length=200)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("更正人")
    )
    at = models.DateTimeField(_("更正时间"))

    class Meta:
        verbose_name = _("唱票更正记录")
        verbose_name_plural = _("唱票更正记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["election", "station", "number"], name="ballot_correction_ballot")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="ballot_correction_has_reason",
                violation_error_message=_("请写明更正原因。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} #{self.number} {self.get_action_display()}"
