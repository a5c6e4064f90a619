"""Staff interface of the committee registry (Django admin, in Chinese).

Every admin here is scoped by :class:`committee.admin_base.CommunityScopedAdmin` except the few
superuser-only ones (accounts, the national holiday calendar). Governed workflows (captains,
move-outs) go through ``committee.services``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from committee import services
from committee.admin_base import (
    CommunityScopedAdmin,
    CommunityScopedTabularInline,
    SuperuserOnlyAdmin,
    register_community_path,
    run_service_on_each,
)
from committee.admin_import import ImportAdminMixin
from committee.admin_search import ResidentSearchMixin
from committee.errors import RuleViolation
from committee.idnumbers import mask_id
from committee.models import (
    Building,
    BuildingCaptain,
    CommitteeSeat,
    CommitteeTerm,
    Community,
    CommunityRules,
    Household,
    Kinship,
    OfficialDay,
    Representative,
    Resident,
    ResidentsGroup,
    StaffProfile,
    StreetOffice,
    SupervisionMember,
    User,
)
from committee.selectors import supervision_conflict

# Foreign keys to users (released_by, answered_by, ...) offer only colleagues of one's communities.
register_community_path(User, "staff_profile__communities")


class ScopedHistoryAdmin(CommunityScopedAdmin, SimpleHistoryAdmin):
    """Scoped admin with simple-history's history pages (every governed model)."""


# --- Street offices and communities -----------------------------------------------------------------


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
        (
            _("低保"),
            {"fields": [("hardship_posting_days", "hardship_recheck_months", "low_income_standard")]},
        ),
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


@admin.register(OfficialDay)
class OfficialDayAdmin(SuperuserOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["date", "weekday", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    search_fields = ["name"]
    date_hierarchy = "date"

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")][obj.date.weekday()]


# --- Groups, buildings, households, residents ---------------------------------------------------------


@admin.register(ResidentsGroup)
class ResidentsGroupAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["number", "name", "community", "leader"]
    list_display_links = ["number", "name"]
    list_select_related = ["community", "leader"]
    list_filter = ["community"]
    search_fields = ["name", "leader__name"]
    autocomplete_fields = ["leader"]
    ordering = ["community", "number"]


@admin.register(Building)
class BuildingAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["name", "group", "community", "floors"]
    list_select_related = ["group", "community"]
    list_filter = ["community", "group"]
    search_fields = ["name"]


class ResidentInline(CommunityScopedTabularInline):
    model = Resident
    extra = 1
    fields = [
        "name",
        "id_number",
        "sex",
        "birth_date",
        "relation_to_head",
        "phone",
        "residence",
        "moved_out_on",
    ]
    readonly_fields = ["sex", "birth_date"]
    show_change_link = True
    ordering = ["id"]


@admin.register(Household)
class HouseholdAdmin(ImportAdminMixin, ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["number", "address", "group", "building", "community", "member_count"]
    list_select_related = ["group", "building", "community"]
    list_filter = ["community", "group"]
    search_fields = ["number", "address", "residents__name"]
    inlines = [ResidentInline]
    ordering = ["community", "number"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("residents"))

    @admin.display(description=_("人数"), ordering="_members")
    def member_count(self, obj):
        return obj._members

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)


class StatusFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("current", _("在册")), ("moved", _("已迁出")), ("deceased", _("已去世"))]

    def queryset(self, request, queryset):
        if self.value() == "current":
            return queryset.filter(moved_out_on__isnull=True, deceased_on__isnull=True)
        if self.value() == "moved":
            return queryset.filter(moved_out_on__isnull=False)
        if self.value() == "deceased":
            return queryset.filter(deceased_on__isnull=False)
        return queryset


class KinshipInline(CommunityScopedTabularInline):
    model = Kinship
    fk_name = "person"
    extra = 0
    fields = ["kind", "relative"]
    autocomplete_fields = ["relative"]
    verbose_name = _("亲属关系（本人是对方的……）")
    verbose_name_plural = _("亲属关系（本人是对方的……）")


@admin.register(Resident)
class ResidentAdmin(ImportAdminMixin, ResidentSearchMixin, ScopedHistoryAdmin):
    community_field = "community"
    list_display = [
        "name",
        "masked_id",
        "sex",
        "birth_date",
        "household_number",
        "group_name",
        "relation_to_head",
        "status",
    ]
    list_select_related = ["household", "household__group"]
    list_filter = ["community", StatusFilter, "sex", "residence", "relation_to_head", "household__group"]
    # "=" keeps the ID and phone searches on the (community, id_number) index instead of a scan.
    search_fields = ["name", "=id_number", "=phone", "household__number", "household__address"]
    # On the (community, household) index; ordering by household__number sorts every row of a join
    # (benchmarks/bench_admin.py). Households are numbered in the order they are registered.
    ordering = ["household_id", "id"]
    autocomplete_fields = ["household"]
    readonly_fields = ["community", "sex", "birth_date"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "household",
                    "name",
                    "id_number",
                    ("sex", "birth_date"),
                    "relation_to_head",
                    "phone",
                ]
            },
        ),
        (_("居住情况"), {"fields": ["residence", ("moved_in_on", "moved_out_on", "deceased_on"), "notes"]}),
        (_("所属社区"), {"fields": ["community"]}),
    ]
    inlines = [KinshipInline]
    list_per_page = 50
    actions = ["move_out_today"]

    @admin.display(description=_("身份证号码"))
    def masked_id(self, obj):
        return mask_id(obj.id_number)

    @admin.display(description=_("户号"), ordering="household__number")
    def household_number(self, obj):
        return obj.household.number

    @admin.display(description=_("居民小组"))
    def group_name(self, obj):
        return obj.household.group.name

    @admin.display(description=_("状态"))
    def status(self, obj):
        if obj.deceased_on:
            return gettext("已去世")
        if obj.moved_out_on:
            return gettext("已迁出")
        return gettext("在册")

    @admin.action(description=_("办理迁出（迁出日期为今天）"), permissions=["change"])
    def move_out_today(self, request, queryset):
        today = timezone.localdate()
        run_service_on_each(
            request,
            items=queryset,
            service=lambda r: services.resident_move_out(resident=r, on=today, actor=request.user),
            done_message=gettext("已为%(n)d名居民办理迁出。"),
        )


