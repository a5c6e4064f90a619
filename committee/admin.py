"""Staff interface of the committee registry (Django admin, in Chinese).

Every admin here is scoped by :class:`core.admin_base.CommunityScopedAdmin`; national holiday
days and staff accounts add their own rules on top (superusers only for national days; the 主任
manages the accounts of their communities, ``committee.admin_accounts``). Governed workflows
(captains, move-outs, holiday entries) go through ``committee.services``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committee import (
    admin_accounts,  # noqa: F401  (registers the staff accounts and their change log)
    services,
)
from committee import captains as captain_rules
from committee.admin_import import ImportAdminMixin
from committee.admin_search import HouseholdSearchMixin, ResidentSearchMixin
from committee.models import (
    Building,
    BuildingCaptain,
    CommitteeSeat,
    CommitteeTerm,
    Household,
    Kinship,
    Representative,
    Resident,
    ResidentsGroup,
    SupervisionMember,
)
from committee.selectors import supervision_conflict
from core import privacy
from core.admin_base import (
    CommunityScopedTabularInline,
    ScopedHistoryAdmin,
    run_service_on_each,
)
from core.admin_privacy import PersonalDataMixin
from core.errors import RuleViolation
from core.windows import posted_until

# --- Street offices and communities -----------------------------------------------------------------


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


class ResidentInline(PersonalDataMixin, CommunityScopedTabularInline):
    model = Resident
    personal_fields = {"id_number": "id", "phone": "phone"}
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
class HouseholdAdmin(ImportAdminMixin, HouseholdSearchMixin, ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["number", "address", "group", "building", "community", "member_count"]
    list_select_related = ["group", "building", "community"]
    list_filter = ["community", "group"]
    # Searched by HouseholdSearchMixin: number, address, and the residents' names, ID numbers
    # (or their last four characters) and phones, as semi-joins.
    search_fields = ["number", "address", "residents__name"]
    search_help_text = _("可按户号、住址，或户内居民的姓名、身份证号（或后4位）、电话查找。")
    inlines = [ResidentInline]
    ordering = ["community", "number"]
    list_per_page = 50

    def get_queryset(self, request):
        # A correlated count, not Count("residents"): a search or filter that joins residents
        # would multiply a grouped count (a 5-person household showed 25).
        current = (
            Resident.objects.filter(
                household=OuterRef("pk"), moved_out_on__isnull=True, deceased_on__isnull=True
            )
            .order_by()
            .values("household")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(_members=Coalesce(Subquery(current, output_field=IntegerField()), 0))
        )

    @admin.display(description=_("在册人数"), ordering="_members")
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
class ResidentAdmin(PersonalDataMixin, ImportAdminMixin, ResidentSearchMixin, ScopedHistoryAdmin):
    community_field = "community"
    personal_fields = {"id_number": "id", "phone": "phone"}
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
    search_help_text = _("可按姓名、身份证号（或列表显示的后4位）、电话、户号或住址查找。")
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
        return privacy.LIST_VIEW.id_number(obj.id_number)  # lists: masked for every role

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
        term, resident = cleaned.get("term"), cleaned.get("resident")
        if term and resident and (self.instance.pk is None or {"term", "resident"} & set(self.changed_data)):
            # The rule is the service's; the term's lock makes a concurrent seat add wait for us.
            services.supervision_check(term=services.lock_term(term), resident=resident)
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


class CaptainForm(forms.ModelForm):
    """A nomination: a nominee the registry places outside the building needs a ticked confirmation
    (committee/captains.py explains why that is not a refusal)."""

    residence_confirmed = forms.BooleanField(
        label=_("确认提名非本楼居民"),
        required=False,
        help_text=_("被提名人不住在该楼栋时须勾选；公示中将注明“非本楼居民”，由本楼居民监督。"),
    )

    class Meta:
        model = BuildingCaptain
        fields = ["building", "resident", "self_nominated", "nominated_on", "decision_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.residence_problem = None
        if "residence_confirmed" in self.fields and not self._may_need_confirmation():
            # Shown only once the chosen nominee needs it, so a normal nomination has one box less.
            self.fields["residence_confirmed"].widget = forms.HiddenInput()

    def _may_need_confirmation(self) -> bool:
        if not self.is_bound:
            return False
        try:
            building = Building.objects.get(pk=self.data.get("building"))
            resident = Resident.objects.select_related("household__building").get(
                pk=self.data.get("resident")
            )
        except (Building.DoesNotExist, Resident.DoesNotExist, ValueError, TypeError):
            return False
        return captain_rules.residence_problem(building=building, resident=resident) is not None

    def clean(self):
        cleaned = super().clean()
        building, resident = cleaned.get("building"), cleaned.get("resident")
        if building is None or resident is None:
            return cleaned
        if self.instance.pk and not ({"building", "resident"} & set(self.changed_data)):
            return cleaned
        problem = captain_rules.residence_problem(building=building, resident=resident)
        if problem and not cleaned.get("residence_confirmed"):
            self.add_error(
                "resident",
                problem + gettext("如确需提名，请勾选下方“确认提名非本楼居民”后再保存。"),
            )
        self.residence_problem = problem
        return cleaned


class CompetingNominationFilter(admin.SimpleListFilter):
    title = _("同一楼栋多人提名")
    parameter_name = "competing"

    def lookups(self, request, model_admin):
        return [("yes", _("有其他未办结提名")), ("no", _("无"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(_rivals__gt=0, status__in=captain_rules.OPEN)
        if self.value() == "no":
            return queryset.exclude(_rivals__gt=0, status__in=captain_rules.OPEN)
        return queryset


class LivesInBuildingFilter(admin.SimpleListFilter):
    title = _("是否本楼居民")
    parameter_name = "lives_here"

    def lookups(self, request, model_admin):
        return [("yes", _("本楼居民")), ("no", _("非本楼居民")), ("unknown", _("户未登记楼栋"))]

    def queryset(self, request, queryset):
        away = Q(resident__residence=Resident.Residence.REGISTERED_AWAY)
        if self.value() == "yes":
            return queryset.filter(resident__household__building=F("building")).exclude(away)
        if self.value() == "no":
            return queryset.filter(
                away
                | (
                    Q(resident__household__building__isnull=False)
                    & ~Q(resident__household__building=F("building"))
                )
            )
        if self.value() == "unknown":
            return queryset.filter(resident__household__building__isnull=True).exclude(away)
        return queryset


@admin.register(BuildingCaptain)
class BuildingCaptainAdmin(ScopedHistoryAdmin):
    community_field = "community"
    form = CaptainForm
    list_display = [
        "building",
        "resident",
        "lives_here",
        "self_nominated",
        "status",
        "competing",
        "nominated_on",
        "posting_window",
        "decided_at",
    ]
    list_select_related = ["building", "resident", "resident__household"]
    list_filter = ["community", "status", CompetingNominationFilter, LivesInBuildingFilter, "self_nominated"]
    search_fields = ["resident__name", "building__name"]
    autocomplete_fields = ["resident"]
    readonly_fields = ["status", "posting_link", "posting_window", "decided_at"]
    actions = ["post_selected", "confirm_selected", "reject_selected"]

    def get_queryset(self, request):
        # Open nominations of the same building besides this one (a correlated count, no join).
        rivals = (
            BuildingCaptain.objects.filter(building=OuterRef("building"), status__in=captain_rules.OPEN)
            .exclude(pk=OuterRef("pk"))
            .order_by()
            .values("building")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(_rivals=Coalesce(Subquery(rivals, output_field=IntegerField()), 0))
        )

    def get_fields(self, request, obj=None):
        fields = ["building", "resident", "residence_confirmed", "self_nominated", "nominated_on"]
        if obj is not None:
            if obj.status != BuildingCaptain.Status.NOMINATED:
                fields.remove("residence_confirmed")
            fields += ["status", "posting_link", "posting_window", "decided_at", "decision_note"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != BuildingCaptain.Status.NOMINATED:
            # Once posted, the nomination is what residents read: it can no longer be edited.
            return [*self.readonly_fields, "building", "resident", "self_nominated", "nominated_on"]
        return self.readonly_fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("nominated_on", timezone.localdate())
        return initial

    # -- display ----------------------------------------------------------------------------------

    @admin.display(description=_("本楼居民"), boolean=True)
    def lives_here(self, obj):
        return captain_rules.lives_in_building(obj)

    @admin.display(description=_("同楼栋其他提名"), ordering="_rivals")
    def competing(self, obj):
        n = getattr(obj, "_rivals", 0)
        if not n or obj.status not in captain_rules.OPEN:
            return "-"
        return format_html('<strong style="color:#ba2121">{}</strong>', gettext("另有%(n)d项") % {"n": n})

    @admin.display(description=_("公示期"), ordering="posting_ends_on")
    def posting_window(self, obj):
        if obj.posting_ends_on is None:
            return "-"
        return format_html('<span style="white-space:nowrap">{}</span>', posted_until(obj.posting_ends_on))

    @admin.display(description=_("公示"))
    def posting_link(self, obj):
        if obj.posting_id is None:
            return "-"
        try:
            url = reverse("admin:notices_posting_change", args=[obj.posting_id])
        except NoReverseMatch:
            return obj.posting_id
        return format_html('<a href="{}">{}</a>', url, gettext("查看公示及异议"))

    # -- saving -----------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            if form.residence_problem:
                obj._change_reason = gettext("修改楼栋长提名（非本楼居民，经工作人员确认）")
            super().save_model(request, obj, form, change)
        else:
            created = services.captain_nominate(
                building=form.cleaned_data["building"],
                resident=form.cleaned_data["resident"],
                actor=request.user,
                self_nominated=form.cleaned_data.get("self_nominated", False),
                nominated_on=form.cleaned_data.get("nominated_on"),
                residence_confirmed=form.cleaned_data.get("residence_confirmed", False),
            )
            obj.pk, obj.community_id = created.pk, created.community_id
            obj._state.adding = False
        if obj.status == BuildingCaptain.Status.NOMINATED:
            for warning in captain_rules.nomination_warnings(
                building=obj.building, resident=obj.resident, exclude_pk=obj.pk
            ):
                messages.warning(request, warning)
            if form.residence_problem:
                messages.warning(
                    request,
                    gettext("%(problem)s已按确认保存，公示中将注明“非本楼居民”。")
                    % {"problem": form.residence_problem},
                )

    # -- actions ----------------------------------------------------------------------------------

    @admin.action(description=_("公示所选提名（预览后发布）"), permissions=["change"])
    def post_selected(self, request, queryset):
        captains = list(queryset)
        try:
            plan = services.captains_post_plan(captains=captains, actor=request.user)
        except RuleViolation as e:
            for m in e.messages:
                messages.error(request, m)
            return None
        expected = request.POST.get("confirm_fingerprint")
        if expected:
            try:
                result = services.captains_post(
                    captains=captains, actor=request.user, expected_fingerprint=expected
                )
            except RuleViolation as e:
                for m in e.messages:
                    messages.error(request, m)
                # Show what would be published now instead.
            else:
                messages.success(
                    request,
                    gettext("已发布“%(title)s”，共%(n)d人，%(window)s。")
                    % {
                        "title": result.posting.title,
                        "n": len(result.captains),
                        "window": posted_until(result.posting.expire_at),
                    },
                )
                if result.unofficial_years:
                    messages.warning(request, self._calendar_warning(result.unofficial_years))
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("公示楼栋长人选：发布前确认"),
            "plan": plan,
            "calendar_warning": self._calendar_warning(plan.unofficial_years)
            if plan.unofficial_years
            else "",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "return_url": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/committee/buildingcaptain/post_confirm.html", context)

    @staticmethod
    def _calendar_warning(years) -> str:
        return gettext(
            "%(years)s年的法定节假日安排尚未录入，公示期按周一至周五计算；请在“法定节假日与调休”中录入。"
        ) % {"years": "、".join(str(y) for y in sorted(years))}

    @admin.action(description=_("确认所选楼栋长（公示期满且无异议）"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        def confirm(captain):
            services.captain_confirm(captain=captain, actor=request.user)
            rivals = captain_rules.open_rivals_after_confirm(captain)
            if rivals:
                messages.warning(
                    request,
                    gettext("%(building)s已确认%(name)s为楼栋长；该楼另有未办结的提名：%(list)s，请予否决。")
                    % {
                        "building": captain.building.name,
                        "name": captain.resident.name,
                        "list": "、".join(c.resident.name for c in rivals),
                    },
                )

        run_service_on_each(
            request,
            items=queryset.select_related("building", "resident"),
            service=confirm,
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

