"""Window boundaries of a posting and their hand-off to the items the posting cites (``notices.handoff``)."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from notices.models.postings import Posting


class WindowEvent(models.Model):
    """A side effect done at a window boundary; unique, so a boundary task run twice records once."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("公开开始")
        CLOSED = "closed", _("公开结束")

    posting = models.ForeignKey(
        Posting, on_delete=models.PROTECT, related_name="window_events", verbose_name=_("公开事项")
    )
    kind = models.CharField(_("事件"), max_length=10, choices=Kind.choices)
    boundary_at = models.DateTimeField(_("边界时间"))
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("公开开始/结束记录")
        verbose_name_plural = _("公开开始/结束记录")
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "kind"],
                name="window_event_once",
                violation_error_message=_("该公开开始/结束记录已存在。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.posting_id} {self.get_kind_display()}"


class PostingSource(models.Model):
    """One governed item a posting publishes: a captain's nomination, a voter roll, a hardship case.

    A list posting cites every item of the list, so each item can be told that its window opened or
    closed (``notices.handoff``); the board never imports the apps the items belong to.
    """

    posting = models.ForeignKey(
        Posting, on_delete=models.PROTECT, related_name="sources", verbose_name=_("公开事项")
    )
    source_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("事项类型")
    )
    source_id = models.PositiveBigIntegerField(_("事项编号"))
    source = GenericForeignKey("source_type", "source_id")

    class Meta:
        verbose_name = _("公开的事项")
        verbose_name_plural = _("公开的事项")
        ordering = ["posting", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "source_type", "source_id"],
                name="posting_source_once",
                violation_error_message=_("该事项已在这条公开事项中。"),
            )
        ]
        indexes = [models.Index(fields=["source_type", "source_id"], name="posting_source_item_idx")]

    def __str__(self) -> str:
        return f"{self.source_type.model} {self.source_id}"


class Delivery(models.Model):
    """A window event handed to one source item (once; retried until its app has taken it)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待送达")
        DONE = "done", _("已送达")
        FAILED = "failed", _("送达失败，将重试")

    event = models.ForeignKey(
        WindowEvent, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("公开开始/结束记录")
    )
    source = models.ForeignKey(
        PostingSource, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("事项")
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近一次错误"), blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("事项通知")
        verbose_name_plural = _("事项通知")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "source"], name="delivery_once", violation_error_message=_("该通知已记录。")
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.source}"
