"""Tables of the base layer."""

from __future__ import annotations

import re
from fractions import Fraction

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.idnumbers import normalize_phone, validate_phone


class TransitionLog(models.Model):
    """One step of a workflow (core.workflow): who moved which record from which state, when, why.

    Append-only by convention: the workflow helper writes it in the same transaction as the step,
    so a step that is rolled back leaves no entry.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录类型")
    )
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    subject = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField(_("流程"), max_length=50)
    transition = models.CharField(_("步骤"), max_length=50)
    label = models.CharField(_("办理事项"), max_length=100)
    source_state = models.CharField(_("办理前状态"), max_length=50)
    target_state = models.CharField(_("办理后状态"), max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办理人"),
    )
    at = models.DateTimeField(_("办理时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="transition_log_subject_idx")
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.at:%Y-%m-%d %H:%M}"


_PHONE_LIST_SPLIT = re.compile(r"[\n,，;；、]+")


def split_phone_list(value: str) -> list[str]:
    """The numbers of a list typed one per line or separated by commas."""
    return [p.strip() for p in _PHONE_LIST_SPLIT.split(value or "") if p.strip()]


def public_phones_validator(value: str) -> None:
    bad = []
    for phone in split_phone_list(value):
        try:
            validate_phone(normalize_phone(phone))
        except ValidationError:
            bad.append(phone)
    if bad:
        raise ValidationError(
            _("以下号码格式不正确：%(bad)s。手机号为11位（以1开头），座机为区号加号码，如010-12345678。"),
            params={"bad": "、".join(bad)},
        )


# [0-9], not \d: \d also matches other scripts' digits, which int() reads and the admin would store.
fraction_validator = RegexValidator(r"^[0-9]+/[1-9][0-9]*$", _("请填写分数，如 1/2 或 2/3。"))


class User(AbstractUser):
    """Staff account. Residents do not log in (the board is public)."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True, validators=[validate_phone])

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        # The admin greets staff with this ("欢迎，张伟").
        return self.full_name or self.username

    def get_full_name(self) -> str:
        # Records of who did what (step logs, history) name the person, not the login.
        return self.full_name or self.username


