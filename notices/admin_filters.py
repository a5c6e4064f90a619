"""List filters of the board's admin."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notices.models import Posting
from notices.selectors import visible_q


class WindowFilter(admin.SimpleListFilter):
    """Where a posting stands in its window now (the work desk links to "closing")."""

    title = _("公开情况")
    parameter_name = "window"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("草稿")),
            ("scheduled", _("已发布，待公开")),
            ("public", _("公开中")),
            ("closing", _("3日内结束公示")),
            ("ended", _("已结束公开")),
        ]

    def queryset(self, request, queryset):
        from notices.desk import CLOSING_SOON

        at = timezone.now()
        released = Q(state=Posting.State.RELEASED)
        match self.value():
            case "draft":
                return queryset.filter(state=Posting.State.DRAFT)
            case "scheduled":
                return queryset.filter(released, publish_at__gt=at)
            case "public":
                return queryset.filter(visible_q(at))
            case "closing":
                return queryset.filter(visible_q(at), expire_at__lt=at + CLOSING_SOON)
            case "ended":
                return queryset.filter(released, publish_at__lte=at).exclude(visible_q(at))
        return queryset
