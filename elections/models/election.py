"""An election (选举), its seats per office and its election committee (选举委员会)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committee.models import CommitteeSeat, Resident, ResidentsGroup
from core.models import Community


class Election(models.Model):
    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("居委会选举")
        REPRESENTATIVES = "representatives", _("居民代表选举")
        SUPERVISION = "supervision", _("居务监督委员会选举")
        RECALL = "recall", _("罢免表决")
        HOUSEHOLD_BALLOT = "household_ballot", _("户代表票决")

    class Status(models.TextChoices):
        DRAFT = "draft", _("筹备中")
        ROLL_POSTED = "roll_posted", _("选民名单公示中")
        NOMINATIONS = "nominations", _("提名候选人")
        VETTING = "vetting", _("资格审查")
        CANDIDATES_POSTED = "candidates_posted", _("正式候选人已公布")
        VOTING = "voting", _("投票中")
        COUNTING = "counting", _("计票中")
        RESULTS_POSTED = "results_posted", _("结果已公布")
        CLOSED = "closed", _("已结束")

    class RecallRoute(models.TextChoices):
        VOTERS = "voters", _("选民联名")
        REPRESENTATIVES = "representatives", _("居民代表联名")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="elections", verbose_name=_("社区")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.COMMITTEE)
    title = models.CharField(_("名称"), max_length=100, help_text=_("如：第十二届居民委员会选举"))
    election_day = models.DateField(_("选举日"))
    group = models.ForeignKey(
        ResidentsGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("居民小组"),
        help_text=_("居民代表选举时填写：只有本组选民参加"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    signatures_required = models.PositiveSmallIntegerField(
        _("联名提名所需人数"), default=10, help_text=_("选民联名提名候选人时须达到的签名人数")
    )
    # A further round (另行选举) shares the first round's roll and stations.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="further_rounds",
        verbose_name=_("原选举"),
        editable=False,
    )
    rehearsal = models.BooleanField(
        _("演练"), default=False, help_text=_("演练选举不在公开栏公布，可整体删除")
    )
    # Recall (罢免): the member whose recall is voted on, and their written answer.
    recall_member = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被罢免人"),
        help_text=_("罢免表决时填写"),
    )
    # Which petition route (DOMAIN.md: one fifth of voters or one third of representatives) met its
    # share when the recall vote was readied; the posted results say so.
    recall_route = models.CharField(
        _("罢免联名方式"), max_length=20, choices=RecallRoute.choices, blank=True, editable=False
    )
    recall_answer = models.TextField(_("被罢免人书面申辩"), blank=True, editable=False)
    qa_meeting_at = models.DateTimeField(_("竞选答辩会时间"), null=True, blank=True, editable=False)
    qa_meeting_notes = models.TextField(_("竞选答辩会记录"), blank=True, editable=False)
    candidates_posting_id = models.PositiveBigIntegerField(
        _("候选人公示编号"), null=True, blank=True, editable=False
    )
    candidates_posted_at = models.DateTimeField(
        _("候选人名单公布时间"), null=True, blank=True, editable=False
    )
    results_posting_id = models.PositiveBigIntegerField(
        _("结果公告编号"), null=True, blank=True, editable=False
    )
    results_posted_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("选举")
        verbose_name_plural = _("选举")
        ordering = ["-election_day", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "title"],
                name="election_title_unique_in_community",
                violation_error_message=_("本社区已有同名的选举。"),
            ),
            models.CheckConstraint(
                condition=Q(signatures_required__gte=1),
                name="election_signatures_required_positive",
                violation_error_message=_("联名提名所需人数至少为1。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def root(self) -> Election:
        """The first round: it owns the roll and the polling stations."""
        return self.parent if self.parent_id else self

    @property
    def per_household(self) -> bool:
        return self.kind == self.Kind.HOUSEHOLD_BALLOT

    @property
    def has_candidates(self) -> bool:
        return self.kind not in (self.Kind.RECALL, self.Kind.HOUSEHOLD_BALLOT)

    def roll_due(self) -> dt.date:
        """DOMAIN.md: roll posted at least N (20) days before election day."""
        return self.election_day - dt.timedelta(days=self.community.rules.roll_posting_days)

    def candidates_due(self) -> dt.date:
        """DOMAIN.md: official candidate list posted at least N (5) days before election day."""
        return self.election_day - dt.timedelta(days=self.community.rules.candidate_list_days)


class Seat(models.Model):
    """How many are elected to one office (主任, 副主任, 委员) in this election."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="seats", verbose_name=_("选举")
    )
    office = models.CharField(_("职务"), max_length=20, choices=CommitteeSeat.Role.choices)
    count = models.PositiveSmallIntegerField(_("应选人数"), default=1)
    # A further round for a seat kept for a woman (DOMAIN.md: at least one woman on the committee):
    # that many of its seats go to women only (elections.services.women).
    women_reserved = models.PositiveSmallIntegerField(_("其中保留女性名额"), default=0, editable=False)

    class Meta:
        verbose_name = _("应选职数")
        verbose_name_plural = _("应选职数")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "office"],
                name="seat_office_once_per_election",
                violation_error_message=_("同一职务的应选人数只能填写一次。"),
            ),
            models.CheckConstraint(
                condition=Q(count__gte=1),
                name="seat_count_positive",
                violation_error_message=_("应选人数至少为1。"),
            ),
            models.CheckConstraint(
                condition=Q(women_reserved__lte=models.F("count")),
                name="seat_women_reserved_within_count",
                violation_error_message=_("保留女性名额不能多于应选人数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_office_display()} {self.count}"


class ElectionCommitteeMember(models.Model):
    """A member of the election committee; one who becomes a candidate steps down (DOMAIN.md)."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="committee_members", verbose_name=_("选举")
    )
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("成员"))
    is_chair = models.BooleanField(_("主任"), default=False)
    stepped_down_at = models.DateTimeField(_("退出时间"), null=True, blank=True, editable=False)
    step_down_reason = models.CharField(_("退出原因"), max_length=200, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("选举委员会成员")
        verbose_name_plural = _("选举委员会成员")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "resident"],
                name="election_committee_member_once",
                violation_error_message=_("该居民已是本次选举委员会成员。"),
            ),
            models.CheckConstraint(
                condition=Q(stepped_down_at__isnull=True) | ~Q(step_down_reason=""),
                name="election_committee_step_down_has_reason",
                violation_error_message=_("退出选举委员会须记录原因。"),
            ),
        ]

    def __str__(self) -> str:
        return self.resident.name

    @property
    def active(self) -> bool:
        return self.stepped_down_at is None
