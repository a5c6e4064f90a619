"""Admin of conventions (公约) and the work admission list (准入); writes through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affairs.models.admission import AdmittedTask
from affairs.models.conventions import Convention, ConventionVersion
from affairs.models.motions import Motion
from affairs.services import admission, conventions
from affairs.services.conventions import PASSED
from core.admin_base import ScopedHistoryAdmin, run_service_on_each
from core.errors import RuleViolation


@admin.register(Convention)
class ConventionAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["title", "in_force"]
    list_filter = ["community"]
    search_fields = ["title"]
    fields = ["community", "title"]

    @admin.display(description=_("施行中的版本"))
    def in_force(self, obj):
        version = obj.versions.filter(state=ConventionVersion.State.IN_FORCE).first()
        return str(version) if version else "-"

    def save_model(self, request, obj, form, change):
        conventions.convention_save(convention=obj, actor=request.user)


class RepealForm(forms.Form):
    # Not required here: the service refuses an empty reason with its own message, said once.
    reason = forms.CharField(
        label=_("废止理由"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("将随撤回说明在公开栏公开。"),
    )


@admin.register(ConventionVersion)
class ConventionVersionAdmin(ScopedHistoryAdmin):
    community_field = "convention__community"
    list_display = ["convention", "number", "state", "in_force_from", "ended_on", "adopted_by"]
    list_filter = ["state"]
    list_select_related = ["convention", "motion"]
    actions = ["adopt_selected"]

    def get_fields(self, request, obj=None):
        fields = ["convention", "text", "motion", "ballot_yes", "ballot_valid"]
        if obj is not None:
            fields = [
                "convention",
                "number",
                "state",
                "in_force_from",
                "ended_on",
                "posting_link",
                "repeal_button",
                *fields[1:],
            ]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        ro = ["convention", "number", "state", "in_force_from", "ended_on", "posting_link", "repeal_button"]
        if obj.state != ConventionVersion.State.DRAFT:
            ro += ["text", "motion", "ballot_yes", "ballot_valid"]
        return ro

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "motion":
            kwargs["queryset"] = Motion.objects.filter(state__in=PASSED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("通过方式"))
    def adopted_by(self, obj):
        if obj.motion_id:
            return gettext("决议：%(title)s") % {"title": obj.motion.title}
        if obj.ballot_yes is not None:
            return gettext("户代表票决：%(yes)s/%(valid)s") % {
                "yes": obj.ballot_yes,
                "valid": obj.ballot_valid,
            }
        return "-"

    @admin.display(description=_("公开"))
    def posting_link(self, obj):
        if obj.posting_id is None:
            return "-"
        url = reverse("admin:notices_posting_change", args=[obj.posting_id])
        return format_html('<a href="{}">{}</a>', url, gettext("查看公开事项"))

    @admin.display(description=_("废止"))
    def repeal_button(self, obj):
        if obj.state != ConventionVersion.State.IN_FORCE:
            return "-"
        url = reverse("admin:affairs_conventionversion_repeal", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, gettext("废止本公约"))

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/repeal/", wrap(self.repeal_view), name="affairs_conventionversion_repeal"),
        ] + super().get_urls()

    def repeal_view(self, request, pk: int):
        obj = self.get_queryset(request).select_related("convention").filter(pk=pk).first()
        if obj is None or not self.has_change_permission(request, obj):
            raise Http404
        back = reverse("admin:affairs_conventionversion_change", args=[obj.pk])
        form = RepealForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                conventions.convention_repeal(
                    version=obj, reason=form.cleaned_data["reason"], actor=request.user
                )
            except RuleViolation as e:
                form.add_error(None, "；".join(e.messages))
            else:
                messages.success(
                    request, gettext("“%(title)s”已废止，公开栏上的公约已撤回。") % {"title": obj}
                )
                return HttpResponseRedirect(back)
        return TemplateResponse(
            request,
            "affairs/meetings/admin/convention_repeal.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "title": gettext("废止公约"),
                "return_url": back,
                "form": form,
            },
        )

    def save_model(self, request, obj, form, change):
        if change:
            from core.governed import save_governed

            save_governed(obj, actor=request.user, reason=gettext("修改公约草案"))
            return
        created = conventions.convention_version_create(
            convention=form.cleaned_data["convention"],
            text=form.cleaned_data["text"],
            motion=form.cleaned_data.get("motion"),
            ballot_yes=form.cleaned_data.get("ballot_yes"),
            ballot_valid=form.cleaned_data.get("ballot_valid"),
            actor=request.user,
        )
        obj.pk, obj.number = created.pk, created.number
        obj._state.adding = False

    @admin.action(description=_("施行并公开所选版本（须已经决议或户代表票决通过）"), permissions=["change"])
    def adopt_selected(self, request, queryset):
        run_service_on_each(
            request,
            items=queryset.select_related("convention"),
            service=lambda v: conventions.convention_adopt(version=v, actor=request.user),
            done_message=gettext("已施行并公开%(n)d个公约版本。"),
        )


@admin.register(AdmittedTask)
class AdmittedTaskAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["content", "department", "classification", "year", "time_limit", "funding", "posted"]
    list_filter = ["community", "year", "classification"]
    search_fields = ["content", "department"]
    fields = [
        "community",
        "year",
        "department",
        "content",
        "target",
        "scope",
        "time_limit",
        "classification",
        "funding",
        "approval",
    ]
    actions = ["publish_list"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("year", timezone.localdate().year)
        return initial

    @admin.display(description=_("已公开"), boolean=True)
    def posted(self, obj):
        return obj.posting_id is not None

    def save_model(self, request, obj, form, change):
        admission.admitted_task_save(task=obj, actor=request.user)

    @admin.action(description=_("公开所选事项所在年度的准入清单"), permissions=["change"])
    def publish_list(self, request, queryset):
        done = 0
        for community_id, year in sorted(set(queryset.values_list("community_id", "year"))):
            community = queryset.filter(community_id=community_id).first().community
            try:
                posting = admission.admitted_list_publish(community=community, year=year, actor=request.user)
            except RuleViolation as e:
                messages.error(request, "；".join(e.messages))
                continue
            done += 1
            messages.success(request, gettext("已公开“%(title)s”。") % {"title": posting.title})
        return done
