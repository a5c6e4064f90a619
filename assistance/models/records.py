"""What the steps of a case record: the household visit with its photos, the investigations, the
unannounced visits, the assembly's scores; and what the portal records about a case: its
cross-check flags and every view of it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assistance.models.cases import MONEY, Case
from committee.models import Resident, ResidentsGroup


class Visit(models.Model):
    """入户调查: at least two people (the service checks), with photos."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits", verbose_name=_("申请"))
    visited_on = models.DateField(_("调查日期"))
    visitors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("调查人员"))
    findings = models.TextField(_("调查情况"))
    recorded_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("入户调查")
        verbose_name_plural = _("入户调查")
        ordering = ["case", "visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="photos", verbose_name=_("入户调查")
    )
    image = models.FileField(
        _("照片"),
        upload_to="assistance/visits/%Y/%m/",
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )

    class Meta:
        verbose_name = _("入户调查照片")
        verbose_name_plural = _("入户调查照片")

    def __str__(self) -> str:
        return self.image.name


class Investigation(models.Model):
    """调查核实 by a group leader with local representatives; a cross-investigation (交叉调查) is
    the same by another group's leader and representatives."""

    class Kind(models.TextChoices):
        FIRST = "first", _("本组调查")
        CROSS = "cross", _("交叉调查")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="investigations", verbose_name=_("申请")
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    group = models.ForeignKey(
        ResidentsGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("调查小组")
    )
    leader = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("组长"))
    representatives = models.ManyToManyField(Resident, related_name="+", verbose_name=_("居民代表"))
    investigated_on = models.DateField(_("调查日期"))
    household_size = models.PositiveSmallIntegerField(_("核实家庭人口"), validators=[MinValueValidator(1)])
    monthly_income = models.DecimalField(_("核实家庭月收入（元）"), **MONEY)
    assets_value = models.DecimalField(_("核实家庭资产（元）"), default=Decimal("0"), **MONEY)
    findings = models.TextField(_("调查结论"))
    recorded_at = models.DateTimeField(_("录入时间"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("调查核实")
        verbose_name_plural = _("调查核实")
        ordering = ["case", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                name="assistance_one_investigation_per_kind",
                violation_error_message=_("该申请已有同类调查记录。"),
            ),
            models.CheckConstraint(
                condition=Q(monthly_income__gte=0) & Q(assets_value__gte=0),
                name="assistance_investigation_not_negative",
                violation_error_message=_("收入和资产不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1),
                name="assistance_investigation_size_positive",
                violation_error_message=_("家庭人口至少为1人。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.investigated_on:%Y-%m-%d}"

    @property
    def per_capita(self) -> Decimal:
        return (self.monthly_income / self.household_size).quantize(Decimal("0.01"))


class SurpriseVisit(models.Model):
    """明察暗访 during the committee's review."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="surprise_visits", verbose_name=_("申请")
    )
    visited_on = models.DateField(_("走访日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("走访人")
    )
    findings = models.TextField(_("走访情况"))

    class Meta:
        verbose_name = _("明察暗访")
        verbose_name_plural = _("明察暗访")
        ordering = ["case", "visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d}"


class Score(models.Model):
    """民意测评: one representative's score (0-100) of one case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="scores", verbose_name=_("申请"))
    representative = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("居民代表")
    )
    score = models.PositiveSmallIntegerField(_("分数"), validators=[MaxValueValidator(100)])
    recorded_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("民意测评")
        verbose_name_plural = _("民意测评")
        ordering = ["case", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "representative"],
                name="assistance_one_score_per_representative",
                violation_error_message=_("该居民代表已为本申请评分。"),
            ),
            models.CheckConstraint(
                condition=Q(score__lte=100),
                name="assistance_score_range",
                violation_error_message=_("分数须在0至100之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.representative} {self.score}"


class CaseFlag(models.Model):
    """A finding of the automatic cross-checks (``assistance.checks``), rewritten at every step."""

    class Code(models.TextChoices):
        STAFF_RELATIVE = "staff_relative", _("居委会成员或工作人员近亲属")
        TWO_HOUSEHOLDS = "two_households", _("同一人登记在两户")
        TWO_CASES = "two_cases", _("同一人在两件在办申请中")
        ALREADY_RECEIVING = "receiving", _("该户已在享受救助")
        OVER_STANDARD = "over_standard", _("人均收入高于标准")
        INVESTIGATIONS_DIFFER = "differ", _("两次调查差异超出容差")
        REGISTRY_CHANGED = "registry", _("户籍变动")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags", verbose_name=_("申请"))
    code = models.CharField(_("类别"), max_length=20, choices=Code.choices)
    message = models.CharField(_("说明"), max_length=300)
    found_at = models.DateTimeField(_("发现时间"))

    class Meta:
        verbose_name = _("自动核查提示")
        verbose_name_plural = _("自动核查提示")
        ordering = ["case", "code"]
        indexes = [models.Index(fields=["code", "case"])]

    def __str__(self) -> str:
        return self.message


class CaseView(models.Model):
    """Who opened a case, when (privacy: every view is logged)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="views", verbose_name=_("申请"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("查看人")
    )
    at = models.DateTimeField(_("查看时间"))

    class Meta:
        verbose_name = _("救助档案查看记录")
        verbose_name_plural = _("救助档案查看记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M}"
