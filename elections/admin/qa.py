"""The candidate Q&A meeting (竞选答辩会) on the election's change page: what was recorded, and a
page to record it (date-time and notes) through ``services.qa_meeting_record``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_dates import DateRangeFormMixin
from core.errors import RuleViolation
from elections import services
from elections.models import Election
from elections.services.candidates import QA_MEETING_STATES


class QaMeetingForm(DateRangeFormMixin, forms.Form):
    held_at = forms.DateTimeField(
        label=_("答辩会举行时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("请填写答辩会举行时间。"),
            "invalid": _("时间格式不对，请按“年-月-日 时:分”填写，如 2027-06-01 14:00。"),
        },
    )
    notes = forms.CharField(
        label=_("答辩会记录"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 70}),
        max_length=5000,
        help_text=_(
            "出席候选人、陈述和居民提问的要点。记录将在本社区“选举”页面公开，请勿写身份证号码或手机号码。"
        ),
        error_messages={
            "required": _("请填写答辩会记录。"),
            "max_length": _("答辩会记录不能超过%(limit_value)d字。"),
        },
    )


def qa_meeting_offered(election: Election) -> bool:
    return election.has_candidates and election.status in QA_MEETING_STATES


class QaMeetingAdminMixin:
    """Adds the meeting's record and its page to ``ElectionAdmin`` (kept apart from the steps).
    ``ElectionAdmin`` must list ``"qa_meeting"`` in its ``readonly_fields``."""

    # ElectionAdmin lists its own fields and read-only fields (with "qa_meeting" among the latter);
    # the meeting's line is placed here, under the step buttons, for elections with candidates.
    def get_fieldsets(self, request, obj=None):
        fields = [f for f in self.get_fields(request, obj) if f != "qa_meeting"]
        if obj is not None and obj.has_candidates:
            at = fields.index("step_buttons") + 1 if "step_buttons" in fields else len(fields)
            fields.insert(at, "qa_meeting")
        return [(None, {"fields": fields})]

    @admin.display(description=_("竞选答辩会"))
    def qa_meeting(self, obj):
        recorded = (
            format_html(
                "{}<br>{}",
                formats.date_format(timezone.localtime(obj.qa_meeting_at), gettext("Y年n月j日 H:i")),
                linebreaksbr(obj.qa_meeting_notes),
            )
            if obj.qa_meeting_at
            else gettext("尚未记录")
        )
        if not qa_meeting_offered(obj):
            return recorded
        return format_html(
            '{}<p><a class="button" href="{}">{}</a></p>',
            recorded,
            reverse("admin:elections_election_qa_meeting", args=[obj.pk]),
            gettext("记录竞选答辩会"),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/qa-meeting/",
                self.admin_site.admin_view(self.qa_meeting_view),
                name="elections_election_qa_meeting",
            ),
            *super().get_urls(),
        ]

    def qa_meeting_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(gettext("没有该选举。"))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse("admin:elections_election_change", args=[obj.pk])
        reasons = []
        if not qa_meeting_offered(obj):
            reasons = [gettext("竞选答辩会在有候选人的选举提名至正式候选人公布阶段记录；当前阶段不能记录。")]
        initial = {"notes": obj.qa_meeting_notes}
        if obj.qa_meeting_at:
            initial["held_at"] = timezone.localtime(obj.qa_meeting_at)
        form = QaMeetingForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and not reasons and form.is_valid():
            try:
                services.qa_meeting_record(
                    election=obj,
                    held_at=form.cleaned_data["held_at"],
                    notes=form.cleaned_data["notes"],
                    actor=request.user,
                )
            except RuleViolation as e:
                fields = {"qa_meeting_at": "held_at", "qa_meeting_notes": "notes"}
                if hasattr(e, "error_dict"):
                    for field, errors in e.message_dict.items():
                        for m in errors:
                            form.add_error(fields.get(field), m)
                else:
                    for m in e.messages:
                        form.add_error(None, m)
            else:
                messages.success(request, gettext("已记录竞选答辩会。"))
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": gettext("记录竞选答辩会"),
            "form": form,
            "reasons": reasons,
            "intro": gettext("记录竞选答辩会的举行时间和内容要点；再次提交将更新记录（修改留有历史记录）。"),
            "submit_label": gettext("保存答辩会记录"),
            "return_url": change_url,
        }
        return TemplateResponse(request, "admin/elections/election/record_form.html", context)
