"""Admin of opinion rounds (意见征集): set up, announce on the board, read the ranking, feed the motion."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affairs.models.consultations import Consultation
from affairs.services import consultations as services
from core.admin_base import ScopedHistoryAdmin, run_service_on_each


@admin.register(Consultation)
class ConsultationAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["title", "motion", "opens_at", "closes_at", "responses_count"]
    list_filter = ["community"]
    search_fields = ["title"]
    actions = ["announce_selected", "feed_motion_selected"]

    def get_fields(self, request, obj=None):
        fields = ["community", "motion", "title", "question", "items", "opens_at", "closes_at"]
        return fields + (["public_link", "ranking", "posting", "fed_at"] if obj else [])

    def get_readonly_fields(self, request, obj=None):
        return ["public_link", "ranking", "posting", "fed_at"] if obj else []

    @admin.display(description=_("答复份数"))
    def responses_count(self, obj):
        return obj.responses.count()

    @admin.display(description=_("问卷网址"))
    def public_link(self, obj):
        url = reverse("affairs:consultation", args=[obj.community.slug, obj.pk])
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description=_("当前排序"))
    def ranking(self, obj):
        count, rows = services.results(obj)
        if not count:
            return gettext("尚未收到问卷答复。")
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{}（{}）</li>",
                ((r.item, gettext("%(p)d分，%(f)d份排第一") % {"p": r.points, "f": r.first}) for r in rows),
            ),
        )

    def save_model(self, request, obj, form, change):
        services.consultation_save(consultation=obj, actor=request.user)

    @admin.action(description=_("在公开栏发布所选问卷（至截止时间）"), permissions=["change"])
    def announce_selected(self, request, queryset):
        def announce(c):
            url = request.build_absolute_uri(reverse("affairs:consultation", args=[c.community.slug, c.pk]))
            return services.consultation_announce(consultation=c, url=url, actor=request.user)

        run_service_on_each(
            request,
            items=queryset.select_related("community"),
            service=announce,
            done_message=gettext("已发布%(n)d份问卷。"),
        )

    @admin.action(description=_("把征集结果写入相关议题"), permissions=["change"])
    def feed_motion_selected(self, request, queryset):
        run_service_on_each(
            request,
            items=queryset,
            service=lambda c: services.consultation_feed_motion(consultation=c, actor=request.user),
            done_message=gettext("已将%(n)d份征集结果写入议题。"),
        )
