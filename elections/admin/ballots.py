"""Admin of ballot-by-ballot counting (唱票), read only: ballots are entered, corrected and removed
on the station's ballot screen through the services; here the election committee looks them up
(by election, station, number, kind) with their marks and the corrections made to them."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin_base import CommunityScopedAdmin, CommunityScopedTabularInline
from elections.models import Ballot, BallotCorrection, BallotMark


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BallotMarkInline(_ReadOnly, CommunityScopedTabularInline):
    model = BallotMark
    extra = 0
    fields = ["office", "candidate", "write_in", "choice"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("candidate__resident")


class BallotCorrectionInline(_ReadOnly, CommunityScopedTabularInline):
    model = BallotCorrection
    fk_name = "ballot"
    extra = 0
    fields = ["at", "by", "action", "before", "after", "reason"]
    readonly_fields = fields
    verbose_name_plural = _("更正记录")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(Ballot)
class BallotAdmin(_ReadOnly, CommunityScopedAdmin):
    community_field = "election__community"
    list_display = ["number", "station", "election", "kind", "void_reason", "entered_by", "at"]
    list_display_links = ["number"]
    list_select_related = ["station", "election", "entered_by"]
    list_filter = ["election__community", "election", "station", "kind"]
    # Exact number, compared as text: "17" finds ballot #17, anything else finds nothing.
    search_fields = ["number__exact"]
    fields = ["election", "station", "number", "kind", "void_reason", "entered_by", "at"]
    readonly_fields = fields
    inlines = [BallotMarkInline, BallotCorrectionInline]


@admin.register(BallotCorrection)
class BallotCorrectionAdmin(_ReadOnly, CommunityScopedAdmin):
    """Who changed ballot #17 of station 2, when, from what to what, and why (removals included,
    whose ballot row is gone)."""

    community_field = "election__community"
    # The election is a filter rather than a column: the summaries need the width.
    list_display = ["number", "station", "action", "before", "after", "reason", "by", "at"]
    list_select_related = ["station", "election", "by"]
    list_filter = ["election__community", "election", "station", "action"]
    search_fields = ["number__exact", "reason"]
    date_hierarchy = "at"
    fields = ["election", "station", "number", "ballot", "action", "before", "after", "reason", "by", "at"]
    readonly_fields = fields
