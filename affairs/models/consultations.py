"""Opinion rounds (意见征集) before a vote: a questionnaire on the board where residents rank items by
urgency (DOMAIN.md "集中酝酿": questionnaires rank issues by urgency); the results feed the motion.

No login: a response stores no personal data, only a salted hash of the sender's address to throttle
floods (a few responses per address, as households share one connection)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from affairs.models.motions import Motion
from core.models import Community


class Consultation(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    motion = models.ForeignKey(
        Motion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("相关议题"),
        help_text=_("征集结果将写入该议题的“意见征集情况”"),
    )
    title = models.CharField(_("征集主题"), max_length=200)
    question = models.TextField(_("说明"), help_text=_("请居民按紧迫程度对下列事项排序"))
    items = models.TextField(_("事项"), help_text=_("每行一项，2至8项"))
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    posting = models.ForeignKey(
        "notices.Posting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("公开栏发布"),
        editable=False,
    )
    fed_at = models.DateTimeField(_("结果写入议题时间"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("意见征集")
        verbose_name_plural = _("意见征集（问卷）")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_opening",
                violation_error_message=_("截止时间须晚于开始时间。"),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def item_list(self) -> list[str]:
        return [line.strip() for line in self.items.splitlines() if line.strip()]

    def is_open(self, at) -> bool:
        return self.opens_at <= at < self.closes_at


class ConsultationResponse(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses", verbose_name=_("意见征集")
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    # Ranks in item order: ranking[i] is the rank (1 = most urgent) given to item i.
    ranking = models.JSONField(_("排序"))
    sender = models.CharField(_("来源标识"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("问卷答复")
        verbose_name_plural = _("问卷答复")
        ordering = ["consultation", "submitted_at"]
        indexes = [models.Index(fields=["consultation", "sender"], name="consultation_sender_idx")]

    def __str__(self) -> str:
        return f"{self.consultation} #{self.pk}"
