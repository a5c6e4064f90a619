"""Admin of hardship cases: the application with its declared members and assets, the steps the
state allows (each a small form calling its service), the cross-check flags with their reasons,
the record of who did what when, and the log of who viewed the case."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assistance import services
from assistance.admin.base import CasePrivateAdmin
from assistance.admin.case_display import CaseDisplayMixin
from assistance.admin.figures import figures_view
from assistance.admin.step_forms import STEP_FORMS
from assistance.flow import CASE_FLOW, OPEN_STATES
from assistance.models import Case, CaseAsset, CaseFlag, CaseMember, CaseView
from core import roles
from core.admin_base import CommunityScopedTabularInline
from core.errors import RuleViolation
from core.models import User


class MemberInline(CommunityScopedTabularInline):
    model = CaseMember
    fields = ["resident", "monthly_income", "income_source"]
    autocomplete_fields = ["resident"]
    extra = 3
    min_num = 1
    verbose_name = _("申报家庭成员及月收入")
    verbose_name_plural = _("申报家庭成员及月收入")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return obj is None and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class AssetInline(MemberInline):
    model = CaseAsset
    fields = ["kind", "value", "description"]
    autocomplete_fields = []
    extra = 1
    min_num = 0
    verbose_name = _("申报家庭资产")
    verbose_name_plural = _("申报家庭资产")


class FlagFilter(admin.SimpleListFilter):
    title = _("自动核查")
    parameter_name = "flags"

    def lookups(self, request, model_admin):
        return [("any", _("有提示")), ("relative", _("近亲属单独登记册")), ("none", _("无提示"))]

    def queryset(self, request, queryset):
        flags = CaseFlag.objects.filter(case=OuterRef("pk"))
        if self.value() == "any":
            return queryset.filter(Exists(flags))
        if self.value() == "relative":
            return queryset.filter(Exists(flags.filter(code=CaseFlag.Code.STAFF_RELATIVE)))
        if self.value() == "none":
            return queryset.exclude(Exists(flags))
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = _("办理情况")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("在办")), ("no", _("已办结"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(state__in=OPEN_STATES)
        if self.value() == "no":
            return queryset.exclude(state__in=OPEN_STATES)
        return queryset


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = [
            "household",
            "programme",
            "applicant",
            "via_leader",
            "officer",
            "applied_on",
            "reason",
            "monthly_amount",
        ]


@admin.register(Case)
class CaseAdmin(CaseDisplayMixin, CasePrivateAdmin):
    community_field = "community"
    form = CaseForm
    inlines = [MemberInline, AssetInline]
    list_display = [
        "household_number",
        "applicant",
        "programme",
        "kind",
        "state",
        "step_due_on",
        "flag_list",
        "officer",
    ]
    list_display_links = ["household_number", "applicant"]
    list_select_related = ["household", "applicant", "programme", "officer"]
    list_filter = [FlagFilter, OpenFilter, "state", "programme__kind", "kind", "community"]
    search_fields = ["household__number", "applicant__name"]
    autocomplete_fields = ["household", "applicant", "via_leader"]
    actions = ["post_selected"]
    readonly_fields = [
        "state",
        "step_due_on",
        "flag_details",
        "workflow_steps",
        "investigation_table",
        "record_details",
        "workflow_log",
        "view_log",
    ]

    def get_queryset(self, request):
        flags = CaseFlag.objects.filter(case=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(_flagged=Exists(flags), _nflags=Count("flags", distinct=True))
        )

    def get_ordering(self, request):
        # Flagged cases first, then the nearest deadline (the annotations of get_queryset).
        flags = CaseFlag.objects.filter(case=OuterRef("pk"))
        return [Exists(flags).desc(), "step_due_on", "-pk"]

    def get_fields(self, request, obj=None):
        fields = [
            "household",
            "programme",
            "applicant",
            "via_leader",
            "officer",
            "applied_on",
            "reason",
            "monthly_amount",
        ]
        if obj is None:
            return fields
        obj._workflow_actor = request.user
        return [
            "state",
            "step_due_on",
            "flag_details",
            "workflow_steps",
            *fields,
            "investigation_table",
            "record_details",
            "workflow_log",
            "view_log",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The application is what was declared: corrections go through the steps, never an edit.
        return [*self.readonly_fields, *self.get_fields(request, obj)]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "officer":
            kwargs["queryset"] = User.objects.filter(
                is_active=True, groups__name=roles.CASE_OFFICER
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("applied_on", timezone.localdate())
        initial.setdefault("officer", request.user.pk)
        return initial

    # -- privacy: every view of a case is logged -------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Nothing on the page is edited: the steps are the buttons of "可办理事项".
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        if request.method == "GET":
            case = self.get_object(request, object_id)
            if case is not None:
                CaseView.objects.create(case=case, user=request.user, at=timezone.now())
        return super().change_view(request, object_id, form_url, extra_context)

    # -- saving: the application goes through the service, with its members and assets -----------

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing on the page is editable once registered
        # Saved with its members by save_related (one service call, one transaction).

    def save_related(self, request, form, formsets, change):
        if change:
            return
        members, assets = [], []
        for fs in formsets:
            for data in fs.cleaned_data:
                if not data or data.get("DELETE"):
                    continue
                if fs.model is CaseMember and data.get("resident"):
                    members.append(data)
                elif fs.model is CaseAsset and data.get("kind"):
                    assets.append(data)
        d = form.cleaned_data
        case = services.case_apply(
            household=d["household"],
            programme=d["programme"],
            applicant=d["applicant"],
            via_leader=d["via_leader"],
            officer=d["officer"],
            reason=d["reason"],
            monthly_amount=d.get("monthly_amount"),
            applied_on=d.get("applied_on"),
            members=members,
            assets=assets,
            actor=request.user,
        )
        form.instance.pk = case.pk
        form.instance.community_id = case.community_id
        form.instance._state.adding = False

    def construct_change_message(self, request, form, formsets, add=False):
        # The members were saved by the service, not by the formsets.
        return [{"added": {}}] if add else []

    # -- the steps -------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "figures/",
                self.admin_site.admin_view(lambda request: figures_view(self, request)),
                name="assistance_case_figures",
            ),
            path(
                "<path:object_id>/step/<str:step>/",
                self.admin_site.admin_view(self.step_view),
                name="assistance_case_step",
            ),
            *super().get_urls(),
        ]

    def step_view(self, request, object_id, step):
        case = self.get_object(request, object_id)
        if case is None or step not in STEP_FORMS:
            raise Http404
        if not self.has_change_permission(request, case):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        change_url = reverse("admin:assistance_case_change", args=[case.pk])
        if request.method == "GET":
            CaseView.objects.create(case=case, user=request.user, at=timezone.now())  # shows the flags
        reasons = CASE_FLOW.reasons(case, step, actor=request.user)
        form_class = STEP_FORMS[step]
        if request.method == "POST" and not reasons:
            form = form_class(request.POST, request.FILES, case=case)
            if form.is_valid():
                try:
                    form.run(actor=request.user)
                except RuleViolation as e:
                    for m in e.messages:
                        form.add_error(None, m)
                else:
                    messages.success(
                        request, gettext("已办理“%(step)s”。") % {"step": CASE_FLOW.transition(step).label}
                    )
                    return HttpResponseRedirect(change_url)
        else:
            form = form_class(case=case)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("%(case)s：%(step)s") % {"case": case, "step": CASE_FLOW.transition(step).label},
            "case": case,
            "form": form,
            "reasons": reasons,
            "flags": list(case.flags.all()),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/assistance/case/step.html", context)

    # -- actions ---------------------------------------------------------------------------------

    @admin.action(description=_("张榜公示所选申请（7天，接受实名异议）"), permissions=["change"])
    def post_selected(self, request, queryset):
        try:
            posting = services.cases_post(cases=list(queryset), actor=request.user)
        except RuleViolation as e:
            for m in e.messages:
                messages.error(request, m)
            return
        messages.success(
            request,
            gettext("已发布“%(title)s”，公示至%(end)s。")
            % {
                "title": posting.title,
                "end": timezone.localtime(posting.expire_at).strftime("%Y-%m-%d %H:%M"),
            },
        )
