"""Admin of the committee's offices: terms with their seats, representatives and supervision members.

The term's rules (seat count, no committee member nor close relative of one on the supervision
committee) are checked under the term's row lock, the same as ``committee.services.offices``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committee import services
from committee.models import (
    CommitteeSeat,
    CommitteeTerm,
    Representative,
    SupervisionMember,
)
from committee.selectors import supervision_conflict
from core.admin_base import (
    CommunityScopedTabularInline,
    ScopedHistoryAdmin,
)
from core.errors import RuleViolation


class SeatFormSet(forms.BaseInlineFormSet):
    """Seats of one term: never more than ``rules.seats_max``; no supervision member's kin."""

    def clean(self):
        super().clean()
        term = self.instance
        if any(self.errors) or not term.community_id:
            return
        if term.pk:
            term = services.lock_term(term)
        active = 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            if form.cleaned_data.get("ended_on") is None:
                active += 1
                resident = form.cleaned_data.get("resident")
                if resident is not None and term.pk and form.has_changed():
                    try:
                        services.seat_supervision_check(term=term, resident=resident)
                    except RuleViolation as e:
                        form.add_error("resident", e.messages)
        seats_max = term.community.rules.seats_max
        if active > seats_max:
            raise forms.ValidationError(
                gettext("在任居委会成员%(n)d名，超过最多%(max)d名的规定。") % {"n": active, "max": seats_max}
            )


class SupervisionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.pk and not any(self.errors):
            services.lock_term(self.instance)  # held until the admin's transaction commits


class SeatInline(CommunityScopedTabularInline):
    model = CommitteeSeat
    formset = SeatFormSet
    extra = 0
    fields = ["role", "resident", "starts_on", "ended_on"]
    autocomplete_fields = ["resident"]


class RepresentativeInline(CommunityScopedTabularInline):
    model = Representative
    extra = 0
    fields = ["group", "resident", "elected_on", "ended_on"]
    autocomplete_fields = ["resident"]


class SupervisionInline(CommunityScopedTabularInline):
    model = SupervisionMember
    formset = SupervisionFormSet
    extra = 0
    fields = ["role", "resident", "elected_on", "ended_on"]
    autocomplete_fields = ["resident"]


@admin.register(CommitteeTerm)
class CommitteeTermAdmin(ScopedHistoryAdmin):
    community_field = "community"
    list_display = ["__str__", "community", "number", "starts_on", "ends_on", "seat_count"]
    list_select_related = ["community"]
    list_filter = ["community"]
    search_fields = ["community__name"]
    inlines = [SeatInline, RepresentativeInline, SupervisionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_seats=Count("seats", filter=Q(seats__ended_on__isnull=True)))
        )

    @admin.display(description=_("在任成员"), ordering="_seats")
    def seat_count(self, obj):
        return obj._seats

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        term = form.instance
        # Seats and supervisors edited in one submission are each fine alone; check them together.
        for member in SupervisionMember.objects.filter(term=term, ended_on__isnull=True).select_related(
            "resident"
        ):
            problem = supervision_conflict(resident=member.resident, term=term)
            if problem:
                raise RuleViolation(problem)
        for warning in services.seat_warnings(term):
            messages.warning(request, warning)


class SeatAdminForm(forms.ModelForm):
    class Meta:
        model = CommitteeSeat
        fields = ["term", "resident", "role", "starts_on", "ended_on"]

    def clean(self):
        cleaned = super().clean()
        term, resident = cleaned.get("term"), cleaned.get("resident")
        if term and resident:
            term = services.lock_term(term)
            active = cleaned.get("ended_on") is None
            try:
                services.seat_check(
                    term=term, resident=resident, exclude_pk=self.instance.pk, adding=int(active)
                )
            except RuleViolation as e:
                raise forms.ValidationError(e.messages) from e
        return cleaned


@admin.register(CommitteeSeat)
class CommitteeSeatAdmin(ScopedHistoryAdmin):
    community_field = "term__community"
    form = SeatAdminForm
    list_display = ["resident", "role", "term", "starts_on", "ended_on"]
    list_select_related = ["resident", "term", "term__community"]
    list_filter = ["term__community", "role"]
    search_fields = ["resident__name"]
    autocomplete_fields = ["resident"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for warning in services.seat_warnings(obj.term):
            messages.warning(request, warning)


@admin.register(Representative)
class RepresentativeAdmin(ScopedHistoryAdmin):
    community_field = "term__community"
    list_display = ["resident", "group", "term", "elected_on", "ended_on"]
    list_select_related = ["resident", "group", "term", "term__community"]
    list_filter = ["term__community", "group"]
    search_fields = ["resident__name"]
    autocomplete_fields = ["resident"]


class SupervisionAdminForm(forms.ModelForm):
    class Meta:
        model = SupervisionMember
        fields = ["term", "resident", "role", "elected_on", "ended_on"]

    def clean(self):
        cleaned = super().clean()
        term, resident = cleaned.get("term"), cleaned.get("resident")
        if term and resident and (self.instance.pk is None or {"term", "resident"} & set(self.changed_data)):
            # The rule is the service's; the term's lock makes a concurrent seat add wait for us.
            services.supervision_check(term=services.lock_term(term), resident=resident)
        return cleaned


@admin.register(SupervisionMember)
class SupervisionMemberAdmin(ScopedHistoryAdmin):
    community_field = "term__community"
    form = SupervisionAdminForm
    list_display = ["resident", "role", "term", "elected_on", "ended_on"]
    list_select_related = ["resident", "term", "term__community"]
    list_filter = ["term__community", "role"]
    search_fields = ["resident__name"]
    autocomplete_fields = ["resident"]
