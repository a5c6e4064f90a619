"""Staff side of the board: drafts, release, withdrawal, corrections, objections, the record.

Every write goes through ``notices.services`` (the admin, a command and a task behave the same).
Drafts are edited here; released postings are read-only (only the actions below touch them, each
shown only when the posting's state and the user's permission allow it); objections are answered
inline; the ledger and the window events are read-only records.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets as admin_widgets
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core import roles
from core.admin_base import (
    CommunityScopedAdmin,
    CommunityScopedTabularInline,
    DateRangeFormMixin,
    run_service_on_each,
)
from core.admin_privacy import PersonalDataMixin
from core.errors import RuleViolation
from core.scoping import community_ids_for_user
from core.windows import posted_until, window_start
from core.workflow_admin import log_html
from notices import (
    admin_disclosure,  # noqa: F401  (registers MonthlyDisclosure, h5)
    ledger,
    services,
)
from notices.admin_filters import WindowFilter
from notices.attachments import check_upload
from notices.flow import POSTING_FLOW
from notices.models import Attachment, LedgerEntry, Objection, Posting, WindowEvent
from notices.sanitize import body_for_editing, dangerous_parts

RELEASE_PERMISSION = "notices.release_posting"
ACTION_LABELS = dict(LedgerEntry.Action.choices)
DATETIME_HELP = _("北京时间")


def can_release(request) -> bool:
    return request.user.has_perm(RELEASE_PERMISSION)


def can_file_objection(request, posting: Posting) -> bool:
    """A supervisor (监督委员) may object to any released posting (see the service's docstring)."""
    return posting.is_released and request.user.has_perm(roles.FILE_OBJECTION)


def posting_status(posting: Posting, at) -> str:
    """The state a person would name: 草稿 / 待公开 / 公开中 / 已结束 / 已撤回 / 已被更正."""
    return POSTING_FLOW.state_label(posting, at)


def allowed_actions(posting: Posting, request, at) -> list[str]:
    """Which of release / publish_now / withdraw / new_version may happen now (state, permission)."""
    return POSTING_FLOW.allowed(posting, actor=request.user, at=at)


# --- forms ----------------------------------------------------------------------------------------


class EditableBodyMixin:
    """Staff edit a plain body as text (see ``sanitize.body_for_editing``), not as raw HTML."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields and not self.is_bound:
            self.initial["body"] = body_for_editing(self.initial.get("body", ""))


class PostingDraftForm(EditableBodyMixin, forms.ModelForm):
    """The draft form: the rules of the services checked up front, with messages on the fields."""

    class Meta:
        model = Posting
        fields = [
            "community",
            "category",
            "title",
            "body",
            "publish_at",
            "working_days",
            "expire_at",
            "pinned",
            "objections_open",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 80})}

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        bad = dangerous_parts(body)
        if bad:
            raise forms.ValidationError(
                gettext("正文包含脚本等不安全内容（%(what)s），不能保存。请删除后重试。")
                % {"what": "、".join(bad)}
            )
        return body

    def clean(self):
        data = super().clean()
        publish_at, expire_at, days = data.get("publish_at"), data.get("expire_at"), data.get("working_days")
        if publish_at and days:
            community = data.get("community")
            community_id = community.pk if community is not None else self.instance.community_id
            end, years = services.working_days_end(publish_at, days, community_id=community_id)
            self.calendar_warning = services.calendar_warning(years)
            if expire_at and expire_at != end:
                self.add_error(
                    "expire_at",
                    gettext("已填写公示工作日数，公开结束时间将自动计算（%(end)s），请留空。")
                    % {"end": posted_until(end)},
                )
        elif publish_at and expire_at and expire_at <= publish_at:
            self.add_error("expire_at", gettext("公开结束时间必须晚于公开开始时间。"))
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("撤回后该事项保留在记录中，并向居民显示撤回原因。"),
    )


class NewVersionForm(DateRangeFormMixin, EditableBodyMixin, forms.ModelForm):
    """A correction: everything the new version may change, prefilled from the current version."""

    correction_note = forms.CharField(
        label=_("更正说明"), max_length=200, help_text=_("向居民说明更正了什么，例如“更正公示名单中的错字”。")
    )

    class Meta:
        model = Posting
        fields = ["category", "title", "body", "working_days", "expire_at", "pinned", "objections_open"]
        field_classes = {"expire_at": forms.SplitDateTimeField}
        widgets = {
            "title": admin_widgets.AdminTextInputWidget,
            "body": admin_widgets.AdminTextareaWidget(attrs={"rows": 14, "cols": 80}),
            "expire_at": admin_widgets.AdminSplitDateTime,
        }
        help_texts = {"working_days": _("从更正版本发布之日起重新计算；留空则使用下面的公开结束时间。")}

    clean_body = PostingDraftForm.clean_body


class SupervisorObjectionForm(forms.Form):
    body = forms.CharField(
        label=_("异议内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_("写明哪一处有问题、依据是什么。居委会答复后，答复显示在本事项的“异议”中。"),
    )


class AttachmentUploadForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["file"]

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and not self.instance.pk:
            try:
                check_upload(file)
            except RuleViolation as e:
                raise forms.ValidationError(e.messages) from e
        return file


class ObjectionAnswerForm(forms.ModelForm):
    upheld = forms.TypedChoiceField(
        label=_("异议成立"),
        choices=[("", "—"), ("1", _("成立")), ("0", _("不成立"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )

    class Meta:
        model = Objection
        fields = ["answer", "upheld"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.status == Objection.Status.ANSWERED:
            for field in self.fields.values():
                field.disabled = True
            self.initial["upheld"] = "1" if self.instance.upheld else "0"

    def clean(self):
        data = super().clean()
        if self.instance.status == Objection.Status.ANSWERED or not self.has_changed():
            return data
        if not (data.get("answer") or "").strip():
            self.add_error("answer", gettext("请填写答复内容。"))
        if data.get("upheld") is None:
            self.add_error("upheld", gettext("请选择异议是否成立。"))
        return data


# --- inlines --------------------------------------------------------------------------------------


class AttachmentUploadInline(CommunityScopedTabularInline):
    model = Attachment
    form = AttachmentUploadForm
    extra = 1
    fields = ["file", "name", "content_type", "size", "sha256"]
    readonly_fields = ["name", "content_type", "size", "sha256"]
    verbose_name_plural = _("附件（PDF或PNG、JPEG、WebP图片）")


class AttachmentReadonlyInline(CommunityScopedTabularInline):
    model = Attachment
    extra = 0
    fields = ["name", "content_type", "size", "sha256"]
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
class PostingAdmin(CommunityScopedAdmin, SimpleHistoryAdmin):
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
    STEP_OF_ACTION = {"release_selected": "release", "publish_now_selected": "publish_now", "withdraw_selected": "withdraw"}
    STATE_OF_WINDOW = {"draft": "draft", "scheduled": "scheduled", "public": "public", "closing": "public", "ended": "ended"}

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

    @admin.display(description=_("公开记录链"))
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

    # -- per-object buttons -----------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        at = timezone.now()
        offers = POSTING_FLOW.offered(obj, actor=request.user, at=at) if obj is not None else []
        context["posting_actions"] = [o.transition.name for o in offers if o.enabled]
        context["posting_blocked"] = [o for o in offers if not o.enabled]
        context["can_file_objection"] = obj is not None and can_file_objection(request, obj)
        if obj is not None and obj.is_released:
            context["show_save"] = context["show_save_and_continue"] = bool(
                obj.objections.filter(status=Objection.Status.PENDING).exists()
            )
            context["show_save_and_add_another"] = False
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("<int:pk>/release/", wrap(self.release_view), name="notices_posting_release"),
            path("<int:pk>/publish-now/", wrap(self.publish_now_view), name="notices_posting_publish_now"),
            path("<int:pk>/withdraw/", wrap(self.withdraw_view), name="notices_posting_withdraw"),
            path("<int:pk>/new-version/", wrap(self.new_version_view), name="notices_posting_new_version"),
            path("<int:pk>/object/", wrap(self.file_objection_view), name="notices_posting_file_objection"),
        ] + super().get_urls()

    def _get_for_action(self, request, pk: int, action: str) -> Posting:
        obj = self.get_queryset(request).filter(pk=pk).first()
        if obj is None:
            from django.http import Http404

            raise Http404
        if action not in allowed_actions(obj, request, timezone.now()):
            raise PermissionDenied
        return obj

    def _change_url(self, obj: Posting) -> str:
        return reverse("admin:notices_posting_change", args=[obj.pk])

    def _report(self, request, obj: Posting, done: str) -> None:
        messages.success(request, done)
        warning = getattr(obj, "calendar_warning", None)
        if warning:
            messages.warning(request, warning)

    def release_view(self, request: HttpRequest, pk: int):
        return self._confirm_release(request, pk, now=False)

    def publish_now_view(self, request: HttpRequest, pk: int):
        return self._confirm_release(request, pk, now=True)

    def _confirm_release(self, request, pk: int, *, now: bool):
        obj = self._get_for_action(request, pk, "publish_now" if now else "release")
        if request.method == "POST":
            try:
                posting = self._release(obj, request, now=now)
            except RuleViolation as e:
                messages.error(request, "；".join(e.messages))
            else:
                self._report(
                    request,
                    posting,
                    gettext("已发布“%(title)s”，%(when)s起向居民公开。")
                    % {
                        "title": posting.title,
                        "when": timezone.localtime(posting.publish_at).strftime("%Y-%m-%d %H:%M"),
                    },
                )
            return HttpResponseRedirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": gettext("立即发布") if now else gettext("按设定时间发布"),
            "now": now,
            # A draft whose start has passed goes public at release, never backdated.
            "starts_at_release": now or obj.publish_at <= timezone.now(),
            "status": posting_status(obj, timezone.now()),
            "ends": self._release_end(obj, now=now),
            # Shown before the click: release would refuse them anyway (notices.services).
            "personal_data": services.personal_data_problems(obj),
        }
        return TemplateResponse(request, "admin/notices/posting/release_confirm.html", context)

    @staticmethod
    def _release_end(obj: Posting, *, now: bool) -> str:
        """The window end the posting will have if released now (core.windows wording)."""
        at = timezone.now()
        if obj.working_days:
            start = at if now or obj.publish_at < at else obj.publish_at
            end, _years = services.working_days_end(start, obj.working_days)
            return gettext("%(window)s（%(days)d个工作日）") % {
                "window": posted_until(end),
                "days": obj.working_days,
            }
        return posted_until(obj.expire_at)

    @staticmethod
    def _release(obj: Posting, request, *, now: bool) -> Posting:
        at = timezone.now()
        if now and obj.publish_at != at:
            services.posting_update_draft(obj, actor=request.user, publish_at=at)
        return services.posting_release(obj, actor=request.user, at=at)

    def withdraw_view(self, request: HttpRequest, pk: int):
        obj = self._get_for_action(request, pk, "withdraw")
        return self._withdraw_form(request, [obj], return_url=self._change_url(obj))

    def _withdraw_form(self, request, postings: list[Posting], *, return_url: str, from_action: bool = False):
        form = WithdrawForm(request.POST if request.POST.get("confirm") else None)
        if form.is_valid():
            done = 0
            for posting in postings:
                try:
                    services.posting_withdraw(posting, actor=request.user, reason=form.cleaned_data["reason"])
                except RuleViolation as e:
                    messages.error(request, f"{posting.title}：{'；'.join(e.messages)}")
                else:
                    done += 1
            if done:
                messages.success(request, gettext("已撤回%(n)d项，撤回原因已向居民公开。") % {"n": done})
            return HttpResponseRedirect(return_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("撤回公开事项"),
            "form": form,
            "postings": postings,
            "from_action": from_action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "return_url": return_url,
        }
        return TemplateResponse(request, "admin/notices/posting/withdraw.html", context)

    def new_version_view(self, request: HttpRequest, pk: int):
        obj = self._get_for_action(request, pk, "new_version")
        form = NewVersionForm(
            request.POST or None, instance=Posting(**{f: getattr(obj, f) for f in NewVersionForm.Meta.fields})
        )
        if request.method == "POST" and form.is_valid():
            changes = {f: form.cleaned_data[f] for f in NewVersionForm.Meta.fields}
            if changes.get("working_days"):
                changes["expire_at"] = None
            try:
                new = services.posting_new_version(
                    obj, actor=request.user, correction_note=form.cleaned_data["correction_note"], **changes
                )
            except RuleViolation as e:
                form.add_error(None, e.messages)
            else:
                self._report(
                    request,
                    new,
                    gettext("已发布更正版本（第%(v)d版），原版本保留在记录中并标为已更正。")
                    % {"v": new.version},
                )
                return HttpResponseRedirect(self._change_url(new))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": gettext("发布更正版本"),
            "form": form,
        }
        return TemplateResponse(request, "admin/notices/posting/new_version.html", context)

    def file_objection_view(self, request: HttpRequest, pk: int):
        """A supervisor's objection to this posting, recorded with their account."""
        obj = self.get_queryset(request).filter(pk=pk).first()
        if obj is None:
            from django.http import Http404

            raise Http404
        if not can_file_objection(request, obj):
            raise PermissionDenied
        form = SupervisorObjectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.objection_file_by_supervisor(obj, actor=request.user, body=form.cleaned_data["body"])
            except RuleViolation as e:
                form.add_error(None, e)
            else:
                messages.success(request, gettext("已提出异议，等待居委会答复。答复后显示在本页的“异议”中。"))
                return HttpResponseRedirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": gettext("提出异议"),
            "form": form,
            "status": posting_status(obj, timezone.now()),
        }
        return TemplateResponse(request, "admin/notices/posting/file_objection.html", context)

    # -- list actions -----------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        state = self.STATE_OF_WINDOW.get(request.GET.get("window", ""))
        for name, step in self.STEP_OF_ACTION.items():
            transition = POSTING_FLOW.transition(step)
            if not request.user.has_perm(transition.permission) or (state and state not in transition.sources):
                actions.pop(name, None)
        return actions

    @admin.action(description=_("发布所选草稿（按设定的公开开始时间）"))
    def release_selected(self, request, queryset):
        if not can_release(request):
            raise PermissionDenied
        run_service_on_each(
            request,
            items=queryset,
            service=lambda p: self._report_warning(request, self._release(p, request, now=False)),
            done_message=gettext("已发布%(n)d项。"),
        )

    @admin.action(description=_("立即发布所选草稿"))
    def publish_now_selected(self, request, queryset):
        if not can_release(request):
            raise PermissionDenied
        run_service_on_each(
            request,
            items=queryset,
            service=lambda p: self._report_warning(request, self._release(p, request, now=True)),
            done_message=gettext("已立即发布%(n)d项。"),
        )

    @staticmethod
    def _report_warning(request, posting: Posting) -> None:
        if getattr(posting, "calendar_warning", None):
            messages.warning(request, f"{posting.title}：{posting.calendar_warning}")

    @admin.action(description=_("撤回所选公开事项（需填写原因）"))
    def withdraw_selected(self, request, queryset):
        if not can_release(request):
            raise PermissionDenied
        return self._withdraw_form(
            request, list(queryset), return_url=request.get_full_path(), from_action=True
        )


