"""The public board (公开栏): postings with publication windows, objections, the ledger, monthly sheets.

Visibility is never stored: a posting is public exactly when it was released for publication,
``publish_at <= now`` and ``now`` is before the first of ``expire_at``, ``withdrawn_at`` and
``replaced_at`` (see ``notices.selectors.visible_q``). No worker has to run for a posting to appear or
disappear on time.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.idnumbers import validate_phone
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


class Objection(models.Model):
    """异议: a real-name objection.

    Residents file on the public board during a posting's objection window, with a phone number.
    A supervisor (监督委员) files from the admin on any released posting (see
    ``notices.services.objection_file_by_supervisor``); ``filed_by`` is their account, which names
    them, so no phone is needed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待答复")
        ANSWERED = "answered", _("已答复")

    posting = models.ForeignKey(
        Posting, on_delete=models.PROTECT, related_name="objections", verbose_name=_("公开事项")
    )
    name = models.CharField(_("异议人姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    body = models.TextField(_("异议内容"), max_length=2000)
    filed_at = models.DateTimeField(_("提出时间"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提出人账号"),
        help_text=_("监督委员在工作台提出的异议记录其账号；居民在公开栏提出的为空"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    answer = models.TextField(_("答复"), blank=True)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    # The resident looks the objection up with this (notices.objections.new_reference): random, so
    # one reference says nothing about another. Null only for rows from before it existed.
    reference = models.CharField(_("查询编号"), max_length=16, unique=True, null=True, editable=False)
    # SHA-256 of the normalized name, phone and text: the same objection sent twice is stored once.
    fingerprint = models.CharField(_("内容指纹"), max_length=64, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["filed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="objection_answered_has_answer",
                violation_error_message=_("答复异议须填写答复内容和答复时间。"),
            ),
            # Someone must be reachable: a resident by phone, a supervisor through their account.
            models.CheckConstraint(
                condition=~Q(phone="") | Q(filed_by__isnull=False),
                name="objection_has_contact",
                violation_error_message=_("异议须留有联系电话，或由工作人员以本人账号提出。"),
            ),
            models.UniqueConstraint(
                fields=["posting", "fingerprint"],
                condition=~Q(fingerprint=""),
                name="objection_once_per_content",
                violation_error_message=_("相同的异议已经提交过。"),
            ),
        ]
        permissions = [("file_objection", _("可以以监督委员身份对公开事项提出异议"))]
        # The hourly limit per phone counts this resident's objections of the last hour.
        indexes = [models.Index(fields=["phone", "filed_at"], name="objection_phone_idx")]

    def __str__(self) -> str:
        return str(_("对“%(title)s”的异议") % {"title": self.posting.title})


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


class ObjectionReminder(models.Model):
    """One reminder email per community and day about unanswered objections (the daily task is
    idempotent: run twice on one day, staff get one email)."""

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    sent_on = models.DateField(_("日期"))
    objections = models.PositiveIntegerField(_("待答复异议数"))
    recipients = models.PositiveIntegerField(_("收件人数"))
    sent_at = models.DateTimeField(_("发送时间"))

    class Meta:
        verbose_name = _("异议答复提醒")
        verbose_name_plural = _("异议答复提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "sent_on"],
                name="objection_reminder_once_a_day",
                violation_error_message=_("今天已发送过异议答复提醒。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.sent_on}"


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


def disclosure_path(instance: MonthlyDisclosure, filename: str) -> str:
    kind = "v" if instance.is_final else "draft"
    return f"disclosures/{instance.community.slug}/{instance.month:%Y-%m}-{kind}{instance.version}.pdf"


class MonthlyDisclosure(models.Model):
    """居务公开月报: one stored, versioned PDF per community and month.

    A sheet generated after its month ended is final (定稿): public, numbered 第1版, 第2版, ... A
    sheet generated while the month runs is a draft (草稿) for staff to check, numbered apart and
    never listed or served publicly: it covers only part of the month.
    """

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="disclosures", verbose_name=_("社区")
    )
    month = models.DateField(_("月份"), help_text=_("该月1日"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    is_final = models.BooleanField(
        _("定稿"),
        default=True,
        help_text=_("月份结束后生成的月报为定稿，对外公开；月内生成的为草稿，仅供工作人员核对"),
    )
    content_hash = models.CharField(_("内容校验码"), max_length=64, help_text=_("内容相同则不生成新版本"))
    ledger_hash = models.CharField(_("月末记录链哈希"), max_length=64, blank=True)
    pdf = models.FileField(_("PDF文件"), upload_to=disclosure_path)
    pages = models.PositiveSmallIntegerField(_("页数"), default=0)
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("生成人"),
    )

    class Meta:
        verbose_name = _("居务公开月报")
        verbose_name_plural = _("居务公开月报")
        ordering = ["community", "-month", "-version"]
        constraints = [
            # Finals and drafts are numbered apart: residents see 第1版, 第2版, ... without gaps.
            models.UniqueConstraint(
                fields=["community", "month", "is_final", "version"],
                name="disclosure_version_unique",
                violation_error_message=_("该月报已有这一版本，请重试。"),
            ),
            models.UniqueConstraint(
                fields=["community", "month", "is_final", "content_hash"],
                name="disclosure_content_once",
                violation_error_message=_("内容相同的月报已经生成过。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.month:%Y-%m} {self.version_label}"

    @property
    def version_label(self) -> str:
        if self.is_final:
            return _("第%(v)d版") % {"v": self.version}
        return _("草稿%(v)d") % {"v": self.version}


class DisclosureJob(models.Model):
    """One request to generate a community's sheet for a month, and what became of it.

    Staff see the state in the admin, so a request never just vanishes: queued until a worker takes
    it (a long queue means no worker is running), running, failed with the reason, or done with the
    sheet it produced. At most one job per community and month is queued or running at a time.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        FAILED = "failed", _("失败")
        DONE = "done", _("已完成")

    ACTIVE = (State.QUEUED, State.RUNNING)

    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    month = models.DateField(_("月份"), help_text=_("该月1日"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
        help_text=_("空：定时任务"),
    )
    requested_at = models.DateTimeField(_("提交时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    disclosure = models.ForeignKey(
        MonthlyDisclosure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("生成的月报"),
    )
    created_version = models.BooleanField(_("新增版本"), null=True, blank=True, help_text=_("否：内容未变"))

    class Meta:
        verbose_name = _("月报生成任务")
        verbose_name_plural = _("月报生成任务")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["community", "-requested_at"], name="disclosure_job_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "month"],
                condition=Q(state__in=["queued", "running"]),
                name="disclosure_job_one_active",
                violation_error_message=_("该月报正在生成中，请稍后刷新。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.month:%Y-%m} {self.get_state_display()}"


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
