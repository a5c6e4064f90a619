"""A hardship case (救助申请): one household, one programme, its declared members, incomes and assets.

The case moves through ``assistance.flow.CASE_FLOW``; every step is a service call that the flow
logs (who, when, findings) in ``core.models.TransitionLog``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assistance.models.programmes import Programme
from committee.models import Household, Resident
from core.models import Community

MONEY = {"max_digits": 10, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class Case(models.Model):
    class State(models.TextChoices):
        APPLIED = "applied", _("已申请")
        VISITED = "visited", _("已入户调查")
        INVESTIGATED = "investigated", _("已调查核实")
        CHECKED = "checked", _("申请人已确认")
        DISPUTED = "disputed", _("申请人有异议")
        CROSS_INVESTIGATED = "cross_investigated", _("已交叉调查")
        COMPARED = "compared", _("已比对")
        REVIEWED = "reviewed", _("居委会已评议")
        SCORED = "scored", _("民意测评通过")
        POSTED = "posted", _("公示中")
        REPORTED = "reported", _("已上报街道")
        APPROVED = "approved", _("街道已审批（享受中）")
        RETURNED = "returned", _("街道退回")
        REJECTED = "rejected", _("不予认定")
        ENDED = "ended", _("已停止救助")

    class Kind(models.TextChoices):
        NEW = "new", _("新申请")
        RECERTIFICATION = "recert", _("复核")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="assistance_cases", verbose_name=_("社区")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="assistance_cases", verbose_name=_("申请户")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cases", verbose_name=_("救助项目")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    renews = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("复核的原案"),
    )
    applicant = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="assistance_applications", verbose_name=_("申请人")
    )
    via_leader = models.ForeignKey(
        Resident,
        on_delete=models.PROTECT,
        related_name="assistance_forwarded",
        verbose_name=_("经办居民组长"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assistance_cases",
        verbose_name=_("专管员"),
    )
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.APPLIED)
    applied_on = models.DateField(_("申请日期"))
    reason = models.TextField(_("申请理由"))
    monthly_amount = models.DecimalField(_("拟救助金额（元/月）"), default=Decimal("0"), **MONEY)
    step_due_on = models.DateField(_("本环节办理期限"), null=True, blank=True)
    # Filled by the steps (each also logged with who and when).
    applicant_response = models.TextField(_("申请人确认意见"), blank=True)
    comparison_note = models.TextField(_("两次调查比对"), blank=True)
    review_note = models.TextField(_("居委会评议意见"), blank=True)
    score_result = models.CharField(_("民意测评结果"), max_length=200, blank=True)
    posting_id = models.PositiveBigIntegerField(_("公示编号"), null=True, blank=True, editable=False)
    posting_ends_at = models.DateTimeField(_("公示截止"), null=True, blank=True, editable=False)
    posting_closed_at = models.DateTimeField(_("公示期满时间"), null=True, blank=True, editable=False)
    street_note = models.TextField(_("街道审批意见"), blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    certified_until = models.DateField(_("有效期至"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("救助申请")
        verbose_name_plural = _("救助申请")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0),
                name="assistance_case_amount_not_negative",
                violation_error_message=_("救助金额不能为负数。"),
            ),
            # One open case per household and programme: a second application waits for the first.
            models.UniqueConstraint(
                fields=["household", "programme"],
                condition=~Q(state__in=["approved", "returned", "rejected", "ended"]),
                name="assistance_one_open_case_per_household",
                violation_error_message=_("该户已有同一救助项目的在办申请，不能重复申请。"),
            ),
        ]
        indexes = [models.Index(fields=["community", "state"]), models.Index(fields=["household", "state"])]

    def __str__(self) -> str:
        return str(
            _("%(number)s户 %(programme)s申请")
            % {"number": self.household.number, "programme": self.programme}
        )


class CaseMember(models.Model):
    """A member of the household as declared in the application, with their monthly income."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members", verbose_name=_("申请"))
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="assistance_memberships", verbose_name=_("家庭成员")
    )
    monthly_income = models.DecimalField(_("申报月收入（元）"), default=Decimal("0"), **MONEY)
    income_source = models.CharField(_("收入来源"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("申报家庭成员")
        verbose_name_plural = _("申报家庭成员")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "resident"],
                name="assistance_member_once_per_case",
                violation_error_message=_("该成员已在本申请中申报。"),
            ),
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0),
                name="assistance_member_income_not_negative",
                violation_error_message=_("收入不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return self.resident.name


class CaseAsset(models.Model):
    class Kind(models.TextChoices):
        HOUSING = "housing", _("房产")
        VEHICLE = "vehicle", _("车辆")
        DEPOSIT = "deposit", _("存款及有价证券")
        OTHER = "other", _("其他")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assets", verbose_name=_("申请"))
    kind = models.CharField(_("资产类别"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    value = models.DecimalField(_("估值（元）"), default=Decimal("0"), **MONEY)

    class Meta:
        verbose_name = _("申报家庭资产")
        verbose_name_plural = _("申报家庭资产")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="assistance_asset_value_not_negative",
                violation_error_message=_("资产估值不能为负数。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"
