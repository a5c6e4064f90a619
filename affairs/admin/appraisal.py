"""Admin of the quarterly appraisal: reports and questions per member, a score sheet per
representative, and posting the results (services in ``affairs.services.appraisal``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affairs.models.appraisal import Appraisal, AppraisalReport
from affairs.models.meetings import Body, Meeting, MeetingMember
from affairs.services import appraisal as services
from core.admin_base import CommunityScopedTabularInline, ScopedHistoryAdmin, run_service_on_each
from core.errors import RuleViolation
from core.governed import save_governed


class ReportInline(CommunityScopedTabularInline):
    model = AppraisalReport
    fields = ["seat", "report", "questions"]
    readonly_fields = ["seat"]
    extra = 0
    max_num = 0
    can_delete = False


class ScoreSheetForm(forms.Form):
    member = forms.ModelChoiceField(label=_("测评代表"), queryset=MeetingMember.objects.none())

    def __init__(self, *args, appraisal: Appraisal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            MeetingMember.objects.filter(meeting_id=appraisal.meeting_id, attendance__in=["present", "proxy"])
            .select_related("resident")
            .order_by("pk")
        )
        for report in appraisal.reports.select_related("seat__resident"):
            self.fields[f"r{report.pk}"] = forms.IntegerField(
                label=str(report.seat), min_value=0, max_value=100, help_text=_("0至100分")
            )


@admin.register(Appraisal)
class AppraisalAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["__str__", "meeting", "posted"]
    list_filter = ["community", "year"]
    actions = ["publish_selected"]

    def get_fields(self, request, obj=None):
        return ["community", "year", "quarter", "meeting"] + (["results", "score_sheet"] if obj else [])

    def get_readonly_fields(self, request, obj=None):
        return ["community", "year", "quarter", "meeting", "results", "score_sheet"] if obj else []

    def get_inlines(self, request, obj):
        return [ReportInline] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "meeting":
            kwargs["queryset"] = Meeting.objects.filter(body=Body.ASSEMBLY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        today = timezone.localdate()
        initial.setdefault("year", today.year)
        initial.setdefault("quarter", (today.month - 1) // 3 + 1)
        return initial

    def get_urls(self):
        return [
            path(
                "<int:pk>/scores/",
                self.admin_site.admin_view(self.scores_view),
                name="affairs_appraisal_scores",
            ),
        ] + super().get_urls()

    @admin.display(description=_("已公开"), boolean=True)
    def posted(self, obj):
        return obj.posting_id is not None

    @admin.display(description=_("测评结果"))
    def results(self, obj):
        rows = services.results(obj)
        lines = [
            gettext("%(name)s（%(role)s）：%(n)d人打分，平均%(avg)s分，%(grade)s")
            % {
                "name": r.name,
                "role": r.role,
                "n": r.count,
                "avg": r.average if r.average is not None else "-",
                "grade": r.grade,
            }
            for r in rows
        ]
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) if lines else "-"

    @admin.display(description=_("测评打分"))
    def score_sheet(self, obj):
        if obj.posting_id:
            return gettext("结果已公开")
        url = reverse("admin:affairs_appraisal_scores", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("录入一名代表的测评票"))

    def save_model(self, request, obj, form, change):
        if change:
            save_governed(obj, actor=request.user, reason=gettext("修改述职测评"))
            return
        created = services.appraisal_create(
            community=form.cleaned_data["community"],
            year=form.cleaned_data["year"],
            quarter=form.cleaned_data["quarter"],
            meeting=form.cleaned_data["meeting"],
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        for f in formset.forms:
            if f.instance.pk and f.has_changed():
                save_governed(f.instance, actor=request.user, reason=gettext("录入述职和质询"))
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def scores_view(self, request, pk: int):
        appraisal = self.get_queryset(request).filter(pk=pk).first()
        if appraisal is None or not self.has_change_permission(request, appraisal):
            raise Http404
        form = ScoreSheetForm(request.POST or None, appraisal=appraisal)
        if request.method == "POST" and form.is_valid():
            scores = {int(k[1:]): v for k, v in form.cleaned_data.items() if k.startswith("r")}
            try:
                services.scores_record(
                    appraisal=appraisal, member=form.cleaned_data["member"], scores=scores, actor=request.user
                )
            except RuleViolation as e:
                form.add_error(None, "；".join(e.messages))
            else:
                messages.success(
                    request, gettext("已录入%(name)s的测评票。") % {"name": form.cleaned_data["member"]}
                )
                return HttpResponseRedirect(request.path)
        return TemplateResponse(
            request,
            "affairs/meetings/admin/motion_step.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": appraisal,
                "title": gettext("录入测评票"),
                "return_url": reverse("admin:affairs_appraisal_change", args=[appraisal.pk]),
                "form": form,
            },
        )

    @admin.action(description=_("公开所选测评结果"), permissions=["change"])
    def publish_selected(self, request, queryset):
        run_service_on_each(
            request,
            items=queryset,
            service=lambda a: services.appraisal_publish(appraisal=a, actor=request.user),
            done_message=gettext("已公开%(n)d次测评结果。"),
        )
