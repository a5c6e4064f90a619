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
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assistance import services
from assistance.admin.base import CasePrivateAdmin
from assistance.admin.step_forms import STEP_FORMS
from assistance.flow import CASE_FLOW, OPEN_STATES
from assistance.models import Case, CaseAsset, CaseFlag, CaseMember, CaseView
from core import roles
from core.admin_base import CommunityScopedTabularInline
from core.errors import RuleViolation
from core.models import User
from core.workflow_admin import log_html


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
class CaseAdmin(CasePrivateAdmin):
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

    # -- display ---------------------------------------------------------------------------------

    @admin.display(description=_("申请户"), ordering="household__number")
    def household_number(self, obj):
        return obj.household.number

    @admin.display(description=_("自动核查提示"), ordering="_nflags")
    def flag_list(self, obj):
        n = getattr(obj, "_nflags", 0)
        if not n:
            return "-"
        return format_html('<strong class="assistance-flag">{}</strong>', gettext("%(n)d条提示") % {"n": n})

    @admin.display(description=_("自动核查提示"))
    def flag_details(self, obj):
        flags = list(obj.flags.all())
        if not flags:
            return gettext("未发现问题。")
        return format_html(
            "<ul class='assistance-flags'>{}</ul>",
            format_html_join(
                "", "<li><strong>{}</strong>：{}</li>", ((f.get_code_display(), f.message) for f in flags)
            ),
        )

    @admin.display(description=_("可办理事项"))
    def workflow_steps(self, obj):
        actor = getattr(obj, "_workflow_actor", None)
        offers = [o for o in CASE_FLOW.offered(obj, actor=actor) if o.transition.name in STEP_FORMS]
        if not offers:
            return gettext("当前状态下无可办理的事项。")
        items = []
        for o in offers:
            if o.enabled:
                url = reverse("admin:assistance_case_step", args=[obj.pk, o.transition.name])
                items.append(
                    format_html('<li><a class="button" href="{}">{}</a></li>', url, o.transition.label)
                )
            else:
                items.append(
                    format_html(
                        "<li>{}：{}</li>", o.transition.label, gettext("暂不能办理——") + "；".join(o.reasons)
                    )
                )
        if obj.state == Case.State.SCORED:
            items.append(
                format_html(
                    "<li>{}</li>", gettext("张榜公示：在列表中勾选本批申请，选择“张榜公示所选申请”。")
                )
            )
        return format_html(
            "<ul class='workflow-steps'>{}</ul>", format_html_join("", "{}", ((i,) for i in items))
        )

    @admin.display(description=_("调查核实"))
    def investigation_table(self, obj):
        rows = [
            (
                i.get_kind_display(),
                i.investigated_on,
                f"{i.group.name} {i.leader.name}",
                "、".join(r.name for r in i.representatives.all()),
                i.household_size,
                i.monthly_income,
                i.per_capita,
                i.findings,
            )
            for i in obj.investigations.select_related("group", "leader").prefetch_related("representatives")
        ]
        if not rows:
            return "-"
        head = format_html_join(
            "",
            "<th>{}</th>",
            (
                (h,)
                for h in (
                    gettext("类别"),
                    gettext("日期"),
                    gettext("组长"),
                    gettext("居民代表"),
                    gettext("人口"),
                    gettext("月收入"),
                    gettext("人均"),
                    gettext("结论"),
                )
            ),
        )
        body = format_html_join("", "<tr>" + "<td>{}</td>" * 8 + "</tr>", rows)
        return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)

    @admin.display(description=_("调查、走访与测评记录"))
    def record_details(self, obj):
        lines = []
        for v in obj.visits.prefetch_related("visitors", "photos"):
            photos = format_html_join(
                " ", '<a href="{}">{}</a>', ((p.image.url, gettext("照片")) for p in v.photos.all())
            )
            lines.append(
                format_html(
                    "<li>{}：{}（{}）{} {}</li>",
                    gettext("入户调查"),
                    v.visited_on,
                    "、".join(str(u) for u in v.visitors.all()),
                    v.findings,
                    photos,
                )
            )
        for sv in obj.surprise_visits.select_related("by"):
            lines.append(
                format_html("<li>{}：{}（{}）{}</li>", gettext("明察暗访"), sv.visited_on, sv.by, sv.findings)
            )
        for label, value in (
            (gettext("申请人确认意见"), obj.applicant_response),
            (gettext("两次调查比对"), obj.comparison_note),
            (gettext("居委会评议意见"), obj.review_note),
            (gettext("民意测评结果"), obj.score_result),
            (gettext("街道审批意见"), obj.street_note),
        ):
            if value:
                lines.append(format_html("<li>{}：{}</li>", label, value))
        scores = list(obj.scores.select_related("representative"))
        if scores:
            lines.append(
                format_html(
                    "<li>{}：{}</li>",
                    gettext("居民代表评分"),
                    "、".join(f"{s.representative.name} {s.score}" for s in scores),
                )
            )
        if not lines:
            return "-"
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((x,) for x in lines)))

    @admin.display(description=_("办理记录"))
    def workflow_log(self, obj):
        return log_html(CASE_FLOW, obj)

    @admin.display(description=_("查看记录"))
    def view_log(self, obj):
        views = list(obj.views.select_related("user")[:20])
        if not views:
            return "-"
        return format_html_join(
            "、",
            "{}（{}）",
            ((str(v.user), timezone.localtime(v.at).strftime("%Y-%m-%d %H:%M")) for v in views),
        )

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


def figures_view(model_admin: CaseAdmin, request):
    """统计: applications, approved, rejected, returned per month of a year, average days per step."""
    from assistance.figures import figures

    if not model_admin.has_view_permission(request):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except (TypeError, ValueError):
        year = today.year
    if not 2000 <= year <= 2100:
        year = today.year
    data = figures(cases=model_admin.get_queryset(request), year=year)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": gettext("救助审核统计（%(year)d年）") % {"year": year},
        "figures": data,
        "years": list(range(today.year - 4, today.year + 1)),
    }
    return TemplateResponse(request, "admin/assistance/case/figures.html", context)
