"""The committee registry: communities, households, residents and the bodies that govern them.

Rules that must always hold are database constraints; rules that span tables are checked in
``clean()`` (called by every service and admin form) and, where a race is possible, under a row lock
in ``committee.services``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import LATEST, in_range
from core.idnumbers import parse_id, validate_phone
from core.models import (
    Community,
)


class ResidentsGroup(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="groups", verbose_name=_("社区")
    )
    number = models.PositiveSmallIntegerField(_("组号"))
    name = models.CharField(_("名称"), max_length=50, help_text=_("如：第三居民小组"))
    leader = models.ForeignKey(
        "Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("居民组长"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("居民小组")
        verbose_name_plural = _("居民小组")
        ordering = ["community", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"],
                name="group_number_unique",
                violation_error_message=_("本社区已有相同组号的居民小组。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.leader_id and self.community_id and self.leader.community_id != self.community_id:
            raise ValidationError({"leader": _("居民组长必须是本社区居民。")})


class Building(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("社区")
    )
    group = models.ForeignKey(
        ResidentsGroup, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("居民小组")
    )
    name = models.CharField(_("楼栋"), max_length=50, help_text=_("如：3号楼"))
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"],
                name="building_name_unique",
                violation_error_message=_("本社区已有同名楼栋。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.group_id and self.community_id and self.group.community_id != self.community_id:
            raise ValidationError({"group": _("所选居民小组不属于该社区。")})


class Household(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="households", verbose_name=_("社区")
    )
    number = models.CharField(_("户号"), max_length=30)
    address = models.CharField(_("住址"), max_length=200)
    group = models.ForeignKey(
        ResidentsGroup, on_delete=models.PROTECT, related_name="households", verbose_name=_("居民小组")
    )
    building = models.ForeignKey(
        Building,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("楼栋"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["community", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"],
                name="household_number_unique",
                violation_error_message=_("本社区已有相同户号的户。"),
            )
        ]
        indexes = [models.Index(fields=["community", "group"])]

    def __str__(self) -> str:
        return f"{self.number} {self.address}"

    def clean(self):
        errors = {}
        if self.community_id:
            if self.group_id and self.group.community_id != self.community_id:
                errors["group"] = _("所选居民小组不属于该户所在社区。")
            if self.building_id and self.building.community_id != self.community_id:
                errors["building"] = _("所选楼栋不属于该户所在社区。")
        if errors:
            raise ValidationError(errors)


class Resident(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Relation(models.TextChoices):
        HEAD = "head", _("户主")
        SPOUSE = "spouse", _("配偶")
        CHILD = "child", _("子女")
        PARENT = "parent", _("父母")
        SIBLING = "sibling", _("兄弟姐妹")
        GRANDCHILD = "grandchild", _("孙子女/外孙子女")
        GRANDPARENT = "grandparent", _("祖父母/外祖父母")
        CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
        PARENT_IN_LAW = "parent_in_law", _("公婆/岳父母")
        OTHER_RELATIVE = "other_relative", _("其他亲属")
        NON_RELATIVE = "non_relative", _("非亲属")

    class Residence(models.TextChoices):
        REGISTERED = "registered", _("户籍在本社区")
        REGISTERED_AWAY = "registered_away", _("户籍在本社区，人户分离")
        LIVING_UNREGISTERED = "living", _("居住在本社区，户籍在外")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="residents", verbose_name=_("社区"), editable=False
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="residents", verbose_name=_("户")
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号码"), max_length=18)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    relation_to_head = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices)
    residence = models.CharField(
        _("居住类型"), max_length=20, choices=Residence.choices, default=Residence.REGISTERED
    )
    moved_in_on = models.DateField(_("迁入日期"), null=True, blank=True)
    moved_out_on = models.DateField(_("迁出日期"), null=True, blank=True)
    deceased_on = models.DateField(_("死亡日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    # A resident who is also on the staff (the close-relative rules of DOMAIN.md need to know).
    staff_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident",
        verbose_name=_("工作人员账号"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["household__number", "id"]
        constraints = [
            # One person once per community.
            models.UniqueConstraint(
                fields=["community", "id_number"],
                name="resident_id_once_per_community",
                violation_error_message=_("该身份证号码已在本社区登记，同一人在一个社区只能登记一次。"),
            ),
            models.CheckConstraint(
                condition=Q(id_number__regex=r"^[0-9]{17}[0-9X]$"),
                name="resident_id_format",
                violation_error_message=_("身份证号码应为18位：前17位为数字，最后一位为数字或X。"),
            ),
            models.CheckConstraint(
                condition=Q(moved_out_on__isnull=True)
                | Q(moved_in_on__isnull=True)
                | Q(moved_out_on__gte=models.F("moved_in_on")),
                name="resident_moved_out_after_in",
                violation_error_message=_("迁出日期不能早于迁入日期。"),
            ),
        ]
        indexes = [
            models.Index(fields=["community", "name"]),
            models.Index(fields=["community", "household"]),
            # Admin search (committee/admin_search.py): by phone, and by the last four characters
            # of the ID number, which is what the masked list shows.
            models.Index(fields=["phone"], name="resident_phone_idx"),
            models.Index(Right("id_number", 4), "community", name="resident_id_last4_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.moved_out_on is None and self.deceased_on is None

    def age_on(self, day: dt.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def clean(self):
        errors: dict[str, list] = {}
        if self.id_number:
            try:
                info = parse_id(self.id_number)
            except ValidationError as e:
                errors["id_number"] = e.messages
            else:
                self.id_number, self.birth_date, self.sex = info.number, info.birth_date, info.sex
        if self.household_id:
            household = self.household
            if self.community_id and household.community_id != self.community_id:
                errors.setdefault("household", []).append(_("所选户不属于该居民所在社区，不能跨社区登记。"))
            else:
                self.community_id = household.community_id
        if self.id_number and self.community_id and "id_number" not in errors:
            clash = Resident.objects.filter(community_id=self.community_id, id_number=self.id_number).exclude(
                pk=self.pk
            )
            other = clash.select_related("household").first()
            if other:
                errors["id_number"] = [
                    _(
                        "该身份证号码已登记在本社区（%(name)s，户号%(household)s），同一人在一个社区只能登记一次。"
                    )
                    % {"name": other.name, "household": other.household.number}
                ]
        if self.moved_out_on and self.moved_in_on and self.moved_out_on < self.moved_in_on:
            errors["moved_out_on"] = [_("迁出日期不能早于迁入日期。")]
        if self.deceased_on and self.birth_date and self.deceased_on < self.birth_date:
            errors["deceased_on"] = [_("死亡日期不能早于出生日期。")]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Derived fields always follow the ID number, whatever path the row came by.
        if self.id_number:
            try:
                info = parse_id(self.id_number)
            except ValidationError:
                pass  # the database constraint refuses a malformed number
            else:
                self.id_number, self.birth_date, self.sex = info.number, info.birth_date, info.sex
        if self.household_id and not self.community_id:
            self.community_id = Household.objects.values_list("community_id", flat=True).get(
                pk=self.household_id
            )
        super().save(*args, **kwargs)


class Kinship(models.Model):
    """A family tie between two residents, stored once and read in both directions.

    ``kind`` reads "``person`` is the <kind> of ``relative``" for the directed kinds.
    """

    class Kind(models.TextChoices):
        SPOUSE = "spouse", _("配偶")
        PARENT = "parent", _("父母")  # person is a parent of relative
        SIBLING = "sibling", _("兄弟姐妹")
        GRANDPARENT = "grandparent", _("祖父母/外祖父母")  # person is a grandparent of relative
        PARENT_IN_LAW = "parent_in_law", _("公婆/岳父母")  # person is a parent-in-law of relative
        SIBLING_IN_LAW = "sibling_in_law", _("兄弟姐妹的配偶/配偶的兄弟姐妹")

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="+", verbose_name=_("社区"), editable=False
    )
    person = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="kin_out", verbose_name=_("居民")
    )
    relative = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="kin_in", verbose_name=_("亲属")
    )
    kind = models.CharField(_("关系"), max_length=20, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("亲属关系")
        verbose_name_plural = _("亲属关系")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative"],
                name="kinship_pair_unique",
                violation_error_message=_("这两位居民之间已登记了亲属关系。"),
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")),
                name="kinship_not_self",
                violation_error_message=_("不能与本人建立亲属关系。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_kind_display()} — {self.relative}"

    def clean(self):
        if self.person_id and self.relative_id:
            if self.person_id == self.relative_id:
                raise ValidationError(_("不能与本人建立亲属关系。"))
            if self.person.community_id != self.relative.community_id:
                raise ValidationError(_("两位居民须在同一社区。"))
            self.community_id = self.person.community_id
            if (
                Kinship.objects.filter(person=self.relative_id, relative=self.person_id)
                .exclude(pk=self.pk)
                .exists()
            ):
                raise ValidationError(_("这两位居民之间已登记了亲属关系。"))

    def save(self, *args, **kwargs):
        if self.person_id and not self.community_id:
            self.community_id = self.person.community_id
        super().save(*args, **kwargs)


class CommitteeTerm(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="terms", verbose_name=_("社区")
    )
    number = models.PositiveSmallIntegerField(_("届次"), help_text=_("第几届"))
    starts_on = models.DateField(_("任期开始"))
    ends_on = models.DateField(_("任期结束"), blank=True, help_text=_("留空按社区任期年限（默认5年）计算"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("居委会届次")
        verbose_name_plural = _("居委会届次")
        ordering = ["community", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"],
                name="term_number_unique",
                violation_error_message=_("本社区已有该届次。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="term_ends_after_start",
                violation_error_message=_("任期结束日期须晚于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("%(community)s第%(number)s届居委会") % {"community": self.community, "number": self.number}
        )

    def clean(self):
        if self.starts_on and not in_range(self.starts_on):
            return  # the field's own error says so; computing an end from year 9999 would overflow
        if self.starts_on and not self.ends_on and self.community_id:
            year = self.starts_on.year + self.community.rules.term_years
            if year > LATEST.year:
                raise ValidationError(
                    {
                        "ends_on": ValidationError(
                            _("按任期年限计算的任期结束日期晚于%(last)s，请填写任期结束日期。"),
                            params={"last": f"{LATEST:%Y-%m-%d}"},
                        )
                    }
                )
            try:
                self.ends_on = self.starts_on.replace(year=year)
            except ValueError:  # 29 February
                self.ends_on = self.starts_on.replace(year=year, day=28)
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("任期结束日期须晚于开始日期。")})
        if self.community_id and self.starts_on and self.ends_on:
            overlap = CommitteeTerm.objects.filter(
                community_id=self.community_id, starts_on__lt=self.ends_on, ends_on__gt=self.starts_on
            ).exclude(pk=self.pk)
            if overlap.exists():
                raise ValidationError(_("与本社区已有届次的任期重叠。"))

    def is_current(self, day: dt.date) -> bool:
        return self.starts_on <= day < self.ends_on


def _refuse_end_before_start(office, *, start_field: str, message) -> None:
    """An office (seat, representative, supervisor) cannot end before it started, nor before its
    term began when no start date is given (the database constraint covers the first case)."""
    ended_on = office.ended_on
    if ended_on is None or not in_range(ended_on):
        return
    started = getattr(office, start_field)
    if started is not None and in_range(started) and ended_on < started:
        raise ValidationError({"ended_on": message})
    if started is None and office.term_id and ended_on < office.term.starts_on:
        raise ValidationError(
            {
                "ended_on": ValidationError(
                    _("离任日期不能早于本届任期开始日期（%(date)s）。"),
                    params={"date": f"{office.term.starts_on:%Y-%m-%d}"},
                )
            }
        )


class CommitteeSeat(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("主任")
        VICE_CHAIR = "vice_chair", _("副主任")
        MEMBER = "member", _("委员")

    term = models.ForeignKey(
        CommitteeTerm, on_delete=models.CASCADE, related_name="seats", verbose_name=_("届次")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="committee_seats", verbose_name=_("成员")
    )
    role = models.CharField(_("职务"), max_length=20, choices=Role.choices)
    starts_on = models.DateField(_("任职日期"), null=True, blank=True)
    ended_on = models.DateField(_("离任日期"), null=True, blank=True, help_text=_("辞职、罢免或迁出时填写"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("居委会成员")
        verbose_name_plural = _("居委会成员")
        ordering = ["term", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "resident"],
                name="seat_one_per_resident_per_term",
                violation_error_message=_("该居民已是本届居委会成员。"),
            ),
            models.UniqueConstraint(
                fields=["term"],
                condition=Q(role="chair", ended_on__isnull=True),
                name="seat_one_chair_per_term",
                violation_error_message=_("本届居委会已有在任主任。"),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("starts_on")),
                name="seat_ends_after_start",
                violation_error_message=_("离任日期不能早于任职日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.resident}"

    def clean(self):
        if self.term_id and self.resident_id and self.resident.community_id != self.term.community_id:
            raise ValidationError({"resident": _("居委会成员必须是本社区居民。")})
        _refuse_end_before_start(self, start_field="starts_on", message=_("离任日期不能早于任职日期。"))


class Representative(models.Model):
    """居民代表, elected by a residents' group for a term."""

    term = models.ForeignKey(
        CommitteeTerm, on_delete=models.CASCADE, related_name="representatives", verbose_name=_("届次")
    )
    group = models.ForeignKey(
        ResidentsGroup, on_delete=models.PROTECT, related_name="representatives", verbose_name=_("居民小组")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="representative_terms", verbose_name=_("居民代表")
    )
    elected_on = models.DateField(_("推选日期"), null=True, blank=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("居民代表")
        verbose_name_plural = _("居民代表")
        ordering = ["term", "group__number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "resident"],
                name="representative_once_per_term",
                violation_error_message=_("该居民已是本届居民代表。"),
            ),
            models.CheckConstraint(
                condition=Q(elected_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("elected_on")),
                name="representative_ends_after_election",
                violation_error_message=_("终止日期不能早于推选日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.resident}"

    def clean(self):
        _refuse_end_before_start(self, start_field="elected_on", message=_("终止日期不能早于推选日期。"))
        if not (self.term_id and self.group_id and self.resident_id):
            return
        community_id = self.term.community_id
        if self.group.community_id != community_id:
            raise ValidationError({"group": _("居民小组不属于该届次所在社区。")})
        if self.resident.community_id != community_id:
            raise ValidationError({"resident": _("居民代表必须是本社区居民。")})
        if self.resident.household.group_id != self.group_id:
            raise ValidationError({"resident": _("居民代表须由本人所在居民小组推选。")})


class BuildingCaptain(models.Model):
    """楼栋长: nominated → posted 5 working days with real-name objections → confirmed."""

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("已提名")
        POSTED = "posted", _("公示中")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("未通过")
        ENDED = "ended", _("已卸任")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"), editable=False
    )
    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="captains", verbose_name=_("楼栋")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="captaincies", verbose_name=_("楼栋长")
    )
    self_nominated = models.BooleanField(_("自荐"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NOMINATED)
    nominated_on = models.DateField(_("提名日期"))
    posting_starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    posting_ends_on = models.DateField(_("公示结束（含）"), null=True, blank=True)
    decided_at = models.DateTimeField(_("确认/否决时间"), null=True, blank=True)
    decision_note = models.TextField(_("决定说明"), blank=True)
    # The board posting that lists this nomination (notices.Posting id; a plain id keeps the
    # registry free of a dependency on the board). Objections are filed on that posting.
    posting_id = models.PositiveBigIntegerField(_("公示编号"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("楼栋长")
        verbose_name_plural = _("楼栋长")
        ordering = ["building__name", "-nominated_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["building"],
                condition=Q(status="confirmed"),
                name="captain_one_confirmed_per_building",
                violation_error_message=_("该楼栋已有在任楼栋长，请先办理原楼栋长卸任。"),
            ),
            models.UniqueConstraint(
                fields=["building", "resident"],
                condition=Q(status__in=["nominated", "posted"]),
                name="captain_one_open_nomination",
                violation_error_message=_("该居民对该楼栋已有未办结的提名。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building} {self.resident}"

    def clean(self):
        if self.building_id and self.resident_id:
            if self.resident.community_id != self.building.community_id:
                raise ValidationError({"resident": _("楼栋长必须是本社区居民。")})
            self.community_id = self.building.community_id


class SupervisionMember(models.Model):
    """居务监督委员会 member: never a committee member nor a close relative of one."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("主任")
        MEMBER = "member", _("委员")

    term = models.ForeignKey(
        CommitteeTerm, on_delete=models.CASCADE, related_name="supervisors", verbose_name=_("届次")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="supervision_terms", verbose_name=_("监督委员")
    )
    role = models.CharField(_("职务"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    elected_on = models.DateField(_("当选日期"), null=True, blank=True)
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("居务监督委员")
        verbose_name_plural = _("居务监督委员会")
        ordering = ["term", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "resident"],
                name="supervisor_once_per_term",
                violation_error_message=_("该居民已是本届居务监督委员。"),
            ),
            models.CheckConstraint(
                condition=Q(elected_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("elected_on")),
                name="supervisor_ends_after_election",
                violation_error_message=_("离任日期不能早于当选日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.resident}"

    def clean(self):
        _refuse_end_before_start(self, start_field="elected_on", message=_("离任日期不能早于当选日期。"))
        if self.term_id and self.resident_id:
            if self.resident.community_id != self.term.community_id:
                raise ValidationError({"resident": _("监督委员必须是本社区居民。")})
            # No committee member nor a close relative of one sits here: that rule spans tables and
            # is held by committee.services.supervision_check, under the term's lock.
