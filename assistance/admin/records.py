"""Programmes and their standards, the review settings, the cross-check flags (the street office's
view across its communities) and the log of who viewed which case."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from assistance.admin.base import CasePrivateAdmin
from assistance.models import CaseFlag, CaseRules, CaseView, Programme, ProgrammeStandard
from core.admin_base import CommunityScopedTabularInline, ScopedHistoryAdmin


class StandardInline(CommunityScopedTabularInline):
    """A new standard is a new row from its date on; past values stay as the record."""

    model = ProgrammeStandard
    fields = ["effective_from", "amount", "note"]
    extra = 1

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["kind", "community", "current_standard"]
    list_filter = ["community", "kind"]
    inlines = [StandardInline]

    @admin.display(description=_("现行标准（元/人/月）"))
    def current_standard(self, obj):
        from django.utils import timezone

        standard = obj.standard_on(timezone.localdate())
        return standard.amount if standard else "-"


@admin.register(CaseRules)
class CaseRulesAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["community", "scoring_rule", "pass_mark", "min_scorers", "tolerance_percent", "step_days"]


class ReadOnlyMixin:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseFlag)
class CaseFlagAdmin(ReadOnlyMixin, CasePrivateAdmin):
    """Every flag of the communities the user serves (a street office: all of its communities)."""

    community_field = "case__community"
    case_path = "case"
    list_display = ["case_link", "community", "code", "message", "found_at"]
    list_select_related = ["case__household", "case__programme", "case__community"]
    list_filter = ["code", "case__community"]
    search_fields = ["case__household__number", "message"]

    @admin.display(description=_("社区"), ordering="case__community")
    def community(self, obj):
        return obj.case.community

    @admin.display(description=_("申请"))
    def case_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:assistance_case_change", args=[obj.case_id]), obj.case
        )


@admin.register(CaseView)
class CaseViewAdmin(ReadOnlyMixin, CasePrivateAdmin):
    """Who viewed which case, when: read by the chair, the supervision committee, the street office."""

    community_field = "case__community"
    case_path = "case"
    list_display = ["at", "user", "case"]
    list_select_related = ["user", "case__household", "case__programme"]
    list_filter = ["case__community"]
    date_hierarchy = "at"
