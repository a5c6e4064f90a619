"""Admin of elections: the frame (seats, election committee), the steps the state allows (each a
button leading to a confirmation page that runs the step's service), and the record of steps."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_base import CommunityScopedTabularInline, ScopedHistoryAdmin
from core.errors import RuleViolation
from core.governed import save_governed
from core.workflow_admin import log_html, steps_html
from elections import services
from elections.admin.qa import QaMeetingAdminMixin
from elections.desk import next_step
from elections.flow import ELECTION_FLOW
from elections.models import Election, ElectionCommitteeMember, Seat

# The service that performs each staff step (the workflow checks run inside it).
STEP_SERVICES = {
    "post_roll": services.election_post_roll,
    "open_nominations": services.election_open_nominations,
    "start_vetting": services.election_start_vetting,
    "ready_ballot": services.election_ready_ballot,
    "open_voting": services.election_open_voting,
    "close_voting": services.election_close_voting,
    "post_results": services.election_post_results,
    "close": services.election_close,
}


def register_step(name: str, service) -> None:
    STEP_SERVICES[name] = service


class SeatInline(CommunityScopedTabularInline):
    model = Seat
    extra = 0

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or obj.status == Election.Status.DRAFT
        )

    has_add_permission = has_delete_permission = lambda self, request, obj=None: (  # noqa: E731
        SeatInline.has_change_permission(self, request, obj)
    )


class CommitteeMemberInline(CommunityScopedTabularInline):
    model = ElectionCommitteeMember
    extra = 0
    fields = ["resident", "is_chair", "stepped_down_at", "step_down_reason"]
    readonly_fields = ["stepped_down_at", "step_down_reason"]
    autocomplete_fields = ["resident"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Election)
class ElectionAdmin(QaMeetingAdminMixin, ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["title", "kind", "election_day", "status", "next_deadline", "rehearsal"]
    list_filter = ["community", "kind", "status", "rehearsal"]
    search_fields = ["title"]
    inlines = [SeatInline, CommitteeMemberInline]
    autocomplete_fields = ["recall_member"]
    readonly_fields = [
        "status",
        "step_buttons",
        "workflow_steps",
        "workflow_log",
        "roll_summary",
        "export_links",
        "recall_petition",
        "recall_answer_text",
        "qa_meeting",
    ]

    def get_fields(self, request, obj=None):
        fields = [
            "community",
            "kind",
            "title",
            "election_day",
            "group",
            "recall_member",
            "signatures_required",
            "rehearsal",
        ]
        if obj is not None:
            fields += [
                "status",
                "roll_summary",
                "step_buttons",
                "export_links",
                "workflow_steps",
                "workflow_log",
            ]
            if obj.kind == Election.Kind.RECALL:
                fields.insert(fields.index("step_buttons"), "recall_petition")
                fields.insert(fields.index("step_buttons"), "recall_answer_text")
            obj._workflow_actor = request.user
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Election.Status.DRAFT:
            return [
                *self.readonly_fields,
                "community",
                "kind",
                "title",
                "election_day",
                "group",
                "recall_member",
                "rehearsal",
            ]
        if obj is not None:
            return [*self.readonly_fields, "community"]
        return self.readonly_fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # an election is deleted one by one (draft or rehearsal)
        return actions

    def has_delete_permission(self, request, obj=None):
        # A draft is deleted as usual; a rehearsal is thrown away by its own step (all its records).
        if obj is not None and obj.status != Election.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    # -- display ----------------------------------------------------------------------------------

    @admin.display(description=_("下一步"))
    def next_deadline(self, obj):
        name, _due, hint = next_step(obj)
        return format_html("{}<br><small>{}</small>", ELECTION_FLOW.transition(name).label, hint)

    @admin.display(description=_("选民名单"))
    def roll_summary(self, obj):
        roll = getattr(obj.root, "roll", None)
        if roll is None:
            return gettext("尚未生成")
        n = roll.voters.filter(removed_at__isnull=True).count()
        url = reverse("admin:elections_voter_changelist") + f"?roll__id__exact={roll.pk}"
        state = (
            gettext("已定稿")
            if roll.frozen_at
            else (gettext("公示中") if roll.posted_at else gettext("未公布"))
        )
        return format_html('<a href="{}">{}</a>（{}）', url, gettext("%(n)d名选民") % {"n": n}, state)

    @admin.display(description=_("罢免联名"))
    def recall_petition(self, obj):
        from elections.admin.recall import petition_html

        return petition_html(obj)

    @admin.display(description=_("被罢免人书面申辩"))
    def recall_answer_text(self, obj):
        from elections.admin.recall import answer_html

        return answer_html(obj)

    @admin.display(description=_("办理"))
    def step_buttons(self, obj):
        actor = getattr(obj, "_workflow_actor", None)
        buttons = [
            (reverse("admin:elections_election_step", args=[obj.pk, o.transition.name]), o.transition.label)
            for o in ELECTION_FLOW.offered(obj, actor=actor)
            if o.transition.name in STEP_SERVICES and o.enabled
        ]
        if obj.status == Election.Status.DRAFT and not obj.parent_id:
            buttons.insert(
                0,
                (
                    reverse("admin:elections_election_step", args=[obj.pk, "build_roll"]),
                    gettext("从居民登记生成选民名单"),
                ),
            )
        if obj.kind == Election.Kind.RECALL and obj.status in (
            Election.Status.DRAFT,
            Election.Status.ROLL_POSTED,
            Election.Status.NOMINATIONS,
        ):
            buttons.append(
                (reverse("admin:elections_election_recall", args=[obj.pk]), gettext("录入罢免联名签名"))
            )
        if obj.rehearsal:
            buttons.append(
                (
                    reverse("admin:elections_election_step", args=[obj.pk, "discard_rehearsal"]),
                    gettext("删除演练选举"),
                )
            )
        if obj.results_posted_at is not None:
            buttons.append(
                (
                    reverse("admin:elections_election_results_pdf", args=[obj.pk]),
                    gettext("打印选举结果报告（PDF）"),
                )
            )
        if not buttons:
            return "-"
        return format_html_join(" ", '<a class="button" href="{}">{}</a>', buttons)

    @admin.display(description=_("可办理事项"))
    def workflow_steps(self, obj):
        return steps_html(ELECTION_FLOW, obj, actor=getattr(obj, "_workflow_actor", None))

    @admin.display(description=_("办理记录"))
    def workflow_log(self, obj):
        return log_html(ELECTION_FLOW, obj)

    # -- saving through the services ----------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            save_governed(obj, actor=request.user, reason=gettext("修改选举信息"))
            return
        created = services.election_create(
            community=form.cleaned_data["community"],
            title=form.cleaned_data["title"],
            election_day=form.cleaned_data["election_day"],
            kind=form.cleaned_data["kind"],
            signatures_required=form.cleaned_data["signatures_required"],
            rehearsal=form.cleaned_data.get("rehearsal", False),
            group=form.cleaned_data.get("group"),
            recall_member=form.cleaned_data.get("recall_member"),
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for inst in instances:
            if isinstance(inst, Seat):
                services.seat_set(
                    election=form.instance, office=inst.office, count=inst.count, actor=request.user
                )
            elif isinstance(inst, ElectionCommitteeMember) and inst.pk is None:
                services.committee_member_add(
                    election=form.instance, resident=inst.resident, is_chair=inst.is_chair, actor=request.user
                )
            elif isinstance(inst, ElectionCommitteeMember):
                save_governed(inst, actor=request.user, reason=gettext("修改选举委员会成员"))

    # -- steps ------------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/step/<str:step>/",
                self.admin_site.admin_view(self.step_view),
                name="elections_election_step",
            ),
            path(
                "<path:object_id>/export/<str:kind>.<str:fmt>",
                self.admin_site.admin_view(self.export_view),
                name="elections_election_export",
            ),
            path(
                "<path:object_id>/recall/",
                self.admin_site.admin_view(self.recall_view),
                name="elections_election_recall",
            ),
            path(
                "<path:object_id>/recall-answer/",
                self.admin_site.admin_view(self.recall_answer_view),
                name="elections_election_recall_answer",
            ),
            path(
                "<path:object_id>/results.pdf",
                self.admin_site.admin_view(self.results_pdf_view),
                name="elections_election_results_pdf",
            ),
            *super().get_urls(),
        ]

    def recall_view(self, request, object_id):
        from elections.admin.recall import recall_signatures_view

        return recall_signatures_view(self, request, object_id)

    def recall_answer_view(self, request, object_id):
        from elections.admin.recall import recall_answer_view

        return recall_answer_view(self, request, object_id)

    def export_view(self, request, object_id, kind, fmt):
        from django.http import HttpResponse

        from elections import exports

        obj = self.get_object(request, object_id)
        if obj is None or kind not in exports.KINDS or fmt not in ("csv", "xlsx"):
            raise Http404(gettext("没有该导出。"))
        rows = exports.rows_for(obj, kind)
        if fmt == "csv":
            response = HttpResponse(exports.as_csv(rows), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                exports.as_xlsx(rows),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="election-{obj.pk}-{kind}.{fmt}"'
        return response

    @admin.display(description=_("导出"))
    def export_links(self, obj):
        labels = {
            "roll": gettext("选民名单"),
            "candidates": gettext("候选人"),
            "stations": gettext("各站计票结果"),
        }
        links = [
            (reverse("admin:elections_election_export", args=[obj.pk, kind, fmt]), f"{label} {fmt.upper()}")
            for kind, label in labels.items()
            for fmt in ("csv", "xlsx")
        ]
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def results_pdf_view(self, request, object_id):
        from django.http import HttpResponse

        from elections.pdf import render_results_pdf

        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(gettext("没有该选举。"))
        try:
            data, _pages = render_results_pdf(obj)
        except RuleViolation as e:
            for m in e.messages:
                messages.error(request, m)
            return HttpResponseRedirect(reverse("admin:elections_election_change", args=[obj.pk]))
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="election-{obj.pk}-results.pdf"'
        return response

    def step_view(self, request, object_id, step):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(gettext("没有该选举。"))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse("admin:elections_election_change", args=[obj.pk])
        if step == "build_roll":
            label, reasons = gettext("从居民登记生成选民名单"), []
            if obj.status != Election.Status.DRAFT:
                reasons = [gettext("选民名单已公布，不能重新生成。")]
            explanation = gettext(
                "按选举日计算年满18周岁、户籍在本社区、未迁出或死亡的居民，生成（或重新生成）选民名单。"
            )
            service = services.roll_build
        elif step == "discard_rehearsal":
            label = gettext("删除演练选举")
            reasons = [] if obj.rehearsal else [gettext("只有演练选举可以整体删除。")]
            explanation = gettext("将删除该演练选举及其全部记录（名单、候选人、登记、计票），不可恢复。")
            service = services.rehearsal_discard
        elif step in STEP_SERVICES:
            label = ELECTION_FLOW.transition(step).label
            reasons = ELECTION_FLOW.reasons(obj, step, actor=request.user)
            explanation = gettext("将办理“%(step)s”。") % {"step": label}
            service = STEP_SERVICES[step]
        else:
            raise Http404(gettext("没有该办理事项。"))
        if request.method == "POST" and not reasons:
            try:
                kwargs = {"election": obj, "actor": request.user}
                if step not in ("build_roll", "discard_rehearsal"):
                    kwargs["note"] = request.POST.get("note", "")[:500]
                service(**kwargs)
                if step == "discard_rehearsal":
                    messages.success(request, gettext("已删除演练选举。"))
                    return HttpResponseRedirect(reverse("admin:elections_election_changelist"))
            except RuleViolation as e:
                for m in e.messages:
                    messages.error(request, m)
            else:
                messages.success(request, gettext("已办理：%(step)s。") % {"step": label})
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": label,
            "label": label,
            "reasons": reasons,
            "explanation": explanation,
            "return_url": change_url,
        }
        return TemplateResponse(request, "admin/elections/election/step.html", context)
