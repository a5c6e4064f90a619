"""The monthly disclosure sheet (PDF) of a community and the jobs that generate it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Community


def disclosure_path(instance: MonthlyDisclosure, filename: str) -> str:
    kind = "v" if instance.is_final else "draft"
    return f"disclosures/{instance.community.slug}/{instance.month:%Y-%m}-{kind}{instance.version}.pdf"


class MonthlyDisclosure(models.Model):
    """居务公开月报: one stored, versioned PDF per community and month.

    A sheet generated after its month ended is final (定稿): public, numbered 第1版, 第2版, ... A
    sheet generated while the month runs is a draft (草稿) for staff to check, numbered apart and
    never listed or served publicly: it covers only part of the month.
    """

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("社区")
    )
    month = models.DateField(_("月份"), help_text=_("该月1日"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    is_final = models.BooleanField(
        _("定稿"),
        default=True,
        help_text=_("月份结束后生成的月报为定稿，对外公开；月内生成的为草稿，仅供工作人员核对"),
    )
    content_hash = models.CharField(_("内容校验码"), max_length=64, help_text=_("内容相同则不生成新版本"))
    ledger_hash = models.CharField(_("月末记录链哈希"), max_length=64, blank=True)
    pdf = models.FileField(_("PDF文件"), upload_to=disclosure_path)
    pages = models.PositiveSmallIntegerField(_("页数"), default=0)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成人"),
    )

    class Meta:
        verbose_name = _("居务公开月报")
        verbose_name_plural = _("居务公开月报")
        ordering = ["community", "-month", "-version"]
        constraints = [
            # Finals and drafts are numbered apart: residents see 第1版, 第2版, ... without gaps.
            models.UniqueConstraint(
                fields=["community", "month", "is_final", "version"],
                name="disclosure_version_unique",
                violation_error_message=_("该月报已有这一版本，请重试。"),
            ),
            models.UniqueConstraint(
                fields=["community", "month", "is_final", "content_hash"],
                name="disclosure_content_once",
                violation_error_message=_("内容相同的月报已经生成过。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.month:%Y-%m} {self.version_label}"

    @property
    def version_label(self) -> str:
        if self.is_final:
            return _("第%(v)d版") % {"v": self.version}
        return _("草稿%(v)d") % {"v": self.version}


class DisclosureJob(models.Model):
    """One request to generate a community's sheet for a month, and what became of it.

    Staff see the state in the admin, so a request never just vanishes: queued until a worker takes
    it (a long queue means no worker is running), running, failed with the reason, or done with the
    sheet it produced. At most one job per community and month is queued or running at a time.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        FAILED = "failed", _("失败")
        DONE = "done", _("已完成")

    ACTIVE = (State.QUEUED, State.RUNNING)

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    month = models.DateField(_("月份"), help_text=_("该月1日"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
        help_text=_("空：定时任务"),
    )
    requested_at = models.DateTimeField(_("提交时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    disclosure = models.ForeignKey(
        MonthlyDisclosure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("生成的月报"),
    )
    created_version = models.BooleanField(_("新增版本"), null=True, blank=True, help_text=_("否：内容未变"))

    class Meta:
        verbose_name = _("月报生成任务")
        verbose_name_plural = _("月报生成任务")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["community", "-requested_at"], name="disclosure_job_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "month"],
                condition=Q(state__in=["queued", "running"]),
                name="disclosure_job_one_active",
                violation_error_message=_("该月报正在生成中，请稍后刷新。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.month:%Y-%m} {self.get_state_display()}"
