"""Admin of nominations and vetting: a nomination typed from the paper form (signatures as "name +
last 4 ID characters" lines), vetting condition by condition with grounds, the reasons shown."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_base import CommunityScopedAdmin, CommunityScopedTabularInline, ScopedHistoryAdmin
from core.errors import RuleViolation
from elections import services
from elections.admin.election import register_step
from elections.models import Candidate, CandidateCondition, Election, Vetting
from elections.services.candidates import parse_signers, rejection_reasons

register_step("post_candidates", services.election_post_candidates)


class NominationForm(forms.ModelForm):
    signers = forms.CharField(
        label=_("联名签名人"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("联名提名时按纸质签名表逐行填写“姓名 身份证后四位”，如：张伟 1234"),
    )

    class Meta:
        model = Candidate
        fields = ["election", "resident", "office", "kind"]

    def clean(self):
        data = super().clean()
        election = data.get("election")
        if election is not None and data.get("kind") == Candidate.Kind.JOINT:
            try:
                data["signer_voters"] = parse_signers(election=election, text=data.get("signers", ""))
            except RuleViolation as e:
                raise forms.ValidationError(e.messages) from e
        return data


class VettingInline(CommunityScopedTabularInline):
    model = Vetting
    extra = 0
    fields = ["condition", "passed", "grounds", "officer", "at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CandidateCondition)
class CandidateConditionAdmin(CommunityScopedAdmin):
    community_field = "election__community"
    list_display = ["election", "number", "text"]
    list_filter = ["election__community", "election"]
    fields = ["election", "text"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = services.condition_add(
            election=form.cleaned_data["election"], text=form.cleaned_data["text"], actor=request.user
        )
        obj.pk, obj.number = created.pk, created.number
        obj._state.adding = False


@admin.register(Candidate)
class CandidateAdmin(ScopedHistoryAdmin):
    community_field = "election__community"
    form = NominationForm
    list_display = ["resident", "office", "election", "kind", "status", "signature_count", "vet_link"]
    list_select_related = ["resident", "election"]
    list_filter = ["election__community", "election", "office", "status", "kind"]
    search_fields = ["resident__name"]
    autocomplete_fields = ["resident"]
    inlines = [VettingInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["election", "resident", "office", "kind", "signers"]
        return [
            "election",
            "resident",
            "office",
            "kind",
            "status",
            "nominated_at",
            "vetted_by",
            "vetted_at",
            "reasons",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    @admin.display(description=_("签名人数"))
    def signature_count(self, obj):
        return obj.signatures.count() if obj.kind == Candidate.Kind.JOINT else "-"

    @admin.display(description=_("未通过原因"))
    def reasons(self, obj):
        found = rejection_reasons(obj)
        if not found:
            return "-"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((r,) for r in found)))

    @admin.display(description=_("资格审查"))
    def vet_link(self, obj):
        if obj.status != Candidate.Status.NOMINATED or obj.election.status != Election.Status.VETTING:
            return obj.get_status_display()
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:elections_candidate_vet", args=[obj.pk]),
            gettext("审查"),
        )

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = services.candidate_nominate(
            election=form.cleaned_data["election"],
            resident=form.cleaned_data["resident"],
            office=form.cleaned_data["office"],
            kind=form.cleaned_data["kind"],
            signers=form.cleaned_data.get("signer_voters", []),
            actor=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def get_urls(self):
        return [
            path(
                "<path:object_id>/vet/",
                self.admin_site.admin_view(self.vet_view),
                name="elections_candidate_vet",
            ),
            *super().get_urls(),
        ]

    def vet_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404(gettext("没有该候选人。"))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        conditions = list(obj.election.conditions.all())
        change_url = reverse("admin:elections_candidate_change", args=[obj.pk])
        if request.method == "POST":
            results = {
                c.pk: (request.POST.get(f"passed_{c.pk}") == "1", request.POST.get(f"grounds_{c.pk}", ""))
                for c in conditions
                if request.POST.get(f"passed_{c.pk}") in ("0", "1")
            }
            try:
                services.candidate_vet(candidate=obj, results=results, actor=request.user)
            except RuleViolation as e:
                for m in e.messages:
                    messages.error(request, m)
            else:
                obj.refresh_from_db()
                messages.success(
                    request,
                    gettext("已审查：%(name)s，%(status)s。")
                    % {"name": obj.resident.name, "status": obj.get_status_display()},
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": gettext("资格审查：%(name)s") % {"name": obj.resident.name},
            "conditions": conditions,
            "return_url": change_url,
        }
        return TemplateResponse(request, "admin/elections/candidate/vet.html", context)
