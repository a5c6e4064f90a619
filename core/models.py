"""Tables of the base layer."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


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
