"""Admin of the count: the station's count form (each typist enters the paper record; the second
entry, by another person, is compared figure by figure), the entries with their discard action, and
the station counts (closure records) with the scan, the difference note and the two validations."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_base import CommunityScopedAdmin, ScopedHistoryAdmin, run_service_on_each
from core.errors import RuleViolation
from elections import services
from elections.models import Candidate, CountEntry, Election, PollingStation, StationCount
from elections.models.tally import FIGURES, Choice
from elections.services.tally import entries_differences, figure_label, reconciliation

WRITE_IN_ROWS = 3


def counting_election(station: PollingStation) -> Election | None:
    """The round being counted at this station: the first round or its further round."""
    return (
        Election.objects.filter(pk=station.election_id, status=Election.Status.COUNTING).first()
        or station.election.further_rounds.filter(status=Election.Status.COUNTING).first()
    )


class CountForm(forms.Form):
    def __init__(self, *args, election: Election, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FIGURES:
            self.fields[name] = forms.IntegerField(label=figure_label(name), min_value=0)
        self.ballot = not election.has_candidates
        if self.ballot:
            self.candidates = []
            for choice in Choice:
                self.fields[f"choice_{choice.value}"] = forms.IntegerField(
                    label=choice.label, min_value=0, initial=0
                )
            return
        self.candidates = list(
            election.candidates.filter(status=Candidate.Status.OFFICIAL)
            .select_related("resident")
            .order_by("office", "pk")
        )
        for c in self.candidates:
            self.fields[f"c{c.pk}"] = forms.IntegerField(label=str(c), min_value=0, initial=0)
        offices = [(s.office, s.get_office_display()) for s in election.seats.all()]
        for i in range(WRITE_IN_ROWS):
            self.fields[f"w{i}_name"] = forms.CharField(
                label=_("另选他人姓名"), required=False, max_length=50
            )
            self.fields[f"w{i}_office"] = forms.ChoiceField(label=_("职务"), choices=offices, required=False)
            self.fields[f"w{i}_votes"] = forms.IntegerField(label=_("票数"), min_value=0, required=False)

    def lines(self) -> list[services.Line]:
        d = self.cleaned_data
        if self.ballot:
            return [services.Line(office="", votes=d[f"choice_{c.value}"], choice=c.value) for c in Choice]
        out = [
            services.Line(office=c.office, votes=d[f"c{c.pk}"], candidate_id=c.pk) for c in self.candidates
        ]
        for i in range(WRITE_IN_ROWS):
            name = (d.get(f"w{i}_name") or "").strip()
            if name and d.get(f"w{i}_votes"):
                out.append(services.Line(office=d[f"w{i}_office"], votes=d[f"w{i}_votes"], write_in=name))
        return out


def count_view(model_admin, request, object_id):
    station = model_admin.get_object(request, object_id)
    if station is None:
        raise Http404(gettext("没有该投票站。"))
    if not model_admin.has_view_permission(request, station) or not request.user.has_perm(
        "elections.add_countentry"
    ):
        raise PermissionDenied
    election = counting_election(station)
    back = reverse("admin:elections_pollingstation_change", args=[station.pk])
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": PollingStation._meta,
        "original": station,
        "title": gettext("计票录入：%(station)s") % {"station": station},
        "election": election,
        "return_url": back,
    }
    if election is None:
        context["closed"] = True
        return TemplateResponse(request, "admin/elections/pollingstation/count.html", context)
    form = CountForm(request.POST or None, election=election)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.count_enter(
                election=election,
                station=station,
                figures={f: form.cleaned_data[f] for f in FIGURES},
                lines=form.lines(),
                actor=request.user,
            )
        except RuleViolation as e:
            for m in e.messages:
                messages.error(request, m)
        else:
            if result.count is not None:
                messages.success(
                    request, gettext("两次录入一致，已形成%(station)s的计票结果。") % {"station": station}
                )
                return HttpResponseRedirect(
                    reverse("admin:elections_stationcount_change", args=[result.count.pk])
                )
            if result.differences:
                for d in result.differences:
                    messages.error(request, gettext("两次录入不一致：%(diff)s") % {"diff": d})
            else:
                messages.success(request, gettext("第一次录入已保存，请另一名工作人员进行第二次录入。"))
            return HttpResponseRedirect(back)
    context["form"] = form
    context["differences"] = entries_differences(election=election, station=station)
    return TemplateResponse(request, "admin/elections/pollingstation/count.html", context)


@admin.register(CountEntry)
class CountEntryAdmin(CommunityScopedAdmin):
    community_field = "election__community"
    list_display = [
        "station",
        "election",
        "round",
        "entered_by",
        "at",
        *FIGURES,
        "discarded_at",
        "discard_reason",
    ]
    list_select_related = ["station", "election", "entered_by"]
    list_filter = ["election__community", "election", "station"]
    actions = ["discard_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("作废所选录入（须写明原因）"), permissions=["change"])
    def discard_selected(self, request, queryset):
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("confirm") and reason:
            run_service_on_each(
                request,
                items=queryset,
                service=lambda e: services.count_entry_discard(entry=e, reason=reason, actor=request.user),
                done_message=gettext("已作废%(n)d次录入。"),
            )
            return None
        if request.POST.get("confirm"):
            messages.error(request, gettext("请写明作废原因。"))
        return TemplateResponse(
            request,
            "admin/elections/countentry/discard.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("作废录入"),
                "entries": queryset,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


class ClosureForm(forms.ModelForm):
    class Meta:
        model = StationCount
        fields = ["scan", "difference_note"]


@admin.register(StationCount)
class StationCountAdmin(ScopedHistoryAdmin):
    community_field = "election__community"
    form = ClosureForm
    list_display = [
        "station",
        "election",
        *FIGURES,
        "checkins",
        "box_void",
        "committee_validated_at",
        "supervision_validated_at",
    ]
    list_select_related = ["station", "election"]
    list_filter = ["election__community", "election", "box_void"]
    actions = ["validate_selected"]
    readonly_fields = [
        "election",
        "station",
        *FIGURES,
        "checkins",
        "reconciled",
        "box_void",
        "void_reason",
        "committee_validated_by",
        "committee_validated_at",
        "supervision_validated_by",
        "supervision_validated_at",
    ]

    def get_fields(self, request, obj=None):
        return [
            *self.readonly_fields[:2],
            *FIGURES,
            "checkins",
            "reconciled",
            "box_void",
            "void_reason",
            "scan",
            "difference_note",
            *self.readonly_fields[-4:],
        ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("与登记人数核对"))
    def reconciled(self, obj):
        return reconciliation(obj) or gettext("一致")

    def save_model(self, request, obj, form, change):
        services.closure_record(
            count=obj,
            scan=form.cleaned_data.get("scan") if "scan" in form.changed_data else None,
            difference_note=form.cleaned_data.get("difference_note", ""),
            actor=request.user,
        )

    @admin.action(description=_("确认所选投票站计票结果"), permissions=["view"])
    def validate_selected(self, request, queryset):
        run_service_on_each(
            request,
            items=queryset,
            service=lambda c: services.closure_validate(count=c, actor=request.user),
            done_message=gettext("已确认%(n)d个投票站的计票结果。"),
        )
