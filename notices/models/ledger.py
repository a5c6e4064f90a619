"""The per-community hash-chained ledger of releases, withdrawals and replacements, and its published heads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Community
from notices.models.postings import Posting


class LedgerEntry(models.Model):
    """Append-only hash chain of every state change of what the board shows, per community
    (release, replacement by a new version, withdrawal; see ``notices.ledger``)."""

    class Action(models.TextChoices):
        PUBLISH = "publish", _("发布")
        REPLACE = "replace", _("被新版本替换")
        WITHDRAW = "withdraw", _("撤回")

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("社区")
    )
    sequence = models.PositiveIntegerField(_("第几条"))
    posting = models.ForeignKey(
        Posting, on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("公开事项")
    )
    posting_version = models.PositiveSmallIntegerField(_("版本"))

    action = models.CharField(_("操作"), max_length=20, choices=Action.choices, default=Action.PUBLISH)
    content_hash = models.CharField(
        _("内容校验码"),
        max_length=64,
        help_text=_("公告页面和纸质公告上印的校验码，内容改动一个字就完全不同"),
    )
    prev_hash = models.CharField(_("上一条的登记码"), max_length=64)
    entry_hash = models.CharField(
        _("本条登记码"),
        max_length=64,
        unique=True,
        help_text=_("由本条内容和上一条的登记码算出，前面任何一条被改动都会对不上"),
    )
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("防篡改公开登记簿")
        verbose_name_plural = _("防篡改公开登记簿")
        ordering = ["community", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "sequence"],
                name="ledger_sequence_unique",
                violation_error_message=_("公开登记簿正在被同时写入，请重试。"),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.entry_hash[:12]}"


class LedgerHead(models.Model):
    """A chain head published outside the ledger table (``notices.tasks.publish_ledger_heads``).

    Verification requires every published head to still be in the chain with the same hash, so
    deleting the last entries (truncation) or rewriting the chain consistently shows. Append-only in
    PostgreSQL (trigger, like the ledger). The public verify page shows the latest one.
    """

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    sequence = models.PositiveIntegerField(_("第几条"))
    entry_hash = models.CharField(_("本条登记码"), max_length=64)
    recorded_at = models.DateTimeField(_("记录时间"))
    published_at = models.DateTimeField(_("公布时间"))

    class Meta:
        verbose_name = _("已公布的登记簿末条")
        verbose_name_plural = _("已公布的登记簿末条")
        ordering = ["community", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "sequence"],
                name="ledger_head_once",
                violation_error_message=_("该末条已公布。"),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.entry_hash[:12]}"
