"""Admin of motions (议题, 四议两公开).

The change page shows only the steps the motion's state allows (``MOTION_FLOW``): each enabled step
is a button to a page of its own that asks what was said (商议/审议 opinions, the reason for
dropping, the meeting of the vote, the result), a blocked one says why. During the vote a vote
sheet records each present member's vote and closes the vote, which posts the tally and the named
record on the board. Every write goes through ``affairs.services.motions``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from affairs.models.meetings import DECIDING_BODIES, Meeting
from affairs.models.motions import Motion, Vote
from affairs.services import motions as services
from affairs.services.meetings import quorum
from affairs.services.motion_flow import MOTION_FLOW, STAFF_STEPS, members_not_voted
from core.admin_base import ScopedHistoryAdmin
from core.errors import RuleViolation
from core.governed import save_governed
from core.workflow_admin import log_html

S = Motion.State


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        q = quorum(obj)
        return gettext("%(title)s（%(when)s，%(present)d/%(members)d人，%(verdict)s）") % {
            "title": obj.title,
            "when": f"{obj.starts_at:%Y-%m-%d}",
            "present": q.present,
            "members": q.members,
            "verdict": gettext("达到法定人数") if q.met else gettext("未达到法定人数"),
        }


class StepForm(forms.Form):
    note = forms.CharField(label=_("意见或说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, motion: Motion, step: str, **kwargs):
        super().__init__(*args, **kwargs)
        if step in ("deliberate", "review", "drop"):
            self.fields["note"].required = True
            self.fields["note"].label = (
                _("不予表决的理由") if step == "drop" else _("商议或审议的意见（谁、说了什么）")
            )
        if step == "open_vote":
            self.fields["meeting"] = MeetingChoiceField(
                label=_("表决会议"),
                queryset=Meeting.objects.filter(
                    community_id=motion.community_id, body__in=DECIDING_BODIES, closed_at__isnull=True
                ).order_by("-starts_at"),
                help_text=_("居民会议或居民代表会议；须已签到并达到法定人数"),
            )
            self.fields["opinion_summary"] = forms.CharField(
                label=_("意见征集情况"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                initial=motion.opinion_summary,
            )
        if step == "post_result":
            self.fields["result_summary"] = forms.CharField(
                label=_("实施结果"), widget=forms.Textarea(attrs={"rows": 4}), initial=motion.result_summary
            )
            del self.fields["note"]


class VoteSheetForm(forms.Form):
    """One radio row per present member who has not voted yet."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(c, label) for c, label in Vote.Choice.choices if c != Vote.Choice.ABSENT]
        for m in members:
            label = (
                str(m)
                if m.attendance != m.Attendance.PROXY
                else gettext("%(member)s（委托出席）") % {"member": m}
            )
            self.fields[f"m{m.pk}"] = forms.ChoiceField(
                label=label, choices=choices, widget=forms.RadioSelect, required=False
            )