class StreetOffice(models.Model):
    name = models.CharField(_("街道办事处"), max_length=100, unique=True)
    district = models.CharField(_("所属区县"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("街道办事处")
        verbose_name_plural = _("街道办事处")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    street_office = models.ForeignKey(
        StreetOffice, on_delete=models.PROTECT, related_name="communities", verbose_name=_("街道办事处")
    )
    name = models.CharField(_("社区名称"), max_length=100)
    slug = models.SlugField(
        _("网址中的社区简称"),
        max_length=50,
        unique=True,
        help_text=_("只用字母、数字和短横线，如 xingfu：公开栏网址即 /c/xingfu/"),
    )
    address = models.CharField(_("居委会地址"), max_length=200, blank=True)
    phone = models.CharField(_("居委会电话"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["street_office", "name"],
                name="community_name_unique_in_office",
                violation_error_message=_("该街道下已有同名社区。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rules(self) -> CommunityRules:
        """Every per-community parameter of DOMAIN.md; created with the legal defaults on first use."""
        try:
            return self._rules
        except CommunityRules.DoesNotExist:
            rules, _created = CommunityRules.objects.get_or_create(community=self)
            self._rules = rules
            return rules


class CommunityRules(models.Model):
    """Per-community parameters. Defaults are the legal defaults quoted in DOMAIN.md."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="_rules", verbose_name=_("社区")
    )
    # Committee
    term_years = models.PositiveSmallIntegerField(
        _("居委会任期（年）"), default=5, validators=[MinValueValidator(1)]
    )
    seats_min = models.PositiveSmallIntegerField(
        _("居委会最少职数"), default=5, validators=[MinValueValidator(1)]
    )
    seats_max = models.PositiveSmallIntegerField(
        _("居委会最多职数"), default=9, validators=[MinValueValidator(1)]
    )
    households_per_staff = models.PositiveSmallIntegerField(_("每名工作人员服务户数"), default=300)
    households_per_representative_min = models.PositiveSmallIntegerField(
        _("居民代表每代表户数（下限）"), default=5
    )
    households_per_representative_max = models.PositiveSmallIntegerField(
        _("居民代表每代表户数（上限）"), default=15
    )
    assembly_reps_per_group_min = models.PositiveSmallIntegerField(
        _("每组出席代表会议人数（下限）"), default=2
    )
    assembly_reps_per_group_max = models.PositiveSmallIntegerField(
        _("每组出席代表会议人数（上限）"), default=3
    )
    captain_posting_working_days = models.PositiveSmallIntegerField(_("楼栋长公示（工作日）"), default=5)
    # Meetings
    residents_meeting_quorum = models.CharField(
        _("居民会议出席比例（须超过）"), max_length=9, default="1/2", validators=[fraction_validator]
    )
    assembly_quorum = models.CharField(
        _("居民代表会议出席比例（须达到）"), max_length=9, default="2/3", validators=[fraction_validator]
    )
    decision_majority = models.CharField(
        _("表决通过比例（须超过到会人数的）"), max_length=9, default="1/2", validators=[fraction_validator]
    )
    # Elections
    roll_posting_days = models.PositiveSmallIntegerField(_("选民名单提前公布（天）"), default=20)
    roll_objection_days = models.PositiveSmallIntegerField(_("选民名单异议期（天）"), default=5)
    roll_objection_answer_days = models.PositiveSmallIntegerField(_("选民名单异议答复期限（天）"), default=3)
    candidate_list_days = models.PositiveSmallIntegerField(_("正式候选人名单提前公布（天）"), default=5)
    max_proxies = models.PositiveSmallIntegerField(_("每名选民最多委托投票数"), default=3)
    election_turnout = models.CharField(
        _("选举有效参选比例（须超过）"), max_length=9, default="1/2", validators=[fraction_validator]
    )
    election_win_share = models.CharField(
        _("当选得票比例（须超过参选人数的）"), max_length=9, default="1/2", validators=[fraction_validator]
    )
    further_round_min_share = models.CharField(
        _("另行选举当选最低得票比例"), max_length=9, default="1/3", validators=[fraction_validator]
    )
    recall_voter_share = models.CharField(
        _("罢免联名选民比例"), max_length=9, default="1/5", validators=[fraction_validator]
    )
    recall_representative_share = models.CharField(
        _("罢免联名代表比例"), max_length=9, default="1/3", validators=[fraction_validator]
    )
    household_ballot_pass_share = models.CharField(
        _("户代表票决通过比例（须超过有效票的）"),
        max_length=9,
        default="1/2",
        validators=[fraction_validator],
    )
    # Opinions
    opinion_ack_working_days = models.PositiveSmallIntegerField(_("居民意见受理时限（工作日）"), default=3)
    opinion_answer_working_days = models.PositiveSmallIntegerField(
        _("居民意见答复时限（工作日）"), default=15
    )
    # Hardship
    hardship_posting_days = models.PositiveSmallIntegerField(_("低保公示期（天）"), default=7)
    hardship_recheck_months = models.PositiveSmallIntegerField(_("低保复核周期（月）"), default=12)
    low_income_standard = models.DecimalField(
        _("低保标准（元/人/月）"),
        max_digits=8,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    # Quarterly appraisal of committee members (民主测评): lowest average score of each grade
    appraisal_excellent = models.PositiveSmallIntegerField(
        _("测评“优秀”最低平均分"), default=90, validators=[MaxValueValidator(100)]
    )
    appraisal_competent = models.PositiveSmallIntegerField(
        _("测评“称职”最低平均分"), default=75, validators=[MaxValueValidator(100)]
    )
    appraisal_basic = models.PositiveSmallIntegerField(
        _("测评“基本称职”最低平均分"), default=60, validators=[MaxValueValidator(100)]
    )
    # Public board
    public_phones = models.TextField(
        _("公开联系电话"),
        blank=True,
        help_text=_(
            "可以出现在公开栏中的本社区联系手机号，每行一个（也可用逗号分隔）；居委会电话自动包括在内。"
            "其他手机号码一律不能发布。"
        ),
        validators=[public_phones_validator],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("社区规则参数")
        verbose_name_plural = _("社区规则参数")
        constraints = [
            models.CheckConstraint(
                condition=Q(seats_min__lte=models.F("seats_max")),
                name="rules_seats_min_le_max",
                violation_error_message=_("最少职数不能大于最多职数。"),
            ),
            models.CheckConstraint(
                condition=Q(
                    households_per_representative_min__lte=models.F("households_per_representative_max")
                ),
                name="rules_rep_households_min_le_max",
                violation_error_message=_("居民代表每代表户数的下限不能大于上限。"),
            ),
            models.CheckConstraint(
                condition=Q(appraisal_excellent__gt=models.F("appraisal_competent"))
                & Q(appraisal_competent__gt=models.F("appraisal_basic"))
                & Q(appraisal_excellent__lte=100),
                name="rules_appraisal_grades_ordered",
                violation_error_message=_("测评分数线须为：优秀 > 称职 > 基本称职，且不超过100分。"),
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(community)s的规则参数") % {"community": self.community})

    def fraction(self, name: str) -> Fraction:
        num, den = getattr(self, name).split("/")
        return Fraction(int(num), int(den))

    def clean(self):
        for f in self._meta.fields:
            if f.validators and fraction_validator in f.validators:
                value = getattr(self, f.name)
                if value and fraction_validator.regex.match(value) and not (0 < self.fraction(f.name) <= 1):
                    raise ValidationError({f.name: _("比例须大于0且不超过1。")})
        if self.seats_min > self.seats_max:
            raise ValidationError({"seats_min": _("最少职数不能大于最多职数。")})


class OfficialDay(models.Model):
    """A holiday or adjusted working day entered by staff from the official schedule.

    Entered days win over the ``chinese_calendar`` package (DOMAIN.md). The State Council's
    schedule is national, but a day entered by one community's chair must not move the deadlines
    of every other community, and some places add their own days (provinces and autonomous regions
    set local holidays). So a day is either national (``community`` empty, entered by a superuser)
    or one community's (entered by its 主任); for that community its own entry wins over a national
    one for the same date, which wins over the library (``core.calendar``).
    """

    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="official_days",
        verbose_name=_("适用社区"),
        help_text=_("留空为全国安排（仅系统管理员可录入）；选择社区则只用于该社区，并优先于全国安排"),
    )
    date = models.DateField(_("日期"))
    is_working_day = models.BooleanField(_("是否上班"), help_text=_("节假日不勾选；调休上班日勾选"))
    name = models.CharField(_("说明"), max_length=50, blank=True, help_text=_("如：春节、国庆节调休上班"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("法定节假日与调休")
        verbose_name_plural = _("法定节假日与调休")
        ordering = ["date", "community_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "date"],
                name="official_day_once_per_community",
                violation_error_message=_("该社区已录入这一天的安排，请修改原记录。"),
            ),
            # NULLs are distinct in a unique index: national days need their own constraint.
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(community__isnull=True),
                name="official_day_once_nationally",
                violation_error_message=_("全国安排中已有这一天，请修改原记录。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class AccountEvent(models.Model):
    """账号变更记录: who created, changed, reset or deactivated a staff account, and what changed.

    Written only by ``committee.accounts`` (one row per change, never edited). Accounts carry no
    simple-history: every login would add a row, and old password hashes would be kept. Passwords
    are never recorded here, only that one was set and by whom.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("创建账号")
        CHANGE = "change", _("修改账号")
        PASSWORD = "password", _("重置密码")
        DEACTIVATE = "deactivate", _("停用账号")
        ACTIVATE = "activate", _("恢复启用")

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="account_events", verbose_name=_("账号")
    )
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    detail = models.TextField(_("变更内容"), blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("账号变更记录")
        verbose_name_plural = _("账号变更记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()}"


class StaffProfile(models.Model):
    """Which communities a staff user works for. Roles are Django groups (core.roles)."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("用户")
    )
    communities = models.ManyToManyField(
        Community, blank=True, related_name="staff", verbose_name=_("所属社区")
    )
    street_office = models.ForeignKey(
        StreetOffice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("街道办事处"),
        help_text=_("街道工作人员填写：可查看该街道下所有社区"),
    )
    title = models.CharField(_("职务说明"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作人员档案")
        verbose_name_plural = _("工作人员档案")

    def __str__(self) -> str:
        return str(self.user)
