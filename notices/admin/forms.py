"""What the posting admin's pages share: who may release or object, the state a person would
name, and the forms (draft, new version, withdrawal, a supervisor's objection, an answer)."""

from __future__ import annotations

from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import roles
from core.admin_base import (
    DateRangeFormMixin,
)
from core.errors import RuleViolation
from core.windows import posted_until
from notices import services
from notices.attachments import check_upload
from notices.editor import PostingBodyEditor
from notices.flow import POSTING_FLOW
from notices.models import Attachment, LedgerEntry, Objection, Posting
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
    if not can_release(request):
        return []
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
        widgets = {"body": PostingBodyEditor()}

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
            "body": PostingBodyEditor(),
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
