"""The board's read-only records: the ledger (公开记录) with its check, and the window events."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_base import (
    CommunityScopedAdmin,
)
from core.scoping import community_ids_for_user
from notices import ledger
from notices.models import LedgerEntry, WindowEvent


class ReadOnlyRecordAdmin(CommunityScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyRecordAdmin):
    community_field = "community"
    list_display = [
        "sequence",
        "community",
        "posting",
        "posting_version",
        "action",
        "short_hash",
        "recorded_local",
    ]
    list_filter = ["community", "action"]
    list_select_related = ["community", "posting"]
    search_fields = ["entry_hash", "content_hash", "posting__title"]
    ordering = ["community", "-sequence"]
    change_list_template = "admin/notices/ledgerentry/change_list.html"

    @admin.display(description=_("记录时间"), ordering="recorded_at")
    def recorded_local(self, obj: LedgerEntry) -> str:
        return f"{timezone.localtime(obj.recorded_at):%Y-%m-%d %H:%M:%S}"

    def get_list_display(self, request):
        ids = community_ids_for_user(request.user)
        if ids is not None and len(ids) <= 1:
            return [f for f in self.list_display if f != "community"]
        return self.list_display

    @admin.display(description=_("本条登记码"))
    def short_hash(self, obj: LedgerEntry) -> str:
        return f"{obj.entry_hash[:16]}…"

    def get_urls(self):
        return [
            path(
                "verify/",
                self.admin_site.admin_view(self.verify_view),
                name="notices_ledgerentry_verify",
            )
        ] + super().get_urls()

    def verify_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        from core.scoping import communities_for_user

        checked = broken = 0
        for community in communities_for_user(request.user).order_by("slug"):
            result = ledger.verify_chain(community)
            checked += result.checked
            for brk in result.breaks:
                broken += 1
                messages.error(request, gettext("登记簿已被改动：%(what)s") % {"what": str(brk)})
        if not broken:
            messages.success(request, gettext("登记簿完好：已核对%(n)d条记录。") % {"n": checked})
        return HttpResponseRedirect(reverse("admin:notices_ledgerentry_changelist"))


@admin.register(WindowEvent)
class WindowEventAdmin(ReadOnlyRecordAdmin):
    community_field = "posting__community"
    list_display = ["posting", "kind", "boundary_at", "recorded_at"]
    list_filter = ["kind", "posting__community"]
    list_select_related = ["posting"]
    ordering = ["-boundary_at"]
