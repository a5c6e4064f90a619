"""Residents' opinions and reports (居民意见与八必报): DOMAIN.md "Residents' opinions and reports".

Every item gets a tracking code, an owner and two deadlines in working days (acknowledge, answer;
``CommunityRules.opinion_ack_working_days`` / ``opinion_answer_working_days``, 3 and 15 by default).
The state moves only through ``affairs.services.opinions`` (the workflow ``OPINION_FLOW``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Community


class Opinion(models.Model):
    class Category(models.TextChoices):
        SUGGESTION = "suggestion", _("意见建议")
        INQUIRY = "inquiry", _("咨询")
        HELP = "help", _("求助")
        OBJECTION = "objection", _("投诉与异议")
        # 八必报: the eight kinds building captains must report (DOMAIN.md).
        FACILITY = "facility", _("公共设施损坏")
        SANITATION = "sanitation", _("楼道环境脏乱")
        PREGNANCY = "pregnancy", _("新增怀孕")
        NEWCOMERS = "newcomers", _("外来人员流入")
        HOSPITAL = "hospital", _("居民住院")
        RENTAL = "rental", _("房屋出租")
        HAZARD = "hazard", _("安全隐患")
        INSTABILITY = "instability", _("不稳定因素")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        NEW = "new", _("待受理")
        ASSIGNED = "assigned", _("办理中")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("已办结")
        DISMISSED = "dismissed", _("不予受理")

    class Source(models.TextChoices):
        PUBLIC = "public", _("网上提交")
        CAPTAIN = "captain", _("楼栋长报告")
        STAFF = "staff", _("工作人员登记")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        FAIR = "fair", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    code = models.CharField(_("查询码"), max_length=20, unique=True, editable=False)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.NEW, editable=False
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, default=Source.PUBLIC)
    urgent = models.BooleanField(_("紧急"), default=False)
    body = models.TextField(_("内容"))
    location = models.CharField(_("地点"), max_length=100, blank=True)
    building = models.ForeignKey(
        "committee.Building",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("楼栋"),
    )
    # Contact is optional except for objections (a database constraint below); never shown publicly.
    name = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报告人账号"),
    )
    # A keyed hash of the sender's address: enough to count a flood, useless to identify anyone.
    sender_key = models.CharField(_("来源标识"), max_length=32, blank=True, editable=False)
    held = models.BooleanField(
        _("待核实（疑似刷屏）"),
        default=False,
        help_text=_("同一来源短时间内提交过多，先留存待核实，不计入统计；核实后可正常办理。"),
    )
    filed_at = models.DateTimeField(_("提交时间"))
    ack_due = models.DateField(_("受理期限"))
    answer_due = models.DateField(_("答复期限"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
    )
    acknowledged_at = models.DateTimeField(_("受理时间"), null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    answer = models.TextField(_("公开答复"), blank=True)
    resolved = models.BooleanField(_("已解决"), null=True, blank=True, editable=False)
    rating = models.CharField(_("满意度"), max_length=20, choices=Rating.choices, blank=True, editable=False)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True, editable=False)
    ack_reminded_at = models.DateTimeField(_("受理提醒时间"), null=True, blank=True, editable=False)
    answer_reminded_at = models.DateTimeField(_("答复提醒时间"), null=True, blank=True, editable=False)
    overdue_flagged_at = models.DateTimeField(_("逾期标记时间"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["sender_key"])

    class Meta:
        verbose_name = _("居民意见")
        verbose_name_plural = _("居民意见")
        ordering = ["-filed_at"]
        indexes = [
            models.Index(fields=["community", "filed_at"], name="opinion_community_filed"),
            models.Index(fields=["status", "answer_due"], name="opinion_status_due"),
            models.Index(fields=["sender_key", "filed_at"], name="opinion_sender_filed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(category="objection") | (~Q(name="") & ~Q(phone="")),
                name="opinion_objection_has_contact",
                violation_error_message=_("投诉与异议须留下姓名和联系电话，以便核实和答复。"),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["answered", "closed", "dismissed"]) | ~Q(answer=""),
                name="opinion_answered_has_answer",
                violation_error_message=_("答复或办结须填写公开答复内容。"),
            ),
            models.CheckConstraint(
                condition=Q(rating="") | Q(status__in=["answered", "closed"]),
                name="opinion_rating_after_answer",
                violation_error_message=_("答复之后才能评价满意度。"),
            ),
            models.CheckConstraint(
                condition=Q(answer_due__gte=models.F("ack_due")),
                name="opinion_answer_after_ack",
                violation_error_message=_("答复期限不能早于受理期限。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_category_display()}"

    @property
    def is_must_report(self) -> bool:
        return self.category in MUST_REPORT


# 八必报, in the order DOMAIN.md lists them.
MUST_REPORT = [
    Opinion.Category.FACILITY,
    Opinion.Category.SANITATION,
    Opinion.Category.PREGNANCY,
    Opinion.Category.NEWCOMERS,
    Opinion.Category.HOSPITAL,
    Opinion.Category.RENTAL,
    Opinion.Category.HAZARD,
    Opinion.Category.INSTABILITY,
]
# Kinds that are urgent when they arrive (staff may still change the flag).
URGENT_KINDS = {Opinion.Category.HAZARD, Opinion.Category.INSTABILITY}
OPEN_STATES = (Opinion.Status.NEW, Opinion.Status.ASSIGNED)


class OpinionRoute(models.Model):
    """Who receives a kind of item first (分派规则): a report reaches this staff member's desk."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("社区")
    )
    category = models.CharField(_("类别"), max_length=20, choices=Opinion.Category.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("承办人")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("意见分派规则")
        verbose_name_plural = _("意见分派规则")
        ordering = ["community", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "category"],
                name="opinion_route_unique",
                violation_error_message=_("本社区该类别已有分派规则。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} → {self.assignee}"
