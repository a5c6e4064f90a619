"""Implementation of a resolution (四议两公开: 实施): tasks with an owner, a deadline, progress updates
and evidence. The result is posted once every task is done (``affairs.services.implementation``)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from affairs.models.motions import Motion

EVIDENCE_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]


class ImplementationTask(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("议题"))
    title = models.CharField(_("实施事项"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("负责人")
    )
    deadline = models.DateField(_("完成期限"))
    progress = models.PositiveSmallIntegerField(
        _("进度（%）"), default=0, validators=[MaxValueValidator(100)], editable=False
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True, editable=False)
    # The day the overdue reminder last went out: the daily task reminds once a day, however often
    # it runs (idempotent).
    reminded_on = models.DateField(_("最近催办日期"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("实施任务")
        verbose_name_plural = _("决议实施任务")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="implementation_progress_le_100",
                violation_error_message=_("进度不能超过100%。"),
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True) | Q(progress=100),
                name="implementation_done_at_full_progress",
                violation_error_message=_("任务完成时进度须为100%。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, day) -> bool:
        return self.done_at is None and self.deadline < day


class TaskUpdate(models.Model):
    task = models.ForeignKey(
        ImplementationTask, on_delete=models.CASCADE, related_name="updates", verbose_name=_("实施任务")
    )
    at = models.DateTimeField(_("时间"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"), validators=[MaxValueValidator(100)])
    note = models.TextField(_("进展情况"))
    evidence = models.FileField(
        _("佐证材料"),
        upload_to="affairs/evidence/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(EVIDENCE_EXTENSIONS)],
        help_text=_("照片或PDF（jpg、png、pdf）"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报人"),
        editable=False,
    )

    class Meta:
        verbose_name = _("实施进展")
        verbose_name_plural = _("实施进展")
        ordering = ["task", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="task_update_progress_le_100",
                violation_error_message=_("进度不能超过100%。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.progress}%"
