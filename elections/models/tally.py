"""The count: two independent entries per station, the definitive station count (closure record)
and its per-candidate votes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committee.models import CommitteeSeat
from elections.models.candidates import Candidate
from elections.models.election import Election
from elections.models.voting import PollingStation

FIGURES = ("issued", "returned", "valid", "void", "blank")


class Choice(models.TextChoices):
    """The answer on a ballot without candidates (a household ballot on a charter, a recall vote)."""

    YES = "yes", _("赞成")
    NO = "no", _("反对")


class _Figures(models.Model):
    issued = models.PositiveIntegerField(_("发出选票"))
    returned = models.PositiveIntegerField(_("收回选票"))
    valid = models.PositiveIntegerField(_("有效票"))
    void = models.PositiveIntegerField(_("无效票"))
    blank = models.PositiveIntegerField(_("空白票"))

    class Meta:
        abstract = True


class CountEntry(_Figures):
    """One typist's entry of a station's paper count (第一次/第二次录入)."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="count_entries", verbose_name=_("选举")
    )
    station = models.ForeignKey(
        PollingStation, on_delete=models.PROTECT, related_name="count_entries", verbose_name=_("投票站")
    )
    round = models.PositiveSmallIntegerField(_("录入次序"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    at = models.DateTimeField(_("录入时间"))
    # Computed from the station's ballot-by-ballot records (唱票) rather than typed from the tally sheet.
    from_ballots = models.BooleanField(_("逐张唱票汇总"), default=False)
    # A discarded entry stays on record (who discarded it and why); only live entries count.
    discarded_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作废人"),
    )
    discard_reason = models.CharField(_("作废原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("计票录入")
        verbose_name_plural = _("计票录入")
        ordering = ["station__number", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "station", "round"],
                condition=Q(discarded_at__isnull=True),
                name="count_entry_round_once",
                violation_error_message=_("本站该次录入已完成。"),
            ),
            # Double entry means two people: the database refuses the same typist twice.
            models.UniqueConstraint(
                fields=["election", "station", "entered_by"],
                condition=Q(discarded_at__isnull=True),
                name="count_entry_two_people",
                violation_error_message=_("第二次录入须由另一名工作人员完成。"),
            ),
            models.CheckConstraint(
                condition=Q(round__in=[1, 2]),
                name="count_entry_round_1_or_2",
                violation_error_message=_("录入次序只能是第一次或第二次。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} #{self.round}"


class CountLine(models.Model):
    """Votes for one candidate, or for one write-in name (另选他人), in one entry."""

    entry = models.ForeignKey(
        CountEntry, on_delete=models.CASCADE, related_name="lines", verbose_name=_("录入")
    )
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("候选人")
    )
    office = models.CharField(_("职务"), max_length=20, choices=CommitteeSeat.Role.choices, blank=True)
    write_in = models.CharField(_("另选他人"), max_length=50, blank=True)
    choice = models.CharField(_("表决意见"), max_length=3, choices=Choice.choices, blank=True)
    votes = models.PositiveIntegerField(_("票数"))

    class Meta:
        verbose_name = _("得票录入")
        verbose_name_plural = _("得票录入")
        constraints = [
            models.CheckConstraint(
                condition=Q(candidate__isnull=False, write_in="", choice="")
                | Q(candidate__isnull=True, choice="") & ~Q(write_in="")
                | Q(candidate__isnull=True, write_in="") & ~Q(choice=""),
                name="count_line_candidate_or_write_in",
                violation_error_message=_("每行填写候选人、另选他人的姓名或表决意见之一。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate or self.write_in} {self.votes}"


class StationCount(_Figures):
    """The definitive count of a station (the closure record, 计票结果报告单), made when both entries
    agree; validated by the election committee and the supervision committee."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="station_counts", verbose_name=_("选举")
    )
    station = models.ForeignKey(
        PollingStation, on_delete=models.PROTECT, related_name="+", verbose_name=_("投票站")
    )
    checkins = models.PositiveIntegerField(_("登记投票人数"))
    box_void = models.BooleanField(_("本站投票无效"), default=False)
    void_reason = models.CharField(_("无效原因"), max_length=200, blank=True)
    difference_note = models.CharField(
        _("差异说明"), max_length=300, blank=True, help_text=_("发出选票与登记人数不一致时说明原因")
    )
    scan = models.FileField(_("签字报告单扫描件"), upload_to="elections/closures/%Y/%m/", blank=True)
    committee_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("选举委员会确认人"),
    )
    committee_validated_at = models.DateTimeField(_("选举委员会确认时间"), null=True, blank=True)
    supervision_validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("监督委员会确认人"),
    )
    supervision_validated_at = models.DateTimeField(_("监督委员会确认时间"), null=True, blank=True)
    at = models.DateTimeField(_("形成时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("投票站计票结果")
        verbose_name_plural = _("投票站计票结果")
        ordering = ["station__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "station"],
                name="station_count_once",
                violation_error_message=_("本站计票结果已形成。"),
            ),
            models.CheckConstraint(
                condition=Q(box_void=True) | Q(returned__lte=F("issued")),
                name="station_count_returned_le_issued",
                violation_error_message=_("收回选票多于发出选票，本站投票无效。"),
            ),
            models.CheckConstraint(
                condition=Q(box_void=False) | ~Q(void_reason=""),
                name="station_count_void_has_reason",
                violation_error_message=_("本站投票无效须记录原因。"),
            ),
        ]

    def __str__(self) -> str:
        return str(self.station)

    @property
    def validated(self) -> bool:
        return self.committee_validated_at is not None and self.supervision_validated_at is not None


class CandidateVotes(models.Model):
    count = models.ForeignKey(
        StationCount, on_delete=models.CASCADE, related_name="votes", verbose_name=_("计票结果")
    )
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("候选人")
    )
    office = models.CharField(_("职务"), max_length=20, choices=CommitteeSeat.Role.choices, blank=True)
    write_in = models.CharField(_("另选他人"), max_length=50, blank=True)
    choice = models.CharField(_("表决意见"), max_length=3, choices=Choice.choices, blank=True)
    votes = models.PositiveIntegerField(_("票数"))

    class Meta:
        verbose_name = _("得票")
        verbose_name_plural = _("得票")

    def __str__(self) -> str:
        return f"{self.candidate or self.write_in} {self.votes}"
