"""Real-name objections to a posting, and the daily reminder to answer them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.idnumbers import validate_phone
from core.models import Community
from notices.models.postings import Posting


class Objection(models.Model):
    """异议: a real-name objection.

    Residents file on the public board during a posting's objection window, with a phone number.
    A supervisor (监督委员) files from the admin on any released posting (see
    ``notices.services.objection_file_by_supervisor``); ``filed_by`` is their account, which names
    them, so no phone is needed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待答复")
        ANSWERED = "answered", _("已答复")

    posting = models.ForeignKey(
        Posting, on_delete=models.PROTECT, related_name="objections", verbose_name=_("公开事项")
    )
    name = models.CharField(_("异议人姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    body = models.TextField(_("异议内容"), max_length=2000)
    filed_at = models.DateTimeField(_("提出时间"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提出人账号"),
        help_text=_("监督委员在工作台提出的异议记录其账号；居民在公开栏提出的为空"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    answer = models.TextField(_("答复"), blank=True)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    # The resident looks the objection up with this (notices.objections.new_reference): random, so
    # one reference says nothing about another. Null only for rows from before it existed.
    reference = models.CharField(_("查询编号"), max_length=16, unique=True, null=True, editable=False)
    # SHA-256 of the normalized name, phone and text: the same objection sent twice is stored once.
    fingerprint = models.CharField(_("内容指纹"), max_length=64, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["filed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="objection_answered_has_answer",
                violation_error_message=_("答复异议须填写答复内容和答复时间。"),
            ),
            # Someone must be reachable: a resident by phone, a supervisor through their account.
            models.CheckConstraint(
                condition=~Q(phone="") | Q(filed_by__isnull=False),
                name="objection_has_contact",
                violation_error_message=_("异议须留有联系电话，或由工作人员以本人账号提出。"),
            ),
            models.UniqueConstraint(
                fields=["posting", "fingerprint"],
                condition=~Q(fingerprint=""),
                name="objection_once_per_content",
                violation_error_message=_("相同的异议已经提交过。"),
            ),
        ]
        permissions = [("file_objection", _("可以以监督委员身份对公开事项提出异议"))]
        # The hourly limit per phone counts this resident's objections of the last hour.
        indexes = [models.Index(fields=["phone", "filed_at"], name="objection_phone_idx")]

    def __str__(self) -> str:
        return str(_("对“%(title)s”的异议") % {"title": self.posting.title})


class ObjectionReminder(models.Model):
    """One reminder email per community and day about unanswered objections (the daily task is
    idempotent: run twice on one day, staff get one email)."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    sent_on = models.DateField(_("日期"))
    objections = models.PositiveIntegerField(_("待答复异议数"))
    recipients = models.PositiveIntegerField(_("收件人数"))
    sent_at = models.DateTimeField(_("发送时间"))

    class Meta:
        verbose_name = _("异议答复提醒")
        verbose_name_plural = _("异议答复提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "sent_on"],
                name="objection_reminder_once_a_day",
                violation_error_message=_("今天已发送过异议答复提醒。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.sent_on}"
