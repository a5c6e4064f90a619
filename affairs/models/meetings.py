"""Meetings of the community's bodies: who sits in them (taken from the registry for the current
term when the meeting is created), who signed in, and the minutes.

DOMAIN.md "Voting and meetings": a residents' meeting is valid with more than half of its members
present; the representative assembly with two thirds; a decision needs more than half of those
present. The figures are per-community rules (``core.CommunityRules``); ``affairs.services.meetings``
computes quorum from them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committee.models import CommitteeTerm, Resident
from core.models import Community


class Body(models.TextChoices):
    RESIDENTS_MEETING = "residents", _("居民会议")
    ASSEMBLY = "assembly", _("居民代表会议")
    COUNCIL = "council", _("议事协调会")
    COMMITTEE = "committee", _("居委会会议")
    SUPERVISION = "supervision", _("居务监督委员会会议")
    JOINT = "joint", _("三方联席会议")


# Only these bodies decide public matters (四议两公开: the assembly's resolution, 决议).
DECIDING_BODIES = (Body.RESIDENTS_MEETING, Body.ASSEMBLY)
# Only the residents' meeting lets a member be represented (a household sends a written
# authorization); representatives and committee members attend in person.
PROXY_BODIES = (Body.RESIDENTS_MEETING,)


class Meeting(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    body = models.CharField(_("会议类别"), max_length=20, choices=Body.choices)
    title = models.CharField(_("会议名称"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=200)
    agenda = models.TextField(_("议程"), help_text=_("每行一项"))
    is_public = models.BooleanField(
        _("公开会议"), default=True, help_text=_("公开会议列入公开栏的会议安排和日历订阅，居民可以旁听")
    )
    guests = models.CharField(
        _("列席人员"), max_length=300, blank=True, help_text=_("如物业服务企业、业主委员会代表（不参加表决）")
    )
    term = models.ForeignKey(
        CommitteeTerm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("届次"),
        editable=False,
    )
    minutes = models.TextField(_("会议记录"), blank=True)
    closed_at = models.DateTimeField(_("会议记录定稿时间"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("会议结束时间须晚于开始时间。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class MeetingMember(models.Model):
    """One member of the body for this meeting (a snapshot of the registry) and their attendance."""

    class Attendance(models.TextChoices):
        PENDING = "pending", _("未签到")
        PRESENT = "present", _("出席")
        PROXY = "proxy", _("委托出席")
        ABSENT = "absent", _("缺席")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="members", verbose_name=_("会议")
    )
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("成员"))
    capacity = models.CharField(_("身份"), max_length=100, blank=True)
    attendance = models.CharField(
        _("出席情况"), max_length=10, choices=Attendance.choices, default=Attendance.PENDING
    )
    signed_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    proxy_holder = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proxies",
        verbose_name=_("受托人"),
        help_text=_("委托出席时填写：持书面委托书代为出席和表决的本次会议成员"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("参会成员")
        verbose_name_plural = _("参会成员")
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "resident"],
                name="meeting_member_once",
                violation_error_message=_("该居民已在本次会议的成员名单中。"),
            ),
            models.CheckConstraint(
                condition=Q(attendance="proxy", proxy_holder__isnull=False)
                | (~Q(attendance="proxy") & Q(proxy_holder__isnull=True)),
                name="meeting_member_proxy_needs_holder",
                violation_error_message=_("委托出席须指定受托人；其他出席情况不能填写受托人。"),
            ),
            models.CheckConstraint(
                condition=~Q(proxy_holder=models.F("id")),
                name="meeting_member_not_own_proxy",
                violation_error_message=_("不能委托本人。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident.name}（{self.capacity}）" if self.capacity else self.resident.name

    @property
    def counts_present(self) -> bool:
        return self.attendance in (self.Attendance.PRESENT, self.Attendance.PROXY)
