"""Admin of the monthly disclosure sheets (居务公开月报): read-only rows, download, regenerate.

Sheets are never edited or deleted by hand. Staff with the add permission (主任, 委员) may queue a
regeneration of selected sheets or a generation for any past or current month; the work runs in
Celery after the request commits (``notices.tasks.generate_disclosure_for``), and identical content
keeps the stored version.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committee.admin_base import CommunityScopedAdmin
from committee.dates import month_message, parse_month
from committee.models import Community
from committee.selectors import communities_for_user
from notices.models import MonthlyDisclosure

GENERATE_PERMISSION = "notices.add_monthlydisclosure"


def _queue(community_id: int, month_iso: str, actor_id: int | None) -> None:
    from notices.tasks import generate_disclosure_for

    transaction.on_commit(lambda: generate_disclosure_for.delay(community_id, month_iso, actor_id))


class GenerateForm(forms.Form):
    community = forms.ModelChoiceField(label=_("社区"), queryset=Community.objects.none())
    month = forms.CharField(
        label=_("月份"),
        max_length=7,
        help_text=_("格式：年-月，例如 2026-10"),
        widget=forms.TextInput(attrs={"placeholder": "2026-10", "size": 8}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = communities_for_user(user).order_by("name")
        self.fields["community"].queryset = qs
        self.fields["community"].error_messages["invalid_choice"] = gettext("请选择您负责的社区。")
        if qs.count() == 1:
            self.fields["community"].initial = qs.first()

    def clean_month(self):
        value = self.cleaned_data["month"].strip()
        first = parse_month(value)
        if first is None:
            raise forms.ValidationError(month_message())
        if first > timezone.localtime(timezone.now()).date():
            raise forms.ValidationError(gettext("该月尚未开始，不能生成月报。"))
        return first


@admin.register(MonthlyDisclosure)
class MonthlyDisclosureAdmin(CommunityScopedAdmin):
    community_field = "community"
    list_display = [
        "community",
        "month_label",
        "version",
        "pages",
        "generated_at",
        "generated_by",
        "download",
    ]
    list_filter = ["community"]
    list_select_related = ["community", "generated_by"]
    ordering = ["-month", "community", "-version"]
    date_hierarchy = "month"
    actions = ["regenerate"]
    readonly_fields = [
        "community",
        "month",
        "version",
        "pages",
        "content_hash",
        "ledger_hash",
        "generated_at",
        "generated_by",
        "download",
    ]
    fields = readonly_fields
    change_list_template = "admin/notices/monthlydisclosure/change_list.html"

    @admin.display(description=_("月份"), ordering="month")
    def month_label(self, obj: MonthlyDisclosure) -> str:
        return f"{obj.month:%Y-%m}"

    @admin.display(description=_("下载"))
    def download(self, obj: MonthlyDisclosure):
        if not obj.pk:
            return "-"
        url = reverse("notices:disclosure_pdf", args=[obj.community.slug, f"{obj.month:%Y-%m}"])
        return format_html(
            '<a href="{}?v={}" target="_blank" rel="noopener">{}</a>', url, obj.version, gettext("PDF")
        )

    # Rows are records: nobody adds, edits or deletes them by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def can_generate(self, request) -> bool:
        return request.user.has_perm(GENERATE_PERMISSION)

    @admin.action(description=_("重新生成所选月报（内容未变则不新增版本）"))
    def regenerate(self, request: HttpRequest, queryset):
        if not self.can_generate(request):
            raise PermissionDenied
        pairs = sorted({(c, f"{m:%Y-%m}") for c, m in queryset.values_list("community_id", "month")})
        for community_id, month in pairs:
            _queue(community_id, month, request.user.pk)
        self.message_user(
            request,
            gettext("已提交%(n)d份月报的生成任务，稍后刷新本页查看结果。") % {"n": len(pairs)},
            messages.SUCCESS,
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.can_generate(request):
            actions.pop("regenerate", None)
        return actions

    def get_urls(self):
        return [
            path(
                "generate/",
                self.admin_site.admin_view(self.generate_view),
                name="notices_monthlydisclosure_generate",
            ),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_generate": self.can_generate(request)}
        return super().changelist_view(request, extra_context=extra_context)

    def generate_view(self, request: HttpRequest):
        if not self.can_generate(request):
            raise PermissionDenied
        form = GenerateForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            community, month = form.cleaned_data["community"], form.cleaned_data["month"]
            _queue(community.pk, f"{month:%Y-%m}", request.user.pk)
            self.message_user(
                request,
                gettext("已提交%(name)s %(month)s月报的生成任务，稍后刷新本页查看结果。")
                % {"name": community.name, "month": f"{month:%Y-%m}"},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:notices_monthlydisclosure_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("生成居务公开月报"),
            "form": form,
        }
        return TemplateResponse(request, "admin/notices/monthlydisclosure/generate.html", context)
