"""Residents (ID number checked by its GB 11643 checksum; birth date and sex derived) and their kinship."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committee.models.places import Household
from core.idnumbers import parse_id, validate_phone
from core.models import (
    Community,
)


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
