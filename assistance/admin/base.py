"""The privacy rule of the app's admins (``assistance.privacy``): rows narrowed to the cases the
user may read, and the whole module closed to roles that read none."""

from __future__ import annotations

from assistance.privacy import may_read_cases, visible_cases
from core.admin_base import CommunityScopedAdmin


class CasePrivateAdmin(CommunityScopedAdmin):
    #: Path from the model to its Case ("" for the case itself).
    case_path = ""

    def get_queryset(self, request):
        return visible_cases(request.user, super().get_queryset(request), self.case_path)

    def has_module_permission(self, request):
        return may_read_cases(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return may_read_cases(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return may_read_cases(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return may_read_cases(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # the record of who received help is never deleted
