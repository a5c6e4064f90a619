"""The recall petition (罢免联名) in the admin: staff type the paper signature sheets of either route
(voters: "name + last 4 ID characters" checked against the roll; residents' representatives: the same
lines checked against the current representatives) and see both routes' figures against their shares.
Writes go through ``elections.services``; one bad line refuses the whole page (nothing half-written)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import RuleViolation
from elections import services
from elections.flow import recall_petition
from elections.models import Election
from elections.services.candidates import parse_residents, parse_signers

SIGNING = (Election.Status.DRAFT, Election.Status.ROLL_POSTED, Election.Status.NOMINATIONS)


class RecallSignaturesForm(forms.Form):
    voters = forms.CharField(
        label=_("选民签名"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 40}),
        help_text=_("按纸质签名表逐行填写“姓名 身份证后四位”，如：张伟 1234；须在选民名单上"),
    )
    representatives = forms.CharField(
        label=_("居民代表签名"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 40}),
        help_text=_("按居民代表签名表逐行填写“姓名 身份证后四位”；须为本社区现任居民代表"),
    )


def petition_html(election: Election) -> str:
    """Both routes' figures today, for the change page."""
    if election.kind != Election.Kind.RECALL or getattr(election.root, "roll", None) is None:
        return "-"
    p = recall_petition(election, timezone.localdate())
    rules = election.community.rules
    return format_html(
        "{}<br>{}",
        gettext("选民联名：%(have)d人签名，须至少%(need)d人（选民%(n)d名的%(share)s）")
        % {"have": p.voters_signed, "need": p.voters_need, "n": p.voters, "share": rules.recall_voter_share},
        gettext("居民代表联名：%(have)d人签名，须至少%(need)d人（现任居民代表%(n)d名的%(share)s）")
        % {
            "have": p.representatives_signed,
            "need": p.representatives_need,
            "n": p.representatives,
            "share": rules.recall_representative_share,
        },
    )


def recall_signatures_view(model_admin, request, object_id):
    obj = model_admin.get_object(request, object_id)
    if obj is None or obj.kind != Election.Kind.RECALL:
        raise Http404(gettext("没有该罢免表决。"))
    if not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    change_url = reverse("admin:elections_election_change", args=[obj.pk])
    form = RecallSignaturesForm(request.POST or None)
    if request.method == "POST" and obj.status in SIGNING and form.is_valid():
        try:
            with transaction.atomic():
                voters = parse_signers(election=obj, text=form.cleaned_data["voters"])
                residents = parse_residents(election=obj, text=form.cleaned_data["representatives"])
                if not voters and not residents:
                    raise RuleViolation(_("请填写签名人。"))
                if voters:
                    services.recall_sign(election=obj, signers=voters, actor=request.user)
                if residents:
                    services.recall_representative_sign(election=obj, residents=residents, actor=request.user)
        except RuleViolation as e:
            for m in e.messages:
                messages.error(request, m)
        else:
            messages.success(
                request,
                gettext("已录入罢免联名签名：选民%(voters)d人，居民代表%(reps)d人。")
                % {"voters": len(voters), "reps": len(residents)},
            )
            return HttpResponseRedirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": obj,
        "title": gettext("录入罢免联名签名"),
        "form": form,
        "figures": petition_html(obj),
        "closed": obj.status not in SIGNING,
        "return_url": change_url,
    }
    return TemplateResponse(request, "admin/elections/election/recall_signatures.html", context)
