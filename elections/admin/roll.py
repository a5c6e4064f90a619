"""Admin of the voter roll: the entries (searchable; masked ID shown as its last 4 characters),
additions and removals, each with its reason, through ``elections.services``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_base import CommunityScopedAdmin, run_service_on_each
from elections import services
from elections.models import Voter


class VoterAddForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("增加原因"), max_length=200, help_text=_("如：户籍在外、本人申请在本社区参选")
    )

    class Meta:
        model = Voter
        fields = ["roll", "resident"]


@admin.register(Voter)
class VoterAdmin(CommunityScopedAdmin):
    community_field = "roll__election__community"
    list_display = [
        "name",
        "id_last4",
        "household",
        "group",
        "station",
        "added",
        "removed_at",
        "removed_reason",
    ]
    list_select_related = ["household", "group", "station"]
    list_filter = ["roll__election__community", "roll", "group", "added"]
    search_fields = ["name", "id_last4", "household__number"]
    actions = ["remove_selected"]

    def has_delete_permission(self, request, obj=None):
        return False  # entries leave the roll by removal with a reason, never by deletion

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = VoterAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["roll", "resident", "reason"]
        return ["name", "id_last4", "household", "group", "station", "added", "removed_at", "removed_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.get_fields(request, obj)

    def get_autocomplete_fields(self, request):
        return ["resident"]

    def save_model(self, request, obj, form, change):
        if change:
            return  # entries are changed only by additions and removals with reasons
        voter = services.roll_add(
            election=form.cleaned_data["roll"].election,
            resident=form.cleaned_data["resident"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        obj.pk = voter.pk
        obj._state.adding = False

    @admin.action(description=_("从选民名单除名（须写明原因）"), permissions=["change"])
    def remove_selected(self, request, queryset):
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("confirm") and reason:
            run_service_on_each(
                request,
                items=queryset,
                service=lambda v: services.roll_remove(voter=v, reason=reason, actor=request.user),
                done_message=gettext("已将%(n)d名选民除名。"),
            )
            return None
        if request.POST.get("confirm"):
            messages.error(request, gettext("请写明除名的原因。"))
        return TemplateResponse(
            request,
            "admin/elections/voter/remove.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("从选民名单除名"),
                "voters": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )
