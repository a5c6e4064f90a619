"""Admin of the monthly disclosure sheets (居务公开月报): read-only rows, download, regenerate.

Sheets are never edited or deleted by hand. Staff with the add permission (主任, 委员) may request a
regeneration of selected sheets or a generation for any past or current month. Each request is a
generation job (``notices.disclosure.jobs``) run by Celery after the request commits; the sheet list
shows the latest jobs with their state (queued, running, failed with the reason, done) and says
when jobs wait because no worker is running. A sheet of a month not yet ended is a draft: listed
here, downloadable by staff, never public.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_base import CommunityScopedAdmin
from core.dates import month_bounds, month_message, parse_month
from core.models import Community
from core.scoping import communities_for_user
from notices.disclosure.jobs import (
    QUEUED_WARNING_AFTER,
    disclosure_job_request,
    job_running_too_long,
    job_waiting_too_long,
    jobs_recent,
)
from notices.models import DisclosureJob, MonthlyDisclosure

GENERATE_PERMISSION = "notices.add_monthlydisclosure"


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


def _request_jobs(request: HttpRequest, pairs: list[tuple[Community, dt.date]]) -> tuple[int, int]:
    """Request a job per (community, month); returns (new jobs, requests joined to a waiting job)."""
    new = joined = 0
    for community, month in pairs:
        _job, created = disclosure_job_request(community=community, month=month, actor=request.user)
        if created:
            new += 1
        else:
            joined += 1
    return new, joined


def _job_message(new: int, joined: int) -> str:
    parts = []
    if new:
        parts.append(gettext("已提交%(n)d个月报生成任务，进度见本页“最近的生成任务”。") % {"n": new})
    if joined:
        parts.append(gettext("%(n)d个月报已有生成任务在排队或生成中，未重复提交。") % {"n": joined})
    return "".join(parts)


class FinalListFilter(admin.SimpleListFilter):
    title = _("定稿/草稿")
    parameter_name = "final"

    def lookups(self, request, model_admin):
        return [("1", _("定稿（已公开）")), ("0", _("草稿（未公开）"))]

    def queryset(self, request, queryset):
        if self.value() in ("0", "1"):
            return queryset.filter(is_final=self.value() == "1")
        return queryset


@admin.register(MonthlyDisclosure)
class MonthlyDisclosureAdmin(CommunityScopedAdmin):
    community_field = "community"
    list_display = [
        "community",
        "month_label",
        "kind",
        "version",
        "pages",
        "generated_at",
        "generator",
        "download",
    ]
    list_filter = ["community", FinalListFilter]
    list_select_related = ["community", "generated_by"]
    ordering = ["-month", "community", "-version"]
    date_hierarchy = "month"
    actions = ["regenerate"]
    readonly_fields = [
        "community",
        "month",
        "kind",
        "version",
        "pages",
        "content_hash",
        "ledger_hash",
        "generated_at",
        "generator",
        "download",
    ]
    fields = readonly_fields
    change_list_template = "admin/notices/monthlydisclosure/change_list.html"

    @admin.display(description=_("月份"), ordering="month")
    def month_label(self, obj: MonthlyDisclosure) -> str:
        return f"{obj.month:%Y-%m}"

    @admin.display(description=_("生成人"), ordering="generated_by")
    def generator(self, obj: MonthlyDisclosure) -> str:
        return str(obj.generated_by) if obj.generated_by_id else gettext("系统生成")

    @admin.display(description=_("定稿/草稿"), ordering="is_final")
    def kind(self, obj: MonthlyDisclosure):
        if obj.is_final:
            return gettext("定稿（已公开）")
        return format_html('<span class="draft-mark">{}</span>', gettext("草稿（未公开）"))

    @admin.display(description=_("下载"))
    def download(self, obj: MonthlyDisclosure):
        if not obj.pk:
            return "-"
        if obj.is_final:
            url = reverse("notices:disclosure_pdf", args=[obj.community.slug, f"{obj.month:%Y-%m}"])
            url = f"{url}?v={obj.version}"
        else:  # drafts are not public: served to staff by the admin
            url = reverse("admin:notices_monthlydisclosure_pdf", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, gettext("PDF"))

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
        pairs = sorted({(c, m) for c, m in queryset.values_list("community_id", "month")})
        communities = Community.objects.in_bulk({c for c, _m in pairs})
        try:
            new, joined = _request_jobs(request, [(communities[c], m) for c, m in pairs])
        except ValidationError as e:
            self.message_user(request, "；".join(e.messages), messages.ERROR)
            return
        self.message_user(request, _job_message(new, joined), messages.SUCCESS)

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
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="notices_monthlydisclosure_pdf",
            ),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        at = timezone.now()
        jobs = jobs_recent(communities=communities_for_user(request.user))
        for job in jobs:
            job.waiting_too_long = job_waiting_too_long(job, at=at)
            job.running_too_long = job_running_too_long(job, at=at)
            job.outcome = job_outcome(job)
        extra_context = {
            **(extra_context or {}),
            "can_generate": self.can_generate(request),
            "jobs": jobs,
            "jobs_waiting": any(j.waiting_too_long for j in jobs),
            "jobs_stuck": any(j.running_too_long for j in jobs),
            # While a fresh job is queued or running the page refreshes itself to show the outcome.
            "jobs_refresh": any(
                j.state in DisclosureJob.ACTIVE and not (j.waiting_too_long or j.running_too_long)
                for j in jobs
            ),
            "queued_warning_minutes": int(QUEUED_WARNING_AFTER.total_seconds() // 60),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def pdf_view(self, request: HttpRequest, pk: int):
        """Any sheet in the user's communities, drafts included (the public URL serves finals only)."""
        sheet = self.get_queryset(request).filter(pk=pk).first()
        if sheet is None or not self.has_view_permission(request, sheet):
            raise Http404
        try:
            handle = sheet.pdf.open("rb")
        except (FileNotFoundError, OSError, ValueError):
            raise Http404 from None
        kind = f"v{sheet.version}" if sheet.is_final else f"draft{sheet.version}"
        response = FileResponse(handle, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="juwu-gongkai-{sheet.community.slug}-{sheet.month:%Y-%m}-{kind}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def generate_view(self, request: HttpRequest):
        if not self.can_generate(request):
            raise PermissionDenied
        form = GenerateForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            community, month = form.cleaned_data["community"], form.cleaned_data["month"]
            try:
                new, joined = _request_jobs(request, [(community, month)])
            except ValidationError as e:
                form.add_error("month", e)
            else:
                self.message_user(request, _job_message(new, joined), messages.SUCCESS)
                if timezone.now() < month_bounds(month)[1]:
                    self.message_user(
                        request,
                        gettext(
                            "%(month)s尚未结束，生成的是草稿：仅工作人员可见，不对外公开。定稿在次月1日自动生成。"
                        )
                        % {"month": f"{month:%Y-%m}"},
                        messages.WARNING,
                    )
                return HttpResponseRedirect(reverse("admin:notices_monthlydisclosure_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("生成居务公开月报"),
            "form": form,
        }
        return TemplateResponse(request, "admin/notices/monthlydisclosure/generate.html", context)


def job_outcome(job: DisclosureJob) -> str:
    """What became of a job, in a sentence: the sheet it made, the failure reason, or why it waits."""
    if job.state == DisclosureJob.State.DONE and job.disclosure_id:
        label = job.disclosure.version_label
        if job.disclosure.is_final:
            label = gettext("定稿%(label)s") % {"label": label}
        if job.created_version:
            return gettext("已生成%(label)s") % {"label": label}
        return gettext("内容未变，仍为%(label)s") % {"label": label}
    if job.state == DisclosureJob.State.FAILED:
        return job.error or gettext("原因未记录")
    if job_waiting_too_long(job):
        return gettext(
            "排队已超过%(n)d分钟仍未开始：后台任务进程（Celery worker）可能没有运行，请联系系统管理员。"
        ) % {"n": int(QUEUED_WARNING_AFTER.total_seconds() // 60)}
    if job_running_too_long(job):
        return gettext("生成时间过长，后台任务可能已中断；可重新提交生成。")
    if job.state == DisclosureJob.State.QUEUED:
        return gettext("等待后台任务进程处理")
    return gettext("正在生成PDF")


@admin.register(DisclosureJob)
class DisclosureJobAdmin(CommunityScopedAdmin):
    """Every generation request and its outcome (read-only: jobs are records of what happened)."""

    community_field = "community"
    list_display = [
        "community",
        "month_label",
        "state_label",
        "requester",
        "requested_at",
        "timing",
        "outcome",
    ]
    list_filter = ["state", "community"]
    list_select_related = ["community", "requested_by", "disclosure"]
    ordering = ["-requested_at", "-id"]
    date_hierarchy = "requested_at"
    readonly_fields = [
        "community",
        "month_label",
        "state_label",
        "requester",
        "requested_at",
        "started_at",
        "finished_at",
        "outcome",
        "disclosure",
    ]
    fields = readonly_fields

    @admin.display(description=_("月份"), ordering="month")
    def month_label(self, obj: DisclosureJob) -> str:
        return f"{obj.month:%Y-%m}"

    @admin.display(description=_("状态"), ordering="state")
    def state_label(self, obj: DisclosureJob):
        return format_html('<span class="job-state job-{}">{}</span>', obj.state, obj.get_state_display())

    @admin.display(description=_("提交人"), ordering="requested_by")
    def requester(self, obj: DisclosureJob) -> str:
        return str(obj.requested_by) if obj.requested_by_id else gettext("定时任务")

    @admin.display(description=_("开始—结束"))
    def timing(self, obj: DisclosureJob) -> str:
        def clock(value):
            return timezone.localtime(value).strftime("%H:%M:%S") if value else "…"

        if obj.started_at is None:
            return "-"
        return f"{clock(obj.started_at)}–{clock(obj.finished_at)}"

    @admin.display(description=_("结果"))
    def outcome(self, obj: DisclosureJob) -> str:
        return job_outcome(obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