@admin.register(Kinship)
class KinshipAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["person", "kind", "relative", "community"]
    list_select_related = ["person", "relative", "community"]
    list_filter = ["community", "kind"]
    search_fields = ["person__name", "relative__name", "=person__id_number", "=relative__id_number"]
    autocomplete_fields = ["person", "relative"]


# --- Committee terms, seats, representatives, supervision ---------------------------------------------


class SeatFormSet(forms.BaseInlineFormSet):
    """Seats of one term: never more than ``rules.seats_max``; no supervision member's kin."""

    def clean(self):
        super().clean()
        term = self.instance
        if any(self.errors) or not term.community_id:
            return
        if term.pk:
            term = services.lock_term(term)
        active = 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            if form.cleaned_data.get("ended_on") is None:
                active += 1
                resident = form.cleaned_data.get("resident")
                if resident is not None and term.pk and form.has_changed():
                    try:
                        services.seat_supervision_check(term=term, resident=resident)
                    except RuleViolation as e:
                        form.add_error("resident", e.messages)
        seats_max = term.community.rules.seats_max
        if active > seats_max:
            raise forms.ValidationError(
                gettext("在任居委会成员%(n)d名，超过最多%(max)d名的规定。") % {"n": active, "max": seats_max}
            )


class SupervisionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.pk and not any(self.errors):
            services.lock_term(self.instance)  # held until the admin's transaction commits


class SeatInline(CommunityScopedTabularInline):
    model = CommitteeSeat
    formset = SeatFormSet
    extra = 0
    fields = ["role", "resident", "starts_on", "ended_on"]
    autocomplete_fields = ["resident"]


class RepresentativeInline(CommunityScopedTabularInline):
    model = Representative
    extra = 0
    fields = ["group", "resident", "elected_on", "ended_on"]
    autocomplete_fields = ["resident"]


class SupervisionInline(CommunityScopedTabularInline):
    model = SupervisionMember
    formset = SupervisionFormSet
    extra = 0
    fields = ["role", "resident", "elected_on", "ended_on"]
    autocomplete_fields = ["resident"]


@admin.register(CommitteeTerm)
class CommitteeTermAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["__str__", "community", "number", "starts_on", "ends_on", "seat_count"]
    list_select_related = ["community"]
    list_filter = ["community"]
    search_fields = ["community__name"]
    inlines = [SeatInline, RepresentativeInline, SupervisionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_seats=Count("seats", filter=Q(seats__ended_on__isnull=True)))
        )

    @admin.display(description=_("在任成员"), ordering="_seats")
    def seat_count(self, obj):
        return obj._seats

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        term = form.instance
        # Seats and supervisors edited in one submission are each fine alone; check them together.
        for member in SupervisionMember.objects.filter(term=term, ended_on__isnull=True).select_related(
            "resident"
        ):
            problem = supervision_conflict(resident=member.resident, term=term)
            if problem:
                raise RuleViolation(problem)
        for warning in services.seat_warnings(term):
            messages.warning(request, warning)


class SeatAdminForm(forms.ModelForm):
    class Meta:
        model = CommitteeSeat
        fields = ["term", "resident", "role", "starts_on", "ended_on"]

    def clean(self):
        cleaned = super().clean()
        term, resident = cleaned.get("term"), cleaned.get("resident")
        if term and resident:
            term = services.lock_term(term)
            active = cleaned.get("ended_on") is None
            try:
                services.seat_check(
                    term=term, resident=resident, exclude_pk=self.instance.pk, adding=int(active)
                )
            except RuleViolation as e:
                raise forms.ValidationError(e.messages) from e
        return cleaned


