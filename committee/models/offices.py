"""The committee's offices: terms, seats, residents' representatives and supervision members."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committee.models.people import Resident
from committee.models.places import ResidentsGroup
from core.dates import LATEST, in_range
from core.models import (
    Community,
)


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
