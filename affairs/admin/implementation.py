"""Admin of implementation tasks: owner, deadline, progress updates with evidence (services only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affairs.models.implementation import ImplementationTask, TaskUpdate
from affairs.models.motions import Motion
from affairs.services import implementation as services
from core.admin_base import CommunityScopedTabularInline, ScopedHistoryAdmin
from core.governed import save_governed
from notices.attachments import clean_upload_field


class OverdueFilter(admin.SimpleListFilter):
    title = _("是否逾期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("已逾期")), ("open", _("未完成"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(done_at__isnull=True, deadline__lt=timezone.localdate())
        if self.value() == "open":
            return queryset.filter(done_at__isnull=True)
        return queryset


class TaskUpdateForm(forms.ModelForm):
    class Meta:
        model = TaskUpdate
        fields = ["progress", "note", "evidence"]

    def clean_evidence(self):
        return clean_upload_field(self.cleaned_data.get("evidence"))


class TaskUpdateInline(CommunityScopedTabularInline):
    model = TaskUpdate
    form = TaskUpdateForm
    fields = ["at", "progress", "note", "evidence", "author"]
    readonly_fields = ["at", "author"]
    extra = 1
    can_delete = False
    verbose_name_plural = _("实施进展（新增一行填报）")

    def has_change_permission(self, request, obj=None):
        return False  # an update once written is part of the record

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is None or obj.done_at is not None else 1


@admin.register(ImplementationTask)
class ImplementationTaskAdmin(ScopedHistoryAdmin):
    community_field = "motion__community"
    list_display = ["title", "motion", "owner", "deadline", "progress", "state"]
    list_filter = [OverdueFilter, "deadline"]
    list_select_related = ["motion", "owner"]
    search_fields = ["title", "motion__title"]
    fields = ["motion", "title", "owner", "deadline", "progress", "done_at"]
    readonly_fields = ["progress", "done_at"]
    inlines = [TaskUpdateInline]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "motion"] if obj is not None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "motion":
            kwargs["queryset"] = Motion.objects.filter(state__in=services.OPEN_STATES)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("状态"))
    def state(self, obj):
        if obj.done_at is not None:
            return gettext("已完成")
        if obj.is_overdue(timezone.localdate()):
            return format_html('<strong class="errornote">{}</strong>', gettext("已逾期"))
        return gettext("进行中")

    def save_model(self, request, obj, form, change):
        if change:
            save_governed(obj, actor=request.user, reason=gettext("修改实施任务"))
            return
        created = services.task_create(
            motion=form.cleaned_data["motion"],
            title=form.cleaned_data["title"],
            owner=form.cleaned_data["owner"],
            deadline=form.cleaned_data["deadline"],
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        for f in formset.forms:
            if f.instance.pk or not f.has_changed():
                continue
            services.task_update(
                task=form.instance,
                progress=f.cleaned_data["progress"],
                note=f.cleaned_data["note"],
                evidence=f.cleaned_data.get("evidence"),
                actor=request.user,
            )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
