"""Postings and their attachments: one version of a public notice, its window and its files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Community


class Category(models.TextChoices):
    AFFAIRS = "affairs", _("居务")
    FINANCE = "finance", _("财务")
    ELECTION = "election", _("选举")
    RESOLUTION = "resolution", _("决议")
    IMPLEMENTATION = "implementation", _("实施结果")
    HARDSHIP = "hardship", _("低保公示")
    CONVENTION = "convention", _("公约")
    ADMITTED_TASKS = "admitted_tasks", _("准入事项")
    FAMILY_PLANNING = "family_planning", _("计生四公开")
    NOTICE = "notice", _("通知")
    URGENT = "urgent", _("紧急")


class Posting(models.Model):
    """One version of a public notice. Corrections are new versions of the same ``series``."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        RELEASED = "released", _("已发布")  # released for publication; public inside its window

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="postings", verbose_name=_("社区")
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, default=Category.NOTICE)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(
        _("正文"), blank=True, help_text=_("可使用简单格式；脚本等不安全内容会被自动移除")
    )
    publish_at = models.DateTimeField(_("公开开始"), db_index=True)
    expire_at = models.DateTimeField(
        _("公开结束"), null=True, blank=True, help_text=_("留空表示直到撤回或被新版本替换")
    )
    working_days = models.PositiveSmallIntegerField(
        _("公示工作日数"), null=True, blank=True, help_text=_("填写后按法定节假日日历自动计算公开结束时间")
    )
    pinned = models.BooleanField(_("置顶"), default=False)
    objections_open = models.BooleanField(_("公示期内接受异议"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    # Versions: every version of one notice shares ``series`` (the first version's id).
    series = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("所属公告"),
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("替换的版本"),
    )
    correction_note = models.CharField(_("更正说明"), max_length=200, blank=True)
    replaced_at = models.DateTimeField(_("被替换时间"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, editable=False)
    withdrawal_reason = models.CharField(_("撤回原因"), max_length=200, blank=True, editable=False)
    # The governed items the posting publishes (a roll, nominations, a batch of cases) are its
    # ``sources`` (PostingSource): each learns when the window opens and closes (notices.handoff).
    released_at = models.DateTimeField(_("发布操作时间"), null=True, blank=True, editable=False)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公开事项")
        verbose_name_plural = _("公开事项")
        ordering = ["-pinned", "-publish_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expire_at__isnull=True) | Q(expire_at__gt=models.F("publish_at")),
                name="posting_expires_after_publish",
                violation_error_message=_("公开结束时间必须晚于公开开始时间。"),
            ),
            models.UniqueConstraint(
                fields=["series", "version"],
                name="posting_series_version_unique",
                violation_error_message=_("该公告已有这一版本，请对最新版本操作。"),
            ),
            models.CheckConstraint(
                condition=Q(state="released") | Q(released_at__isnull=True),
                name="posting_draft_not_released",
                violation_error_message=_("草稿不能带有发布时间。"),
            ),
        ]
        indexes = [
            models.Index(fields=["community", "state", "publish_at"], name="posting_board_idx"),
            models.Index(fields=["community", "category", "publish_at"], name="posting_category_idx"),
        ]
        permissions = [
            ("release_posting", _("可以发布、撤回公开事项")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_released(self) -> bool:
        return self.state == self.State.RELEASED

    # Once released, a posting is the record of what was published: only the lifecycle fields may
    # change afterwards (services: withdrawal, replacement by a new version); anything else needs a
    # new version. The services check first with a better message; this is the last line.
    LIFECYCLE_FIELDS = frozenset({"replaced_at", "withdrawn_at", "withdrawal_reason", "series"})

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        lifecycle_only = update_fields is not None and set(update_fields) <= self.LIFECYCLE_FIELDS
        if self.pk and not self._state.adding and not lifecycle_only:
            self._refuse_change_of_released(update_fields)
        super().save(*args, **kwargs)

    def _refuse_change_of_released(self, update_fields) -> None:
        from core.errors import RuleViolation

        stored = type(self)._base_manager.filter(pk=self.pk).first()
        if stored is None or stored.state != self.State.RELEASED:
            return
        names = [f.attname for f in self._meta.concrete_fields if f.name not in self.LIFECYCLE_FIELDS]
        if update_fields is not None:
            names = [n for n in names if n in update_fields or n.removesuffix("_id") in update_fields]
        changed = [n for n in names if getattr(stored, n) != getattr(self, n)]
        # ``series`` may only be set once (a first version joins its own series).
        if stored.series_id is not None and self.series_id != stored.series_id:
            changed.append("series_id")
        if changed:
            raise RuleViolation(
                _("已发布的公开事项不能修改（%(fields)s）；如需更正，请发布新版本。"),
                params={"fields": ", ".join(changed)},
            )

    def delete(self, *args, **kwargs):
        from core.errors import RuleViolation

        if self.pk and type(self)._base_manager.filter(pk=self.pk, state=self.State.RELEASED).exists():
            raise RuleViolation(_("已发布的公开事项不能删除；如需停止公开，请撤回。"))
        return super().delete(*args, **kwargs)

    def ends_at(self):
        """When the posting stops being public (None: until withdrawn or replaced)."""
        ends = [t for t in (self.expire_at, self.withdrawn_at, self.replaced_at) if t is not None]
        return min(ends) if ends else None

    def is_visible(self, at) -> bool:
        if not self.is_released or self.publish_at > at:
            return False
        end = self.ends_at()
        return end is None or at < end


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"notices/{instance.posting.community_id}/{instance.posting_id}/{filename}"


class Attachment(models.Model):
    posting = models.ForeignKey(
        Posting, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("公开事项")
    )
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=50, editable=False)
    size = models.PositiveIntegerField(_("文件大小"), editable=False)
    sha256 = models.CharField(
        _("文件校验码"),
        max_length=64,
        editable=False,
        help_text=_("上传时按文件内容算出的“指纹”；文件被改动一个字节，校验码就完全不同"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def size_label(self) -> str:
        # Staff read "1.2 MB", not a byte count.
        return filesizeformat(self.size) if self.size is not None else ""

    size_label.short_description = _("文件大小")

    # Attachments are part of what was published: fixed once their posting is released. (Adding one
    # to a released posting is refused by ``notices.services.attachment_add``; the ledger would show
    # it, since the content hash covers the attachments' hashes.)
    def save(self, *args, **kwargs):
        if self.pk and not self._state.adding:
            self._refuse_if_released(_("已发布的公开事项的附件不能修改；如需更正，请发布新版本。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_released(_("已发布的公开事项的附件不能删除；如需更正，请发布新版本。"))
        return super().delete(*args, **kwargs)

    def _refuse_if_released(self, message) -> None:
        from core.errors import RuleViolation

        if Posting._base_manager.filter(pk=self.posting_id, state=Posting.State.RELEASED).exists():
            raise RuleViolation(message)
