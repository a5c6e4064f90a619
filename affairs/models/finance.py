"""Finance disclosure as data (财务收支公开): entries, and the monthly statement computed from them.

An amount is an exact ``Decimal`` (two places, strictly positive: the kind says in or out). The
statement's totals and balance are computed by ``affairs.services.finance`` and the database refuses
a statement whose closing balance is not opening + income − expense, so no one can type a balance.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Community

VOUCHER_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class FinanceEntry(models.Model):
    class Kind(models.TextChoices):
        INCOME = "income", _("收入")
        EXPENSE = "expense", _("支出")

    class Category(models.TextChoices):
        GRANT = "grant", _("上级拨付经费")
        PROJECT = "project", _("公益项目资金")
        SERVICE_INCOME = "service_income", _("服务与管理收入")
        DONATION = "donation", _("捐赠")
        OTHER_INCOME = "other_income", _("其他收入")
        OFFICE = "office", _("办公费")
        UTILITIES = "utilities", _("水电费")
        ENVIRONMENT = "environment", _("环境整治")
        ELDERLY = "elderly", _("为老服务")
        ACTIVITIES = "activities", _("文体活动")
        REPAIRS = "repairs", _("维修维护")
        OTHER_EXPENSE = "other_expense", _("其他支出")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    occurred_on = models.DateField(_("日期"))
    kind = models.CharField(_("收支"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("科目"), max_length=20, choices=Category.choices)
    item = models.CharField(_("摘要"), max_length=100)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    voucher = models.FileField(
        _("凭证"),
        upload_to="finance/vouchers/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(VOUCHER_EXTENSIONS)],
        help_text=_("发票、收据或拨款通知的照片或扫描件（PDF、JPG、PNG）。"),
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("审批人")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("财务收支明细")
        verbose_name_plural = _("财务收支明细")
        ordering = ["-occurred_on", "pk"]
        indexes = [models.Index(fields=["community", "occurred_on"], name="finance_entry_month")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=Decimal("0")),
                name="finance_entry_amount_positive",
                violation_error_message=_("金额必须大于零；收入或支出由“收支”一栏区分。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()} {self.item} {self.amount}"


INCOME_CATEGORIES = {
    FinanceEntry.Category.GRANT,
    FinanceEntry.Category.PROJECT,
    FinanceEntry.Category.SERVICE_INCOME,
    FinanceEntry.Category.DONATION,
    FinanceEntry.Category.OTHER_INCOME,
}


_COMPUTED = F("opening_balance") + F("income_total") - F("expense_total")


class FinanceStatement(models.Model):
    """One month's statement of one community, generated from the entries, posted on the board."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    opening_balance = models.DecimalField(_("上月结余（元）"), max_digits=14, decimal_places=2)
    income_total = models.DecimalField(_("本月收入（元）"), max_digits=14, decimal_places=2)
    expense_total = models.DecimalField(_("本月支出（元）"), max_digits=14, decimal_places=2)
    closing_balance = models.DecimalField(_("本月结余（元）"), max_digits=14, decimal_places=2)
    entries = models.PositiveIntegerField(_("明细笔数"))
    generated_at = models.DateTimeField(_("生成时间"))
    # The board posting showing it (notices.Posting id of the latest version).
    posting_id = models.PositiveBigIntegerField(_("公示编号"), null=True, blank=True)
    posted_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("月度收支表")
        verbose_name_plural = _("月度收支表")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "month"],
                name="finance_statement_one_per_month",
                violation_error_message=_("本社区该月已有收支表。"),
            ),
            # Within half a cent: exact on PostgreSQL (numeric); the embedded SQLite demo does decimal
            # arithmetic in floating point, where 1000 + 55400.10 - 2350.60 is not exactly 54049.50.
            models.CheckConstraint(
                condition=Q(closing_balance__gte=_COMPUTED - Decimal("0.005"))
                & Q(closing_balance__lte=_COMPUTED + Decimal("0.005")),
                name="finance_statement_balance_computed",
                violation_error_message=_("本月结余必须等于上月结余加本月收入减本月支出。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
