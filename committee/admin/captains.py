"""Admin of building captains: nominations, the posting of a batch on the board, confirm and reject.

Which steps a nomination offers, and why a step is not possible yet, come from
``committee.captains.CAPTAIN_FLOW``; the change page shows the steps and the record of who took them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committee import captains as captain_rules
from committee import services
from committee.captains import CAPTAIN_FLOW
from committee.models import (
    Building,
    BuildingCaptain,
    Resident,
)
from core.admin_base import (
    ScopedHistoryAdmin,
    run_service_on_each,
)
from core.errors import RuleViolation
from core.windows import posted_until
from core.workflow_admin import log_html, steps_html


class CaptainForm(forms.ModelForm):
    """A nomination: a nominee the registry places outside the building needs a ticked confirmation
    (committee/captains.py explains why that is not a refusal)."""

    residence_confirmed = forms.BooleanField(
        label=_("确认提名非本楼居民"),
        required=False,
        help_text=_("被提名人不住在该楼栋时须勾选；公示中将注明“非本楼居民”，由本楼居民监督。"),
    )

    class Meta:
        model = BuildingCaptain
        fields = ["building", "resident", "self_nominated", "nominated_on", "decision_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.residence_problem = None
        if "residence_confirmed" in self.fields and not self._may_need_confirmation():
            # Shown only once the chosen nominee needs it, so a normal nomination has one box less.
            self.fields["residence_confirmed"].widget = forms.HiddenInput()

    def _may_need_confirmation(self) -> bool:
        if not self.is_bound:
            return False
        try:
            building = Building.objects.get(pk=self.data.get("building"))
            resident = Resident.objects.select_related("household__building").get(
                pk=self.data.get("resident")
            )
        except (Building.DoesNotExist, Resident.DoesNotExist, ValueError, TypeError):
            return False
        return captain_rules.residence_problem(building=building, resident=resident) is not None

    def clean(self):
        cleaned = super().clean()
        building, resident = cleaned.get("building"), cleaned.get("resident")
        if building is None or resident is None:
            return cleaned
        if self.instance.pk and not ({"building", "resident"} & set(self.changed_data)):
            return cleaned
        problem = captain_rules.residence_problem(building=building, resident=resident)
        if problem and not cleaned.get("residence_confirmed"):
            self.add_error(
                "resident",
                problem + gettext("如确需提名，请勾选下方“确认提名非本楼居民”后再保存。"),
            )
        self.residence_problem = problem
        return cleaned


class CompetingNominationFilter(admin.SimpleListFilter):
    title = _("同一楼栋多人提名")
    parameter_name = "competing"

    def lookups(self, request, model_admin):
        return [("yes", _("有其他未办结提名")), ("no", _("无"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(_rivals__gt=0, status__in=captain_rules.OPEN)
        if self.value() == "no":
            return queryset.exclude(_rivals__gt=0, status__in=captain_rules.OPEN)
        return queryset


class LivesInBuildingFilter(admin.SimpleListFilter):
    title = _("是否本楼居民")
    parameter_name = "lives_here"

    def lookups(self, request, model_admin):
        return [("yes", _("本楼居民")), ("no", _("非本楼居民")), ("unknown", _("户未登记楼栋"))]

    def queryset(self, request, queryset):
        away = Q(resident__residence=Resident.Residence.REGISTERED_AWAY)
        if self.value() == "yes":
            return queryset.filter(resident__household__building=F("building")).exclude(away)
        if self.value() == "no":
            return queryset.filter(
                away
                | (
                    Q(resident__household__building__isnull=False)
                    & ~Q(resident__household__building=F("building"))
                )
            )
        if self.value() == "unknown":
            return queryset.filter(resident__household__building__isnull=True).exclude(away)
        return queryset


@admin.register(BuildingCaptain)
class BuildingCaptainAdmin(ScopedHistoryAdmin):
    community_field = "community"
    form = CaptainForm
    list_display = [
        "building",
        "resident",
        "lives_here",
        "self_nominated",
        "status",
        "competing",
        "nominated_on",
        "posting_window",
        "decided_at",
    ]
    list_select_related = ["building", "resident", "resident__household"]
    list_filter = ["community", "status", CompetingNominationFilter, LivesInBuildingFilter, "self_nominated"]
    search_fields = ["resident__name", "building__name"]
    autocomplete_fields = ["resident"]
    readonly_fields = [
        "status",
        "posting_link",
        "posting_window",
        "decided_at",
        "workflow_steps",
        "workflow_log",
    ]
    actions = ["post_selected", "confirm_selected", "reject_selected", "end_selected"]

    # Each bulk action is one step of CAPTAIN_FLOW; a list filtered to one state offers only the
    # steps that state allows.
    STEP_OF_ACTION = {
        "post_selected": "post",
        "confirm_selected": "confirm",
        "reject_selected": "reject",
        "end_selected": "end",
    }

    def get_actions(self, request):
        actions = super().get_actions(request)
        state = request.GET.get("status__exact")
        if state:
            for action, step in self.STEP_OF_ACTION.items():
                if state not in CAPTAIN_FLOW.transition(step).sources:
                    actions.pop(action, None)
        return actions

    def get_queryset(self, request):
        # Open nominations of the same building besides this one (a correlated count, no join).
        rivals = (
            BuildingCaptain.objects.filter(building=OuterRef("building"), status__in=captain_rules.OPEN)
            .exclude(pk=OuterRef("pk"))
            .order_by()
            .values("building")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(_rivals=Coalesce(Subquery(rivals, output_field=IntegerField()), 0))
        )

    def get_fields(self, request, obj=None):
        fields = ["building", "resident", "residence_confirmed", "self_nominated", "nominated_on"]
        if obj is not None:
            if obj.status != BuildingCaptain.Status.NOMINATED:
                fields.remove("residence_confirmed")
            fields += ["status", "posting_link", "posting_window", "decided_at", "decision_note"]
            fields += ["workflow_steps", "workflow_log"]
            obj._workflow_actor = request.user  # the steps shown are the ones this user may take
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != BuildingCaptain.Status.NOMINATED:
            # Once posted, the nomination is what residents read: it can no longer be edited.
            return [*self.readonly_fields, "building", "resident", "self_nominated", "nominated_on"]
        return self.readonly_fields

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("nominated_on", timezone.localdate())
        return initial

    # -- display ----------------------------------------------------------------------------------

    @admin.display(description=_("本楼居民"), boolean=True)
    def lives_here(self, obj):
        return captain_rules.lives_in_building(obj)

    @admin.display(description=_("同楼栋其他提名"), ordering="_rivals")
    def competing(self, obj):
        n = getattr(obj, "_rivals", 0)
        if not n or obj.status not in captain_rules.OPEN:
            return "-"
        return format_html('<strong style="color:#ba2121">{}</strong>', gettext("另有%(n)d项") % {"n": n})

    @admin.display(description=_("公示期"), ordering="posting_ends_on")
    def posting_window(self, obj):
        if obj.posting_ends_on is None:
            return "-"
        return format_html('<span style="white-space:nowrap">{}</span>', posted_until(obj.posting_ends_on))

    @admin.display(description=_("可办理事项"))
    def workflow_steps(self, obj):
        return steps_html(CAPTAIN_FLOW, obj, actor=getattr(obj, "_workflow_actor", None))

    @admin.display(description=_("办理记录"))
    def workflow_log(self, obj):
        return log_html(CAPTAIN_FLOW, obj)

    @admin.display(description=_("公示"))
    def posting_link(self, obj):
        if obj.posting_id is None:
            return "-"
        try:
            url = reverse("admin:notices_posting_change", args=[obj.posting_id])
        except NoReverseMatch:
            return obj.posting_id
        return format_html('<a href="{}">{}</a>', url, gettext("查看公示及异议"))

    # -- saving -----------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            if form.residence_problem:
                obj._change_reason = gettext("修改楼栋长提名（非本楼居民，经工作人员确认）")
            super().save_model(request, obj, form, change)
        else:
            created = services.captain_nominate(
                building=form.cleaned_data["building"],
                resident=form.cleaned_data["resident"],
                actor=request.user,
                self_nominated=form.cleaned_data.get("self_nominated", False),
                nominated_on=form.cleaned_data.get("nominated_on"),
                residence_confirmed=form.cleaned_data.get("residence_confirmed", False),
            )
            obj.pk, obj.community_id = created.pk, created.community_id
            obj._state.adding = False
        if obj.status == BuildingCaptain.Status.NOMINATED:
            for warning in captain_rules.nomination_warnings(
                building=obj.building, resident=obj.resident, exclude_pk=obj.pk
            ):
                messages.warning(request, warning)
            if form.residence_problem:
                messages.warning(
                    request,
                    gettext("%(problem)s已按确认保存，公示中将注明“非本楼居民”。")
                    % {"problem": form.residence_problem},
                )

    # -- actions ----------------------------------------------------------------------------------

    @admin.action(description=_("公示所选提名（预览后发布）"), permissions=["change"])
    def post_selected(self, request, queryset):
        captains = list(queryset)
        try:
            plan = services.captains_post_plan(captains=captains, actor=request.user)
        except RuleViolation as e:
            for m in e.messages:
                messages.error(request, m)
            return None
        expected = request.POST.get("confirm_fingerprint")
        if expected:
            try:
                result = services.captains_post(
                    captains=captains, actor=request.user, expected_fingerprint=expected
                )
            except RuleViolation as e:
                for m in e.messages:
                    messages.error(request, m)
                # Show what would be published now instead.
            else:
                messages.success(
                    request,
                    gettext("已发布“%(title)s”，共%(n)d人，%(window)s。")
                    % {
                        "title": result.posting.title,
                        "n": len(result.captains),
                        "window": posted_until(result.posting.expire_at),
                    },
                )
                if result.unofficial_years:
                    messages.warning(request, self._calendar_warning(result.unofficial_years))
                return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("公示楼栋长人选：发布前确认"),
            "plan": plan,
            "calendar_warning": self._calendar_warning(plan.unofficial_years)
            if plan.unofficial_years
            else "",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "return_url": request.get_full_path(),
        }
        return TemplateResponse(request, "admin/committee/buildingcaptain/post_confirm.html", context)

    @staticmethod
    def _calendar_warning(years) -> str:
        return gettext(
            "%(years)s年的法定节假日安排尚未录入，公示期按周一至周五计算；请在“法定节假日与调休”中录入。"
        ) % {"years": "、".join(str(y) for y in sorted(years))}

    @admin.action(description=_("确认所选楼栋长（公示期满且无异议）"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        def confirm(captain):
            services.captain_confirm(captain=captain, actor=request.user)
            rivals = captain_rules.open_rivals_after_confirm(captain)
            if rivals:
                messages.warning(
                    request,
                    gettext("%(building)s已确认%(name)s为楼栋长；该楼另有未办结的提名：%(list)s，请予否决。")
                    % {
                        "building": captain.building.name,
                        "name": captain.resident.name,
                        "list": "、".join(c.resident.name for c in rivals),
                    },
                )

        run_service_on_each(
            request,
            items=queryset.select_related("building", "resident"),
            service=confirm,
            done_message=gettext("已确认%(n)d名楼栋长。"),
        )

    @admin.action(description=_("否决所选提名"), permissions=["change"])
    def reject_selected(self, request, queryset):
        run_service_on_each(
            request,
            items=queryset.select_related("building", "resident"),
            service=lambda c: services.captain_reject(
                captain=c, actor=request.user, note=gettext("经居委会审议未通过。")
            ),
            done_message=gettext("已否决%(n)d项提名。"),
        )

    @admin.action(description=_("办理所选楼栋长卸任"), permissions=["change"])
    def end_selected(self, request, queryset):
        # The change page offers 卸任 as a step of CAPTAIN_FLOW; this is where staff take it.
        run_service_on_each(
            request,
            items=queryset.select_related("building", "resident"),
            service=lambda c: services.captain_end(
                captain=c, actor=request.user, note=gettext("经居委会同意卸任。")
            ),
            done_message=gettext("已为%(n)d名楼栋长办理卸任。"),
        )
