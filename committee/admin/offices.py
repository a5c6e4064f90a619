"""Admin of the committee's offices: terms with their seats, representatives and supervision members.

Every save, inline row and delete goes through ``committee.services.offices`` (``ServiceSaveMixin``),
which checks the term's rules (seat count; no committee member nor a close relative of one on the
supervision committee) under the term's row lock. Rows of one submission are saved one by one, so a
seat and a supervisor that are fine alone but not together are refused as well, and the whole
submission is rolled back.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from committee import services
from committee.models import (
    CommitteeSeat,
    CommitteeTerm,
    Representative,
    SupervisionMember,
)
from core.admin_base import (
    CommunityScopedTabularInline,
    ScopedHistoryAdmin,
    ServiceSaveMixin,
)
from core.admin_service import changed, cleaned

_SEAT_FIELDS = ("term", "resident", "role", "starts_on", "ended_on")
_REPRESENTATIVE_FIELDS = ("term", "group", "resident", "elected_on", "ended_on")
_SUPERVISOR_FIELDS = ("term", "resident", "role", "elected_on", "ended_on")


def _office_save(request, obj, form, change, *, term=None):
    """Add or change a seat, representative or supervision member typed in its own form or in a row
    of the term's form (``term`` given). Returns the saved office and the service's warnings."""
    if isinstance(obj, CommitteeSeat):
        if change:
            result = services.seat_update(seat=obj, actor=request.user, **changed(form, fields=_SEAT_FIELDS))
        else:
            data = cleaned(form, fields=_SEAT_FIELDS)
            data["term"] = term or data["term"]
            result = services.seat_add(actor=request.user, **data)
        return result.seat, result.warnings
    if isinstance(obj, Representative):
        if change:
            return services.representative_update(
                representative=obj, actor=request.user, **changed(form, fields=_REPRESENTATIVE_FIELDS)
            ), []
        data = cleaned(form, fields=_REPRESENTATIVE_FIELDS)
        data["term"] = term or data["term"]
        return services.representative_add(actor=request.user, **data), []
    if change:
        return services.supervision_member_update(
            member=obj, actor=request.user, **changed(form, fields=_SUPERVISOR_FIELDS)
        ), []
    data = cleaned(form, fields=_SUPERVISOR_FIELDS)
    data["term"] = term or data["term"]
    return services.supervision_member_add(actor=request.user, **data), []


class SeatInline(CommunityScopedTabularInline):
    model = CommitteeSeat
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
    extra = 0
    fields = ["role", "resident", "elected_on", "ended_on"]
    autocomplete_fields = ["resident"]


@admin.register(CommitteeTerm)
class CommitteeTermAdmin(ServiceSaveMixin, ScopedHistoryAdmin):
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

    def service_save(self, request, obj, form, change):
        fields = ("community", "number", "starts_on", "ends_on")
        if change:
            return services.term_update(term=obj, actor=request.user, **changed(form, fields=fields))
        return services.term_create(actor=request.user, **cleaned(form, fields=fields))

    def service_delete(self, request, obj):
        services.registry_record_delete(record=obj, actor=request.user)

    def service_save_inline(self, request, parent, obj, form, change):
        office, _warnings = _office_save(request, obj, form, change, term=parent)
        return office  # the term's warnings are given once, after every row (save_related)

    def service_delete_inline(self, request, parent, obj):
        services.office_remove(office=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for warning in services.seat_warnings(form.instance):
            self.warn(request, warning)


class _OfficeAdmin(ServiceSaveMixin, ScopedHistoryAdmin):
    community_field = "term__community"
    list_select_related = ["resident", "term", "term__community"]
    search_fields = ["resident__name"]
    autocomplete_fields = ["resident"]

    def service_save(self, request, obj, form, change):
        office, warnings = _office_save(request, obj, form, change)
        for warning in warnings:
            self.warn(request, warning)
        return office

    def service_delete(self, request, obj):
        services.office_remove(office=obj, actor=request.user)


@admin.register(CommitteeSeat)
class CommitteeSeatAdmin(_OfficeAdmin):
    list_display = ["resident", "role", "term", "starts_on", "ended_on"]
    list_filter = ["term__community", "role"]


@admin.register(Representative)
class RepresentativeAdmin(_OfficeAdmin):
    list_display = ["resident", "group", "term", "elected_on", "ended_on"]
    list_select_related = ["resident", "group", "term", "term__community"]
    list_filter = ["term__community", "group"]


@admin.register(SupervisionMember)
class SupervisionMemberAdmin(_OfficeAdmin):
    list_display = ["resident", "role", "term", "elected_on", "ended_on"]
    list_filter = ["term__community", "role"]