@admin.register(Motion)
class MotionAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["title", "source", "state", "proposed_on", "meeting", "tally"]
    list_filter = ["community", "state", "source"]
    search_fields = ["title", "description"]
    list_select_related = ["meeting"]

    def get_fields(self, request, obj=None):
        fields = ["community", "title", "description", "source", "sponsors", "sponsors_count", "proposed_on"]
        if obj is not None:
            obj._workflow_actor = request.user
            fields = ["state", "workflow_steps", *fields, "opinion_summary", "resolution_text"]
            fields += ["meeting", "tally", "named_record", "rejection_reason", "result_summary", "postings"]
            fields += ["workflow_log"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        ro = ["state", "workflow_steps", "meeting", "tally", "named_record", "rejection_reason", "postings"]
        ro += ["workflow_log", "community", "source", "sponsors", "sponsors_count", "proposed_on"]
        if obj.state != S.PROPOSED:
            ro += ["title", "description"]
        if obj.state not in (S.PROPOSED, S.DELIBERATED, S.REVIEWED):
            ro += ["opinion_summary", "resolution_text"]
        if obj.state != S.IMPLEMENTING:
            ro += ["result_summary"]
        return ro

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/step/<str:step>/", wrap(self.step_view), name="affairs_motion_step"),
            path("<int:pk>/vote/", wrap(self.vote_view), name="affairs_motion_vote"),
        ] + super().get_urls()

    # -- display ----------------------------------------------------------------------------------

    @admin.display(description=_("表决结果"))
    def tally(self, obj):
        if obj.vote_closed_at is None:
            return "-"
        return gettext("赞成%(yes)d，反对%(no)d，弃权%(abstain)d（实到%(present)d/应到%(members)d）") % {
            "yes": obj.yes_count,
            "no": obj.no_count,
            "abstain": obj.abstain_count,
            "present": obj.present_count,
            "members": obj.members_count,
        }

    @admin.display(description=_("记名表决"))
    def named_record(self, obj):
        from affairs.services.motion_postings import named_record

        rows = named_record(obj)
        if not rows:
            return "-"
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description=_("公开栏"))
    def postings(self, obj):
        links = [
            (reverse("admin:notices_posting_change", args=[p.pk]), p.title)
            for p in (obj.resolution_posting, obj.result_posting)
            if p is not None
        ]
        if not links:
            return "-"
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', links)

    @admin.display(description=_("可办理事项"))
    def workflow_steps(self, obj):
        actor = getattr(obj, "_workflow_actor", None)
        if obj.state == S.VOTING:
            url = reverse("admin:affairs_motion_vote", args=[obj.pk])
            return format_html('<a class="button" href="{}">{}</a>', url, gettext("记录表决并结束表决"))
        items = []
        for offer in MOTION_FLOW.offered(obj, actor=actor):
            name = offer.transition.name
            if name not in STAFF_STEPS:
                continue
            # The meeting of a vote is chosen on the step's own page.
            reasons = [r for r in offer.reasons if name != "open_vote" or "请选择表决会议" not in r]
            if reasons:
                items.append(format_html("<li>{}：{}</li>", offer.transition.label, "；".join(reasons)))
            else:
                url = reverse("admin:affairs_motion_step", args=[obj.pk, name])
                items.append(
                    format_html('<li><a class="button" href="{}">{}</a></li>', url, offer.transition.label)
                )
        if not items:
            return gettext("当前状态下无可办理的事项。")
        return format_html(
            "<ul class='workflow-steps'>{}</ul>", format_html_join("", "{}", ((i,) for i in items))
        )

    @admin.display(description=_("办理记录"))
    def workflow_log(self, obj):
        return log_html(MOTION_FLOW, obj)

    # -- saving -----------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if change:
            save_governed(obj, actor=request.user, reason=gettext("修改议题"))
            return
        created = services.motion_propose(
            community=form.cleaned_data["community"],
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
            source=form.cleaned_data["source"],
            sponsors=form.cleaned_data.get("sponsors", ""),
            sponsors_count=form.cleaned_data.get("sponsors_count"),
            proposed_on=form.cleaned_data.get("proposed_on"),
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    # -- step pages -------------------------------------------------------------------------------

    def _motion(self, request, pk) -> Motion:
        obj = self.get_queryset(request).filter(pk=pk).first()
        if obj is None or not self.has_change_permission(request, obj):
            raise Http404
        return obj

    def _page(self, request, obj, title, template, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": obj,
                "title": title,
                "return_url": reverse("admin:affairs_motion_change", args=[obj.pk]),
                **context,
            },
        )

    def step_view(self, request, pk: int, step: str):
        obj = self._motion(request, pk)
        if step not in STAFF_STEPS:
            raise Http404
        transition = MOTION_FLOW.transition(step)
        form = StepForm(request.POST or None, motion=obj, step=step)
        if request.method == "POST" and form.is_valid():
            try:
                self._apply(obj, step, form.cleaned_data, request.user)
            except RuleViolation as e:
                form.add_error(None, "；".join(e.messages))
            else:
                messages.success(request, gettext("已办理“%(step)s”。") % {"step": transition.label})
                return HttpResponseRedirect(reverse("admin:affairs_motion_change", args=[obj.pk]))
        return self._page(
            request, obj, transition.label, "affairs/meetings/admin/motion_step.html", form=form, step=step
        )

    @staticmethod
    def _apply(obj, step, data, actor):
        if step in ("deliberate", "review", "drop"):
            return services.motion_step(motion=obj, step=step, note=data["note"], actor=actor)
        if step == "open_vote":
            return services.motion_open_vote(
                motion=obj,
                meeting=data["meeting"],
                note=data.get("note", ""),
                opinion_summary=data.get("opinion_summary", ""),
                actor=actor,
            )
        if step == "implement":
            return services.motion_implement(motion=obj, note=data.get("note", ""), actor=actor)
        return services.motion_post_result(motion=obj, result_summary=data["result_summary"], actor=actor)

    def vote_view(self, request, pk: int):
        obj = self._motion(request, pk)
        if obj.state != S.VOTING:
            messages.error(request, gettext("该议题当前不在表决中。"))
            return HttpResponseRedirect(reverse("admin:affairs_motion_change", args=[obj.pk]))
        form = VoteSheetForm(request.POST or None, members=members_not_voted(obj))
        if request.method == "POST" and form.is_valid():
            choices = {int(k[1:]): v for k, v in form.cleaned_data.items() if v}
            try:
                if choices:
                    services.votes_record(motion=obj, choices=choices, actor=request.user)
                if "close" in request.POST:
                    obj = services.motion_close_vote(motion=obj, actor=request.user)
            except RuleViolation as e:
                form.add_error(None, "；".join(e.messages))
            else:
                if "close" in request.POST:
                    messages.success(
                        request,
                        gettext("表决结束：%(state)s，表决结果和记名表决情况已在公开栏公开。")
                        % {"state": obj.get_state_display()},
                    )
                    return HttpResponseRedirect(reverse("admin:affairs_motion_change", args=[obj.pk]))
                messages.success(request, gettext("已记录%(n)d票。") % {"n": len(choices)})
                return HttpResponseRedirect(request.path)
        recorded = obj.votes.select_related("member__resident").order_by("member_id")
        return self._page(
            request,
            obj,
            gettext("记名表决：%(title)s") % {"title": obj.title},
            "affairs/meetings/admin/motion_vote.html",
            form=form,
            recorded=recorded,
            quorum=quorum(obj.meeting),
            tally=services.tally(obj),
        )
