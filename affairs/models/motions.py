"""Motions (议题) through 四议两公开, and the named votes of their resolution.

The steps are ``affairs.services.motion_flow.MOTION_FLOW``; every step leaves a ``TransitionLog`` row
(who, when, what was said). The tally is frozen on the motion when the vote closes, and the named
record (one ``Vote`` per member of the meeting) is what the board posts.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from affairs.models.meetings import Meeting, MeetingMember
from core.models import Community


class Motion(models.Model):
    class Source(models.TextChoices):
        PARTY_BRANCH = "party", _("社区党组织提议")
        COMMITTEE = "committee", _("居委会提议")
        REPRESENTATIVES = "representatives", _("居民代表联名提议")
        PETITION = "petition", _("居民联名提议")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("已提议")
        DELIBERATED = "deliberated", _("已商议")
        REVIEWED = "reviewed", _("已审议，待表决")
        VOTING = "voting", _("表决中")
        RESOLVED = "resolved", _("已通过决议")
        REJECTED = "rejected", _("未通过")
        RESOLUTION_POSTED = "resolution_posted", _("决议已公开")
        IMPLEMENTING = "implementing", _("实施中")
        RESULT_POSTED = "result_posted", _("实施结果已公开")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    title = models.CharField(_("议题"), max_length=200)
    description = models.TextField(_("议题内容"))
    source = models.CharField(_("提议来源"), max_length=20, choices=Source.choices)
    sponsors = models.CharField(
        _("提议人"), max_length=300, blank=True, help_text=_("联名提议时填写联名人（或附联名书）")
    )
    sponsors_count = models.PositiveSmallIntegerField(_("联名人数"), null=True, blank=True)
    proposed_on = models.DateField(_("提议日期"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PROPOSED)
    opinion_summary = models.TextField(
        _("意见征集情况"), blank=True, help_text=_("表决前征求居民意见的结果（问卷按紧迫程度排序的事项）")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="motions",
        verbose_name=_("表决会议"),
        editable=False,
    )
    vote_opened_at = models.DateTimeField(_("开始表决"), null=True, blank=True, editable=False)
    vote_closed_at = models.DateTimeField(_("表决结束"), null=True, blank=True, editable=False)
    members_count = models.PositiveIntegerField(_("应到人数"), null=True, blank=True, editable=False)
    present_count = models.PositiveIntegerField(_("实到人数"), null=True, blank=True, editable=False)
    yes_count = models.PositiveIntegerField(_("赞成"), null=True, blank=True, editable=False)
    no_count = models.PositiveIntegerField(_("反对"), null=True, blank=True, editable=False)
    abstain_count = models.PositiveIntegerField(_("弃权"), null=True, blank=True, editable=False)
    resolution_text = models.TextField(_("决议内容"), blank=True)
    rejection_reason = models.TextField(_("未通过原因"), blank=True, editable=False)
    resolution_posting = models.ForeignKey(
        "notices.Posting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决议公开"),
        editable=False,
    )
    result_summary = models.TextField(_("实施结果"), blank=True)
    result_posting = models.ForeignKey(
        "notices.Posting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("实施结果公开"),
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题（四议两公开）")
        ordering = ["-proposed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source__in=["representatives", "petition"])
                | Q(sponsors_count__isnull=False, sponsors_count__gt=0),
                name="motion_joint_proposal_counts_sponsors",
                violation_error_message=_("联名提议须填写联名人数。"),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["proposed", "deliberated", "reviewed"])
                | Q(meeting__isnull=False)
                | Q(state="rejected"),
                name="motion_voted_at_a_meeting",
                violation_error_message=_("议题须在会议上表决后才能形成决议。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def passed(self) -> bool | None:
        if self.vote_closed_at is None:
            return None
        return self.state not in (self.State.REJECTED, self.State.VOTING)


class Vote(models.Model):
    """One member's vote on a motion (named: who voted how is public)."""

    class Choice(models.TextChoices):
        YES = "yes", _("赞成")
        NO = "no", _("反对")
        ABSTAIN = "abstain", _("弃权")
        ABSENT = "absent", _("缺席")

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="votes", verbose_name=_("议题"))
    member = models.ForeignKey(
        MeetingMember, on_delete=models.PROTECT, related_name="votes", verbose_name=_("表决人")
    )
    choice = models.CharField(_("表决意见"), max_length=10, choices=Choice.choices)
    by_proxy = models.BooleanField(_("由受托人代为表决"), default=False)
    recorded_at = models.DateTimeField(_("记录时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("表决记录")
        verbose_name_plural = _("表决记录")
        ordering = ["motion", "member_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["motion", "member"],
                name="vote_once_per_member",
                violation_error_message=_("该成员已对本议题表决，不能重复表决。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.resident.name}：{self.get_choice_display()}"
