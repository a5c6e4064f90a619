"""Staff interface of the base layer: street offices, communities and their rules, accounts, the
calendar of official days."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import services as core_services
from core.admin_base import ScopedHistoryAdmin
from core.admin_scope import register_community_path
from core.calendar import library_years
from core.models import Community, CommunityRules, OfficialDay, StreetOffice, User
from core.scoping import community_ids_for_user

# Foreign keys to users (released_by, answered_by, ...) offer only colleagues of one's communities.
register_community_path(User, "staff_profile__communities")


@admin.register(StreetOffice)
class StreetOfficeAdmin(ScopedHistoryAdmin):
    community_field = "communities"
    list_display = ["name", "district"]
    search_fields = ["name", "district"]


class CommunityRulesInline(admin.StackedInline):
    model = CommunityRules
    can_delete = False
    max_num = 1
    min_num = 1
    verbose_name = _("规则参数（按本地规定调整，默认值为法定默认）")
    fieldsets = [
        (
            _("居委会"),
            {
                "fields": [
                    ("term_years", "seats_min", "seats_max"),
                    "households_per_staff",
                    ("households_per_representative_min", "households_per_representative_max"),
                    ("assembly_reps_per_group_min", "assembly_reps_per_group_max"),
                    "captain_posting_working_days",
                ]
            },
        ),
        (_("会议"), {"fields": [("residents_meeting_quorum", "assembly_quorum", "decision_majority")]}),
        (
            _("选举"),
            {
                "fields": [
                    ("roll_posting_days", "roll_objection_days", "roll_objection_answer_days"),
                    ("candidate_list_days", "max_proxies"),
                    ("election_turnout", "election_win_share", "further_round_min_share"),
                    ("recall_voter_share", "recall_representative_share", "household_ballot_pass_share"),
                ]
            },
        ),
        (_("居民意见"), {"fields": [("opinion_ack_working_days", "opinion_answer_working_days")]}),
        (_("述职测评"), {"fields": [("appraisal_excellent", "appraisal_competent", "appraisal_basic")]}),
        (
            _("低保"),
            {"fields": [("hardship_posting_days", "hardship_recheck_months", "low_income_standard")]},
        ),
        (_("公开栏"), {"fields": ["public_phones"]}),
    ]


@admin.register(Community)
class CommunityAdmin(ScopedHistoryAdmin):
    community_field = "pk"
    list_display = ["name", "slug", "street_office", "phone", "address"]
    list_select_related = ["street_office"]
    search_fields = ["name", "slug"]
    list_filter = ["street_office"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CommunityRulesInline]

    def has_add_permission(self, request):
        # A community is created by the district (superuser), not from inside another community.
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class OfficialDayForm(forms.ModelForm):
    class Meta:
        model = OfficialDay
        fields = ["community", "date", "is_working_day", "name"]


@admin.register(OfficialDay)
class OfficialDayAdmin(ScopedHistoryAdmin):
    """The holiday calendar: national days (superusers) and each community's own (its 主任).

    Everyone sees the national days and their communities' days; a chair adds and changes their
    communities' days only (``committee.core_services.official_day_save``).
    """

    community_field = "community"
    form = OfficialDayForm
    list_display = ["date", "weekday", "is_working_day", "name", "scope"]
    list_filter = ["is_working_day", "community"]
    list_select_related = ["community"]
    search_fields = ["name"]
    date_hierarchy = "date"
    change_list_template = "admin/committee/officialday/change_list.html"

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        ids = community_ids_for_user(request.user)
        if ids is None:
            return qs
        return qs.filter(Q(community__isnull=True) | Q(community__in=ids))

    def get_search_results(self, request, queryset, search_term):
        # National days belong to no community; the generic re-scoping would drop them.
        return admin.ModelAdmin.get_search_results(self, request, queryset, search_term)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    @staticmethod
    def _may_edit(request, obj) -> bool:
        return obj is None or obj.community_id is not None or request.user.is_superuser

    def changelist_view(self, request, extra_context=None):
        first, last = library_years()
        extra_context = {**(extra_context or {}), "library_first": first, "library_last": last}
        return super().changelist_view(request, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("community")
        if field is not None and not request.user.is_superuser:
            field.required = True
            field.empty_label = None
            field.help_text = _("只用于所选社区，并优先于全国安排；全国安排由系统管理员录入。")
        return form

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = core_services.official_day_save(
            actor=request.user,
            day=obj if change else None,
            community=data.get("community"),
            date=data["date"],
            is_working_day=data.get("is_working_day", False),
            name=data.get("name", ""),
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj):
        core_services.official_day_delete(actor=request.user, day=obj)

    def delete_queryset(self, request, queryset):
        for day in queryset:
            core_services.official_day_delete(actor=request.user, day=day)

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")][obj.date.weekday()]

    @admin.display(description=_("适用范围"), ordering="community__name")
    def scope(self, obj):
        return obj.community.name if obj.community_id else gettext("全国")
