"""The form of each step a case officer takes on the case's page, and the service it calls."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assistance import services
from assistance.models import Case
from committee.models import Representative, Resident, ResidentsGroup
from core.models import User

NOTE = {"widget": forms.Textarea(attrs={"rows": 3})}


class StepForm(forms.Form):
    """``run(case, actor)`` calls the step's service with the cleaned data."""

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def run(self, *, actor):  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class VisitForm(StepForm):
    visitors = forms.ModelMultipleChoiceField(
        label=_("调查人员（至少两人）"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    visited_on = forms.DateField(label=_("调查日期"), initial=timezone.localdate)
    photo_1 = forms.FileField(label=_("照片"))
    photo_2 = forms.FileField(label=_("照片（可选）"), required=False)
    photo_3 = forms.FileField(label=_("照片（可选）"), required=False)
    findings = forms.CharField(label=_("调查情况"), **NOTE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitors"].queryset = User.objects.filter(
            is_active=True, staff_profile__communities=self.case.community_id
        ).order_by("full_name", "pk")

    def run(self, *, actor):
        d = self.cleaned_data
        return services.case_visit(
            case=self.case,
            visitors=d["visitors"],
            photos=[d.get("photo_1"), d.get("photo_2"), d.get("photo_3")],
            findings=d["findings"],
            visited_on=d["visited_on"],
            actor=actor,
        )


class InvestigationForm(StepForm):
    cross = False
    group = forms.ModelChoiceField(label=_("调查小组"), queryset=ResidentsGroup.objects.none())
    leader = forms.ModelChoiceField(label=_("组长"), queryset=Resident.objects.none())
    representatives = forms.ModelMultipleChoiceField(
        label=_("居民代表"), queryset=Resident.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    investigated_on = forms.DateField(label=_("调查日期"), initial=timezone.localdate)
    household_size = forms.IntegerField(label=_("核实家庭人口"))
    monthly_income = forms.DecimalField(label=_("核实家庭月收入（元）"), max_digits=10, decimal_places=2)
    assets_value = forms.DecimalField(
        label=_("核实家庭资产（元）"), max_digits=12, decimal_places=2, initial=0
    )
    findings = forms.CharField(label=_("调查结论"), **NOTE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        community = self.case.community_id
        day = timezone.localdate()
        self.fields["group"].queryset = ResidentsGroup.objects.filter(community_id=community)
        self.fields["leader"].queryset = Resident.objects.filter(
            pk__in=ResidentsGroup.objects.filter(community_id=community).values("leader_id")
        )
        self.fields["representatives"].queryset = Resident.objects.filter(
            pk__in=Representative.objects.filter(
                term__community_id=community,
                term__starts_on__lte=day,
                term__ends_on__gt=day,
                ended_on__isnull=True,
            ).values("resident_id")
        ).order_by("household__group__number", "name")

    def run(self, *, actor):
        d = dict(self.cleaned_data)
        fn = services.case_cross_investigate if self.cross else services.case_investigate
        return fn(case=self.case, actor=actor, **d)


class CrossInvestigationForm(InvestigationForm):
    cross = True


class NoteForm(StepForm):
    note = forms.CharField(label=_("意见"), required=False, **NOTE)


class AgreeForm(NoteForm):
    def run(self, *, actor):
        return services.case_applicant_response(
            case=self.case, agrees=True, note=self.cleaned_data["note"], actor=actor
        )


class DisputeForm(StepForm):
    note = forms.CharField(label=_("申请人的异议及理由"), **NOTE)

    def run(self, *, actor):
        return services.case_applicant_response(
            case=self.case, agrees=False, note=self.cleaned_data["note"], actor=actor
        )


class CompareForm(NoteForm):
    def run(self, *, actor):
        return services.case_compare(case=self.case, note=self.cleaned_data["note"], actor=actor)


class SurpriseVisitForm(StepForm):
    visited_on = forms.DateField(label=_("走访日期"), initial=timezone.localdate)
    findings = forms.CharField(label=_("走访情况"), **NOTE)

    def run(self, *, actor):
        return services.case_surprise_visit(
            case=self.case,
            findings=self.cleaned_data["findings"],
            visited_on=self.cleaned_data["visited_on"],
            actor=actor,
        )


class ReviewForm(StepForm):
    note = forms.CharField(label=_("居委会评议意见"), **NOTE)
    monthly_amount = forms.DecimalField(
        label=_("拟救助金额（元/月）"), max_digits=10, decimal_places=2, required=False
    )

    def run(self, *, actor):
        return services.case_review(
            case=self.case,
            note=self.cleaned_data["note"],
            monthly_amount=self.cleaned_data["monthly_amount"],
            actor=actor,
        )


class ScoreForm(StepForm):
    representative = forms.ModelChoiceField(label=_("居民代表"), queryset=Resident.objects.none())
    score = forms.IntegerField(label=_("分数（0–100）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every resident of the community can be chosen: the service refuses a non-representative
        # with a message, so a wrong pick is explained rather than hidden.
        self.fields["representative"].queryset = Resident.objects.filter(
            community_id=self.case.community_id,
            pk__in=Representative.objects.filter(term__community_id=self.case.community_id).values(
                "resident_id"
            ),
        )

    def run(self, *, actor):
        return services.case_score(
            case=self.case,
            representative=self.cleaned_data["representative"],
            score=self.cleaned_data["score"],
            actor=actor,
        )


class CloseScoringForm(StepForm):
    def run(self, *, actor):
        return services.case_close_scoring(case=self.case, actor=actor)


class ReportForm(NoteForm):
    def run(self, *, actor):
        return services.case_report(case=self.case, note=self.cleaned_data["note"], actor=actor)


class StreetAcceptForm(NoteForm):
    def run(self, *, actor):
        return services.case_street_decision(
            case=self.case, accepted=True, note=self.cleaned_data["note"], actor=actor
        )


class StreetReturnForm(StepForm):
    note = forms.CharField(label=_("街道退回理由"), **NOTE)

    def run(self, *, actor):
        return services.case_street_decision(
            case=self.case, accepted=False, note=self.cleaned_data["note"], actor=actor
        )


class RejectForm(StepForm):
    note = forms.CharField(label=_("不予认定的理由"), **NOTE)

    def run(self, *, actor):
        return services.case_reject(case=self.case, note=self.cleaned_data["note"], actor=actor)


class EndForm(StepForm):
    note = forms.CharField(label=_("停止救助的理由"), **NOTE)

    def run(self, *, actor):
        return services.case_end(case=self.case, note=self.cleaned_data["note"], actor=actor)


STEP_FORMS: dict[str, type[StepForm]] = {
    "visit": VisitForm,
    "investigate": InvestigationForm,
    "applicant_agree": AgreeForm,
    "applicant_dispute": DisputeForm,
    "cross_investigate": CrossInvestigationForm,
    "compare": CompareForm,
    "surprise_visit": SurpriseVisitForm,
    "review": ReviewForm,
    "score": ScoreForm,
    "close_scoring": CloseScoringForm,
    "report": ReportForm,
    "street_accept": StreetAcceptForm,
    "street_return": StreetReturnForm,
    "reject": RejectForm,
    "end": EndForm,
}
