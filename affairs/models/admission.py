"""The work admission list (准入): tasks government departments push down to the committee, each with
its authorization (content, target, scope, time limit, funding, approval) and its classification;
the list is public (DOMAIN.md "Work admission")."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Community


class AdmittedTask(models.Model):
    class Classification(models.TextChoices):
        OWN_DUTY = "own", _("依法履行职责事项")
        ASSISTED = "assisted", _("依法协助政府工作事项（费随事转）")
        PURCHASED = "purchased", _("政府购买服务事项")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    department = models.CharField(_("交办部门"), max_length=100)
    content = models.CharField(_("事项内容"), max_length=300)
    target = models.CharField(_("工作目标"), max_length=300)
    scope = models.CharField(_("实施范围"), max_length=200)
    time_limit = models.CharField(_("完成时限"), max_length=100)
    classification = models.CharField(_("分类"), max_length=20, choices=Classification.choices)
    funding = models.DecimalField(
        _("工作经费（元）"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    approval = models.CharField(
        _("审核批准文件"), max_length=200, help_text=_("如：区社区工作准入审核意见（文号）")
    )
    # The list posting that last published this task (the admin shows whether the list is up to date).
    posting = models.ForeignKey(
        "notices.Posting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("公开"),
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("准入事项")
        verbose_name_plural = _("社区工作准入事项")
        ordering = ["-year", "classification", "department", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(funding__gte=0),
                name="admitted_task_funding_not_negative",
                violation_error_message=_("工作经费不能为负数。"),
            ),
            models.CheckConstraint(
                condition=~Q(classification__in=["assisted", "purchased"]) | Q(funding__gt=0),
                name="admitted_task_paid_work_has_funding",
                violation_error_message=_("协助政府工作和购买服务事项须写明工作经费（费随事转）。"),
            ),
        ]

    def __str__(self) -> str:
        return self.content
