"""Nominations, candidate conditions and their vetting (资格审查)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committee.models import CommitteeSeat, Resident
from elections.models.election import Election


class CandidateCondition(models.Model):
    """One published condition candidates are vetted against (a checklist item)."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="conditions", verbose_name=_("选举")
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("条件"), max_length=200)

    class Meta:
        verbose_name = _("候选人条件")
        verbose_name_plural = _("候选人条件")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"],
                name="condition_number_unique",
                violation_error_message=_("同一选举的条件序号不能重复。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class Candidate(models.Model):
    class Kind(models.TextChoices):
        JOINT = "joint", _("选民联名提名")
        SELF = "self", _("自荐")
        RUNOFF = "runoff", _("另行选举")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("已提名")
        QUALIFIED = "qualified", _("审查通过")
        REJECTED = "rejected", _("审查未通过")
        OFFICIAL = "official", _("正式候选人")
        WITHDRAWN = "withdrawn", _("已退出")

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("选举")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("被提名人")
    )
    office = models.CharField(_("职务"), max_length=20, choices=CommitteeSeat.Role.choices)
    kind = models.CharField(_("提名方式"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.NOMINATED)
    nominated_at = models.DateTimeField(_("提名时间"))
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审查人"),
    )
    vetted_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        ordering = ["office", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "resident"],
                name="candidate_once_per_election",
                violation_error_message=_("该居民已被提名为本次选举的候选人。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident.name}（{self.get_office_display()}）"


class Signature(models.Model):
    """One voter's signature on a joint nomination; a voter signs a nomination once."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("候选人")
    )
    voter = models.ForeignKey(
        "elections.Voter", on_delete=models.PROTECT, related_name="+", verbose_name=_("签名选民")
    )

    class Meta:
        verbose_name = _("联名签名")
        verbose_name_plural = _("联名签名")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "voter"],
                name="signature_once_per_nomination",
                violation_error_message=_("同一选民对同一提名只能签名一次。"),
            )
        ]

    def __str__(self) -> str:
        return str(self.voter)


class Vetting(models.Model):
    """The vetting of one nominee against one condition: passed or failed, with grounds and officer."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="vettings", verbose_name=_("候选人")
    )
    condition = models.ForeignKey(
        CandidateCondition, on_delete=models.PROTECT, related_name="+", verbose_name=_("条件")
    )
    passed = models.BooleanField(_("符合"))
    grounds = models.CharField(_("依据"), max_length=300, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("审查人")
    )
    at = models.DateTimeField(_("审查时间"))

    class Meta:
        verbose_name = _("资格审查")
        verbose_name_plural = _("资格审查")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "condition"],
                name="vetting_once_per_condition",
                violation_error_message=_("该条件已审查过。"),
            ),
            models.CheckConstraint(
                condition=Q(passed=True) | ~Q(grounds=""),
                name="vetting_failure_has_grounds",
                violation_error_message=_("不符合条件须写明依据。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition}：{'✓' if self.passed else '✗'}"


class RecallSignature(models.Model):
    """A voter's signature on a recall petition (罢免联名), checked against the roll."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="recall_signatures", verbose_name=_("选举")
    )
    voter = models.ForeignKey(
        "elections.Voter", on_delete=models.PROTECT, related_name="+", verbose_name=_("签名选民")
    )

    class Meta:
        verbose_name = _("罢免联名签名")
        verbose_name_plural = _("罢免联名签名")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "voter"],
                name="recall_signature_once",
                violation_error_message=_("同一选民对同一罢免只能签名一次。"),
            )
        ]

    def __str__(self) -> str:
        return str(self.voter)


class RecallRepresentativeSignature(models.Model):
    """A current residents' representative's (居民代表) signature on a recall petition: the
    representatives' route, one third of them (DOMAIN.md), beside the voters' one fifth."""

    election = models.ForeignKey(
        Election,
        on_delete=models.CASCADE,
        related_name="recall_representative_signatures",
        verbose_name=_("选举"),
    )
    representative = models.ForeignKey(
        "committee.Representative", on_delete=models.PROTECT, related_name="+", verbose_name=_("签名居民代表")
    )
    signed_at = models.DateTimeField(_("签名录入时间"))

    class Meta:
        verbose_name = _("罢免联名居民代表签名")
        verbose_name_plural = _("罢免联名居民代表签名")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "representative"],
                name="recall_representative_signature_once",
                violation_error_message=_("同一居民代表对同一罢免只能签名一次。"),
            )
        ]

    def __str__(self) -> str:
        return str(self.representative.resident)
