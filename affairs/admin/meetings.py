"""Admin of meetings: arrangements, the roster with sign-in (and proxies where allowed), quorum,
minutes, and the minutes PDF. Every write goes through ``affairs.services.meetings``."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affairs.models.meetings import Meeting, MeetingMember
from affairs.services import meetings as services
from core.admin_base import CommunityScopedTabularInline, ScopedHistoryAdmin, run_service_on_each

EDITABLE = ["title", "starts_at", "ends_at", "place", "agenda", "is_public", "guests", "minutes"]


class MeetingMemberInline(CommunityScopedTabularInline):
    model = MeetingMember
    fields = ["resident", "capacity", "attendance", "proxy_holder", "signed_at"]
    readonly_fields = ["resident", "capacity", "signed_at"]
    extra = 0
    max_num = 0  # the roster comes from the registry; members are never added by hand
    can_delete = False
    verbose_name_plural = _("参会成员与签到")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.closed_at is not None:
            return [*self.fields]
        return self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "proxy_holder":
            # Only members of this meeting can hold a proxy.
            object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = MeetingMember.objects.filter(
                meeting_id=object_id if str(object_id or "").isdigit() else None
            ).select_related("resident")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Meeting)
class MeetingAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["title", "body", "starts_at", "place", "is_public", "attendance", "closed_at"]
    list_filter = ["community", "body", "is_public"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"
    actions = ["close_selected"]

    def get_fields(self, request, obj=None):
        fields = [
            "community",
            "body",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "agenda",
            "is_public",
            "guests",
        ]
        if obj is not None:
            fields += ["quorum_summary", "minutes", "closed_at", "minutes_pdf"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        ro = ["community", "body", "quorum_summary", "closed_at", "minutes_pdf"]
        if obj.closed_at is not None:
            ro += EDITABLE
        return ro

    def get_inlines(self, request, obj):
        return [MeetingMemberInline] if obj is not None else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault(
            "starts_at", timezone.localtime().replace(hour=19, minute=0, second=0, microsecond=0)
        )
        return initial

    def get_urls(self):
        return [
            path(
                "<int:pk>/minutes.pdf",
                self.admin_site.admin_view(self.minutes_pdf_view),
                name="affairs_meeting_minutes_pdf",
            ),
        ] + super().get_urls()

    def minutes_pdf_view(self, request, pk: int):
        """Staff may print the minutes before they are final (marked 草稿); the public may not."""
        from affairs.minutes_pdf import render_minutes

        meeting = self.get_queryset(request).filter(pk=pk).first()
        if meeting is None:
            raise Http404
        data, _pages = render_minutes(meeting)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.pdf"'
        return response

    # -- display ----------------------------------------------------------------------------------

    @admin.display(description=_("出席"))
    def attendance(self, obj):
        q = services.quorum(obj)
        text = gettext("%(present)d/%(members)d人") % {"present": q.present, "members": q.members}
        if q.met:
            return text
        return format_html("{}（{}）", text, gettext("不足法定人数"))

    @admin.display(description=_("法定人数"))
    def quorum_summary(self, obj):
        return services.quorum(obj).summary

    @admin.display(description=_("会议纪要"))
    def minutes_pdf(self, obj):
        url = reverse("admin:affairs_meeting_minutes_pdf", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("下载会议纪要（PDF，含签到和记名表决）"))

    # -- saving -----------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE}
            if changes:
                services.meeting_update(meeting=obj, actor=request.user, **changes)
            return
        created = services.meeting_create(
            community=form.cleaned_data["community"],
            body=form.cleaned_data["body"],
            title=form.cleaned_data["title"],
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data.get("ends_at"),
            place=form.cleaned_data["place"],
            agenda=form.cleaned_data["agenda"],
            is_public=form.cleaned_data.get("is_public", True),
            guests=form.cleaned_data.get("guests", ""),
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False
        messages.info(
            request,
            gettext("已按登记信息生成参会成员名单，共%(n)d人。") % {"n": created.members.count()},
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not MeetingMember:
            return super().save_formset(request, form, formset, change)
        # Sign-in goes through the service one member at a time (proxy holders first, so a
        # proxy given to someone signing in on the same save is accepted).
        changed = [f for f in formset.forms if f.has_changed() and f.instance.pk]
        changed.sort(key=lambda f: f.cleaned_data.get("attendance") == MeetingMember.Attendance.PROXY)
        for f in changed:
            services.attendance_sign(
                member=f.instance,
                attendance=f.cleaned_data["attendance"],
                proxy_holder=f.cleaned_data.get("proxy_holder"),
                actor=request.user,
            )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    # -- actions ----------------------------------------------------------------------------------

    @admin.action(description=_("会议记录定稿（未签到者记为缺席）"), permissions=["change"])
    def close_selected(self, request, queryset):
        run_service_on_each(
            request,
            items=queryset,
            service=lambda m: services.meeting_close(meeting=m, minutes=m.minutes, actor=request.user),
            done_message=gettext("已定稿%(n)d次会议的记录。"),
        )