# --- Objections, the ledger, window events -------------------------------------------------------


@admin.register(Objection)
class ObjectionAdmin(PersonalDataMixin, CommunityScopedAdmin, SimpleHistoryAdmin):
    community_field = "posting__community"
    personal_fields = {"phone": "phone"}
    form = ObjectionAnswerForm
    list_display = ["posting", "filed_at", "name", "filed_by", "status", "upheld", "answered_at"]
    list_filter = ["status", "posting__community"]
    list_select_related = ["posting", "filed_by"]
    # A resident who calls quotes the reference the board gave them.
    search_fields = ["posting__title", "name", "=reference"]
    ordering = ["status", "filed_at"]
    fields = [
        "posting",
        "reference",
        "filed_at",
        "name",
        "filed_by",
        "phone",
        "body",
        "status",
        "answer",
        "upheld",
        "answered_at",
        "answered_by",
    ]
    readonly_fields = [
        "posting",
        "reference",
        "filed_at",
        "name",
        "filed_by",
        "phone",
        "body",
        "status",
        "answered_at",
        "answered_by",
    ]

    def has_add_permission(self, request):
        # Residents file on the public board; supervisors with the "提出异议" button of a posting.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if obj.status == Objection.Status.PENDING and form.has_changed():
            services.objection_answer(
                obj,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                upheld=form.cleaned_data["upheld"],
            )
        obj.refresh_from_db()


