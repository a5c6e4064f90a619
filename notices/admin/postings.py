"""Admin of board postings: drafts edited here, released postings read-only with their record."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_base import (
    CommunityScopedAdmin,
    CommunityScopedTabularInline,
)
from core.admin_privacy import PersonalDataMixin
from core.scoping import community_ids_for_user
from core.windows import posted_until, window_start
from core.workflow_admin import log_html
from notices import services
from notices.admin.forms import (
    ACTION_LABELS,
    DATETIME_HELP,
    AttachmentUploadForm,
    ObjectionAnswerForm,
    PostingDraftForm,
    posting_status,
)
from notices.admin.posting_steps import PostingStepsMixin
from notices.admin_filters import WindowFilter
from notices.flow import POSTING_FLOW
from notices.models import Attachment, Objection, Posting

# --- inlines --------------------------------------------------------------------------------------


class AttachmentUploadInline(CommunityScopedTabularInline):
    model = Attachment
    form = AttachmentUploadForm
    extra = 1
    fields = ["file", "name", "content_type", "size_label", "sha256"]
    readonly_fields = ["name", "content_type", "size_label", "sha256"]
    verbose_name_plural = _("附件（PDF或PNG、JPEG、WebP图片）")


class AttachmentReadonlyInline(CommunityScopedTabularInline):
    model = Attachment
    extra = 0
    fields = ["name", "content_type", "size_label", "sha256"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ObjectionInline(PersonalDataMixin, CommunityScopedTabularInline):
    model = Objection
    personal_fields = {"phone": "phone"}
    form = ObjectionAnswerForm
    extra = 0
    can_delete = False
    fields = ["filed_at", "name", "filed_by", "phone", "body", "status", "answer", "upheld", "answered_at"]
    readonly_fields = ["filed_at", "name", "filed_by", "phone", "body", "status", "answered_at"]
    verbose_name_plural = _("异议（在此答复；答复后不可修改）")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("filed_by")

    def has_add_permission(self, request, obj=None):
        return False


# --- Posting --------------------------------------------------------------------------------------


@admin.register(Posting)
class PostingAdmin(PostingStepsMixin, CommunityScopedAdmin, SimpleHistoryAdmin):
    community_field = "community"
    form = PostingDraftForm
    list_display = [
        "title_display",
        "community",
        "category",
        "status_label",
        "window",
        "version",
        "objection_counts",
    ]
    list_display_links = ["title_display"]
    list_filter = ["community", WindowFilter, "category", "state", "pinned", "objections_open"]
    list_select_related = ["community"]
    search_fields = ["title"]
    date_hierarchy = "publish_at"
    ordering = ["-publish_at", "-id"]
    actions = ["release_selected", "publish_now_selected", "withdraw_selected"]
    change_form_template = "admin/notices/posting/change_form.html"
    released_fields = [
        "community",
        "category",
        "title",
        "body_html",
        "publish_at",
        "window_end_display",
        "working_days",
        "pinned",
        "objections_open",
        "status_label",
        "version",
        "series_link",
        "supersedes",
        "correction_note",
        "replaced_at",
        "withdrawn_at",
        "withdrawal_reason",
        "released_at",
        "released_by",
        "created_by",
        "ledger_entries_list",
        "workflow_log",
    ]
    # Each list action is a step of POSTING_FLOW; a list filtered to one state offers only its steps
    # ("closing" is public, "ended" covers ended, withdrawn and replaced: none has a step).
    STEP_OF_ACTION = {
        "release_selected": "release",
        "publish_now_selected": "publish_now",
        "withdraw_selected": "withdraw",
    }
    STATE_OF_WINDOW = {
        "draft": "draft",
        "scheduled": "scheduled",
        "public": "public",
        "closing": "public",
        "ended": "ended",
    }

    def get_queryset(self, request):
        from django.db.models import Count

        return (
            super()
            .get_queryset(request)
            .annotate(
                n_objections=Count("objections", distinct=True),
                n_pending=Count("objections", filter=Q(objections__status="pending"), distinct=True),
            )
        )

    # -- display ----------------------------------------------------------------------------------

    @admin.display(description=_("状态"))
    def status_label(self, obj: Posting) -> str:
        return posting_status(obj, timezone.now())

    @admin.display(description=_("办理记录"))
    def workflow_log(self, obj: Posting):
        return log_html(POSTING_FLOW, obj)

    @admin.display(description=_("标题"), ordering="title")
    def title_display(self, obj: Posting) -> str:
        return f"[{gettext('置顶')}] {obj.title}" if obj.pinned else obj.title

    @admin.display(description=_("公开期"), ordering="publish_at")
    def window(self, obj: Posting):
        return format_html(
            '<span style="white-space:nowrap">{}</span><br><span style="white-space:nowrap">{}</span>',
            gettext("%(start)s起") % {"start": window_start(obj.publish_at)},
            posted_until(obj.expire_at),
        )

    @admin.display(description=_("公开结束"))
    def window_end_display(self, obj: Posting) -> str:
        return posted_until(obj.expire_at)

    @admin.display(description=_("异议（待答复/总数）"))
    def objection_counts(self, obj: Posting) -> str:
        total = getattr(obj, "n_objections", None)
        if not total:
            return "-"
        return f"{obj.n_pending}/{total}"

    @admin.display(description=_("正文"))
    def body_html(self, obj: Posting):
        from notices.templatetags.board import clean_html

        return clean_html(obj.body)

    @admin.display(description=_("所属公告"))
    def series_link(self, obj: Posting):
        series = obj.series_id or obj.pk
        versions = Posting.objects.filter(Q(pk=series) | Q(series_id=series)).order_by("version")
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>{}',
            (
                (
                    reverse("admin:notices_posting_change", args=[v.pk]),
                    gettext("第%(v)d版") % {"v": v.version},
                    gettext("（本页）") if v.pk == obj.pk else "",
                )
                for v in versions
            ),
        )

    @admin.display(description=_("公开登记簿"))
    def ledger_entries_list(self, obj: Posting):
        rows = [
            (
                e.sequence,
                ACTION_LABELS.get(e.action, e.action),
                e.entry_hash,
                timezone.localtime(e.recorded_at),
            )
            for e in obj.ledger_entries.order_by("sequence")
        ]
        if not rows:
            return "-"
        return format_html_join(
            mark_safe("<br>"),  # noqa: S308 - a constant separator
            '#{} {} <code title="{}">{}…</code> {}',
            ((seq, label, h, h[:16], f"{when:%Y-%m-%d %H:%M}") for seq, label, h, when in rows),
        )

    def get_list_display(self, request):
        ids = community_ids_for_user(request.user)
        if ids is not None and len(ids) <= 1:
            return [f for f in self.list_display if f != "community"]
        return self.list_display

    # -- permissions and forms --------------------------------------------------------------------

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_released:
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_released:
            return self.released_fields
        if obj is not None:
            return ["community", "status_label"]
        return []

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_released:
            return self.released_fields
        fields = list(PostingDraftForm.Meta.fields)
        if obj is not None:
            fields.insert(0, "status_label")
        return fields

    def get_inlines(self, request, obj):
        if obj is None or not obj.is_released:
            return [AttachmentUploadInline]
        return [AttachmentReadonlyInline, ObjectionInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "community" in form.base_fields and obj is None:
            ids = community_ids_for_user(request.user)
            if ids is not None and len(ids) == 1:
                form.base_fields["community"].initial = ids[0]
        for name in ("publish_at", "expire_at"):
            if name in form.base_fields:
                form.base_fields[
                    name
                ].help_text = f"{form.base_fields[name].help_text or ''} （{DATETIME_HELP}）".strip()
        return form

    # -- saving through the services --------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if obj.pk and Posting.objects.filter(pk=obj.pk, state=Posting.State.RELEASED).exists():
            return  # released: the form is read-only; objections are saved by save_formset
        fields = {f: form.cleaned_data[f] for f in PostingDraftForm.Meta.fields if f in form.cleaned_data}
        if not change:
            created = services.posting_create_draft(actor=request.user, **fields)
            obj.pk = created.pk
            obj._state.adding = False
        else:
            fields.pop("community", None)
            changed = {f: v for f, v in fields.items() if f in form.changed_data}
            if changed:
                services.posting_update_draft(obj, actor=request.user, **changed)
        obj.refresh_from_db()
        warning = getattr(form, "calendar_warning", None)
        if warning:
            messages.warning(request, warning)
        # Said now, while the draft is being written, not only when it is released.
        for problem in services.personal_data_problems(obj):
            messages.warning(
                request,
                gettext("发布前请修改：%(problem)s（公开栏不得公开身份证号码和个人手机号码）")
                % {"problem": problem},
            )

    def save_formset(self, request, form, formset, change):
        # The admin's change message reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is Attachment:
            posting = form.instance
            for f in formset.deleted_forms:
                if f.instance.pk:
                    f.instance.delete()  # drafts only (the model refuses on released postings)
                    formset.deleted_objects.append(f.instance)
            for f in formset.forms:
                if f in formset.deleted_forms or f.instance.pk or not f.has_changed():
                    continue
                upload = f.cleaned_data.get("file")
                if upload:
                    added = services.attachment_add(posting, file=upload, actor=request.user)
                    formset.new_objects.append(added)
            return
        if formset.model is Objection:
            for f in formset.forms:
                obj = f.instance
                if obj.pk and obj.status == Objection.Status.PENDING and f.has_changed():
                    answered = services.objection_answer(
                        obj,
                        actor=request.user,
                        answer=f.cleaned_data["answer"],
                        upheld=f.cleaned_data["upheld"],
                    )
                    formset.changed_objects.append((answered, ["answer", "upheld"]))
            return
        super().save_formset(request, form, formset, change)
