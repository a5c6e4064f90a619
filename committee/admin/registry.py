"""Admin of the registry: residents' groups, buildings, households, residents and their kinship.

Every save, inline row and delete goes through ``committee.services`` (``ServiceSaveMixin``): the
rules live there and in the models' constraints; the forms only shape what was typed.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committee import services
from committee.admin_import import ImportAdminMixin
from committee.admin_search import HouseholdSearchMixin, ResidentSearchMixin
from committee.models import (
    Building,
    Household,
    Kinship,
    Resident,
    ResidentsGroup,
)
from core import privacy
from core.admin_base import (
    CommunityScopedTabularInline,
    ScopedHistoryAdmin,
    ServiceSaveMixin,
    run_service_on_each,
)
from core.admin_privacy import PersonalDataMixin
from core.admin_service import changed, cleaned

_RESIDENT_FIELDS = (
    "name",
    "id_number",
    "relation_to_head",
    "phone",
    "residence",
    "moved_in_on",
    "moved_out_on",
    "deceased_on",
    "notes",
)


def _resident_save(request, obj, form, change, *, household=None):
    """A resident typed in the resident's own form or in a row of the household's form."""
    if change:
        return services.resident_update(
            resident=obj, actor=request.user, **changed(form, fields=(*_RESIDENT_FIELDS, "household"))
        )
    data = cleaned(form, fields=_RESIDENT_FIELDS)
    data.setdefault("id_number", "")
    return services.resident_create(
        household=household or form.cleaned_data["household"], actor=request.user, **data
    )


class RegistryDeleteMixin:
    def service_delete(self, request, obj):
        services.registry_record_delete(record=obj, actor=request.user)


@admin.register(ResidentsGroup)
class ResidentsGroupAdmin(RegistryDeleteMixin, ServiceSaveMixin, ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["number", "name", "community", "leader"]
    list_display_links = ["number", "name"]
    list_select_related = ["community", "leader"]
    list_filter = ["community"]
    search_fields = ["name", "leader__name"]
    autocomplete_fields = ["leader"]
    ordering = ["community", "number"]

    def service_save(self, request, obj, form, change):
        if change:
            return services.residents_group_update(
                group=obj,
                actor=request.user,
                **changed(form, fields=("community", "number", "name", "leader")),
            )
        return services.residents_group_create(
            actor=request.user, **cleaned(form, fields=("community", "number", "name", "leader"))
        )


@admin.register(Building)
class BuildingAdmin(RegistryDeleteMixin, ServiceSaveMixin, ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["name", "group", "community", "floors"]
    list_select_related = ["group", "community"]
    list_filter = ["community", "group"]
    search_fields = ["name"]

    def service_save(self, request, obj, form, change):
        if change:
            return services.building_update(
                building=obj,
                actor=request.user,
                **changed(form, fields=("community", "group", "name", "floors")),
            )
        return services.building_create(
            actor=request.user, **cleaned(form, fields=("community", "group", "name", "floors"))
        )


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
class HouseholdAdmin(
    RegistryDeleteMixin, ServiceSaveMixin, ImportAdminMixin, HouseholdSearchMixin, ScopedHistoryAdmin
):
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

    def service_save(self, request, obj, form, change):
        if change:
            return services.household_update(
                household=obj,
                actor=request.user,
                **changed(form, fields=("community", "number", "address", "group", "building")),
            )
        return services.household_create(
            actor=request.user,
            **cleaned(form, fields=("community", "number", "address", "group", "building")),
        )

    def service_save_inline(self, request, parent, obj, form, change):
        return _resident_save(request, obj, form, change, household=parent)

    def service_delete_inline(self, request, parent, obj):
        services.registry_record_delete(record=obj, actor=request.user)


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
class ResidentAdmin(
    RegistryDeleteMixin,
    ServiceSaveMixin,
    PersonalDataMixin,
    ImportAdminMixin,
    ResidentSearchMixin,
    ScopedHistoryAdmin,
):
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

    def service_save(self, request, obj, form, change):
        return _resident_save(request, obj, form, change)

    def service_save_inline(self, request, parent, obj, form, change):
        if change:
            return services.kinship_update(
                kinship=obj, actor=request.user, **changed(form, fields=("person", "relative", "kind"))
            )
        return services.kinship_add(
            person=parent,
            relative=form.cleaned_data["relative"],
            kind=form.cleaned_data["kind"],
            actor=request.user,
        )

    def service_delete_inline(self, request, parent, obj):
        services.kinship_remove(kinship=obj, actor=request.user)

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
class KinshipAdmin(ServiceSaveMixin, ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["person", "kind", "relative", "community"]
    list_select_related = ["person", "relative", "community"]
    list_filter = ["community", "kind"]
    search_fields = ["person__name", "relative__name", "=person__id_number", "=relative__id_number"]
    autocomplete_fields = ["person", "relative"]

    def service_save(self, request, obj, form, change):
        if change:
            return services.kinship_update(
                kinship=obj, actor=request.user, **changed(form, fields=("person", "relative", "kind"))
            )
        return services.kinship_add(
            actor=request.user, **cleaned(form, fields=("person", "relative", "kind"))
        )

    def service_delete(self, request, obj):
        services.kinship_remove(kinship=obj, actor=request.user)