class ReadOnlyRecordAdmin(CommunityScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyRecordAdmin):
    community_field = "community"
    list_display = [
        "sequence",
        "community",
        "posting",
        "posting_version",
        "action",
        "short_hash",
        "recorded_local",
    ]
    list_filter = ["community", "action"]
    list_select_related = ["community", "posting"]
    search_fields = ["entry_hash", "content_hash", "posting__title"]
    ordering = ["community", "-sequence"]
    change_list_template = "admin/notices/ledgerentry/change_list.html"

    @admin.display(description=_("记录时间"), ordering="recorded_at")
    def recorded_local(self, obj: LedgerEntry) -> str:
        return f"{timezone.localtime(obj.recorded_at):%Y-%m-%d %H:%M:%S}"

    def get_list_display(self, request):
        ids = community_ids_for_user(request.user)
        if ids is not None and len(ids) <= 1:
            return [f for f in self.list_display if f != "community"]
        return self.list_display

    @admin.display(description=_("本条哈希"))
    def short_hash(self, obj: LedgerEntry) -> str:
        return f"{obj.entry_hash[:16]}…"

    def get_urls(self):
        return [
            path(
                "verify/",
                self.admin_site.admin_view(self.verify_view),
                name="notices_ledgerentry_verify",
            )
        ] + super().get_urls()

    def verify_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        from core.scoping import communities_for_user

        checked = broken = 0
        for community in communities_for_user(request.user).order_by("slug"):
            result = ledger.verify_chain(community)
            checked += result.checked
            for brk in result.breaks:
                broken += 1
                messages.error(request, gettext("记录链已损坏：%(what)s") % {"what": str(brk)})
        if not broken:
            messages.success(request, gettext("记录链完整：已核对%(n)d条记录。") % {"n": checked})
        return HttpResponseRedirect(reverse("admin:notices_ledgerentry_changelist"))


@admin.register(WindowEvent)
class WindowEventAdmin(ReadOnlyRecordAdmin):
    community_field = "posting__community"
    list_display = ["posting", "kind", "boundary_at", "recorded_at"]
    list_filter = ["kind", "posting__community"]
    list_select_related = ["posting"]
    ordering = ["-boundary_at"]
