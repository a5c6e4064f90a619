"""The portal's admin site: the work desk as its front page, models grouped by task."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import desk


class PortalAdminSite(admin.AdminSite):
    site_header = _("居委公开平台 · 工作台")
    site_title = _("居委公开平台")
    index_title = _("今日工作")

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list  # an app's own page keeps Django's layout
        groups = desk.group_app_list(app_list)
        index = reverse("admin:index", current_app=self.name)
        for group in groups:
            group["app_url"] = f"{index}#group-{group['app_label']}"
        return groups

    def get_urls(self):
        from django.urls import path

        from core import overview

        def view(request):
            return overview.overview_view(request, self)

        return [path("overview/", self.admin_view(view), name="overview"), *super().get_urls()]

    def index(self, request, extra_context=None):
        at = timezone.now()
        context = {"todos": desk.todos_for(request.user, at=at), "desk_at": at, **(extra_context or {})}
        return super().index(request, extra_context=context)


class PortalAdminConfig(AdminConfig):
    default_site = "core.admin_site.PortalAdminSite"