@admin.register(CommitteeSeat)
class CommitteeSeatAdmin(ScopedHistoryAdmin):
    community_field = "term__community"
    form = SeatAdminForm
    list_display = ["resident", "role", "term", "starts_on", "ended_on"]
    list_select_related = ["resident", "term", "term__community"]
    list_filter = ["term__community", "role"]
    search_fields = ["resident__name"]
    autocomplete_fields = ["resident"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in services.seat_warnings(obj.term):
            messages.warning(request, warning)


@admin.register(Representative)
class RepresentativeAdmin(ScopedHistoryAdmin):
    community_field = "term__community"
    list_display = ["resident", "group", "term", "elected_on", "ended_on"]
    list_select_related = ["resident", "group", "term", "term__community"]
    list_filter = ["term__community", "group"]
    search_fields = ["resident__name"]
    autocomplete_fields = ["resident"]


class SupervisionAdminForm(forms.ModelForm):
    class Meta:
        model = SupervisionMember
        fields = ["term", "resident", "role", "elected_on", "ended_on"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("term"):
            # Lock before the model's conflict check runs, so a concurrent seat add waits for us.
            services.lock_term(cleaned["term"])
        return cleaned


@admin.register(SupervisionMember)
class SupervisionMemberAdmin(ScopedHistoryAdmin):
    community_field = "term__community"
    form = SupervisionAdminForm
    list_display = ["resident", "role", "term", "elected_on", "ended_on"]
    list_select_related = ["resident", "term", "term__community"]
    list_filter = ["term__community", "role"]
    search_fields = ["resident__name"]
    autocomplete_fields = ["resident"]


# --- Building captains ---------------------------------------------------------------------------------


@admin.register(BuildingCaptain)
class BuildingCaptainAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = [
        "building",
        "resident",
        "self_nominated",
        "status",
        "nominated_on",
        "posting_starts_on",
        "posting_ends_on",
        "decided_at",
    ]
    list_select_related = ["building", "resident"]
    list_filter = ["community", "status", "self_nominated"]
    search_fields = ["resident__name", "building__name"]
    autocomplete_fields = ["resident"]
    readonly_fields = ["status", "posting_starts_on", "posting_ends_on", "posting_id", "decided_at"]
    fields = [
        "building",
        "resident",
        "self_nominated",
        "nominated_on",
        "status",
        "posting_id",
        "posting_starts_on",
        "posting_ends_on",
        "decided_at",
        "decision_note",
    ]
    actions = ["post_selected", "confirm_selected", "reject_selected"]

    @admin.action(description=_("公示所选提名（楼栋长人选公示）"), permissions=["change"])
    def post_selected(self, request, queryset):
        try:
            result = services.captains_post(captains=list(queryset), actor=request.user)
        except RuleViolation as e:
            for m in e.messages:
                messages.error(request, m)
            return
        messages.success(
            request,
            gettext("已发布楼栋长人选公示，共%(n)d人，公示至%(date)s。")
            % {"n": len(result.captains), "date": result.captains[0].posting_ends_on},
        )
        if result.unofficial_years:
            messages.warning(
                request,
                gettext(
                    "%(years)s年的法定节假日安排尚未录入，公示期按周一至周五计算；请在“法定节假日与调休”中录入。"
                )
                % {"years": "、".join(str(y) for y in sorted(result.unofficial_years))},
            )

    @admin.action(description=_("确认所选楼栋长（公示期满且无异议）"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        run_service_on_each(
            request,
            items=queryset.select_related("building", "resident"),
            service=lambda c: services.captain_confirm(captain=c, actor=request.user),
            done_message=gettext("已确认%(n)d名楼栋长。"),
        )

    @admin.action(description=_("否决所选提名"), permissions=["change"])
    def reject_selected(self, request, queryset):
        run_service_on_each(
            request,
            items=queryset.select_related("building", "resident"),
            service=lambda c: services.captain_reject(
                captain=c, actor=request.user, note=gettext("经居委会审议未通过。")
            ),
            done_message=gettext("已否决%(n)d项提名。"),
        )


# --- Accounts (superusers only) ------------------------------------------------------------------------


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["communities", "street_office", "title", "resident"]
    filter_horizontal = ["communities"]
    raw_id_fields = ["resident"]


@admin.register(User)
class UserAdmin(SuperuserOnlyAdmin, DjangoUserAdmin):
    list_display = ["username", "full_name", "phone", "roles", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "groups"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [StaffProfileInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["full_name", "phone", "email"]}),
        (_("角色与权限"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("重要日期"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]}),
        (_("角色"), {"fields": ["is_staff", "groups"]}),
    ]
    filter_horizontal = ["groups"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("角色"))
    def roles(self, obj):
        return "、".join(g.name for g in obj.groups.all())


# Import-time guard used by the scoping tests: these admins are deliberately not community-scoped.
SUPERUSER_ONLY_ADMINS = (OfficialDayAdmin, UserAdmin)
