"""Admin of polling stations (with their staff and the link to the station screen), proxies and the
check-in record (read only: check-ins are made on the station screen)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_base import CommunityScopedAdmin, CommunityScopedTabularInline, ScopedHistoryAdmin
from elections import services
from elections.admin.election import register_step
from elections.models import CheckIn, PollingStation, Proxy, StationStaff

register_step("open_voting", services.election_open_voting)


class StationStaffInline(CommunityScopedTabularInline):
    model = StationStaff
    extra = 0
    fields = ["user", "role"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PollingStation)
class PollingStationAdmin(ScopedHistoryAdmin):
    community_field = "election__community"
    list_display = ["__str__", "election", "kind", "group", "screen_link"]
    list_filter = ["election__community", "election", "kind"]
    fields = ["election", "number", "name", "kind", "group"]
    inlines = [StationStaffInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        return self.fields if obj is None else [*self.fields, "screen_link"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["election", "number", "kind", "group", "screen_link"]

    @admin.display(description=_("登记与计票"))
    def screen_link(self, obj):
        url = reverse("elections:station", args=[obj.election.community.slug, obj.election_id, obj.number])
        count = reverse("admin:elections_pollingstation_count", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            url,
            gettext("投票站登记页"),
            count,
            gettext("计票录入"),
        )

    def save_model(self, request, obj, form, change):
        if change:
            from core.governed import save_governed

            save_governed(obj, actor=request.user, reason=gettext("修改投票站"))
            return
        created = services.station_create(
            election=form.cleaned_data["election"],
            number=form.cleaned_data["number"],
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            group=form.cleaned_data.get("group"),
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def get_urls(self):
        from elections.admin.tally import count_view

        def view(request, object_id):
            return count_view(self, request, object_id)

        return [
            path(
                "<path:object_id>/count/",
                self.admin_site.admin_view(view),
                name="elections_pollingstation_count",
            ),
            *super().get_urls(),
        ]

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for inst in instances:
            if inst.pk is None:
                services.staff_assign(
                    station=form.instance, user=inst.user, role=inst.role, actor=request.user
                )
        for deleted in formset.deleted_objects:
            deleted.delete()


@admin.register(Proxy)
class ProxyAdmin(CommunityScopedAdmin):
    community_field = "election__community"
    list_display = ["grantor", "proxy", "authorization", "election", "recorded_by", "recorded_at"]
    list_select_related = ["grantor", "proxy", "election", "recorded_by"]
    list_filter = ["election__community", "election"]
    search_fields = ["grantor__name", "proxy__name"]
    fields = ["election", "grantor", "proxy", "authorization"]
    autocomplete_fields = ["grantor", "proxy"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = services.proxy_authorize(
            election=form.cleaned_data["election"],
            grantor=form.cleaned_data["grantor"],
            proxy=form.cleaned_data["proxy"],
            authorization=form.cleaned_data["authorization"],
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(CheckIn)
class CheckInAdmin(CommunityScopedAdmin):
    community_field = "election__community"
    list_display = ["voter", "station", "at", "carried_by", "scribe", "by"]
    list_select_related = ["voter", "station", "carried_by", "scribe", "by"]
    list_filter = ["election__community", "election", "station"]
    search_fields = ["voter__name", "voter__id_last4"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
