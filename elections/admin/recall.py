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
from elections.services.candidates import parse_signers
from elections.services.recall import parse_residents

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


class RecallAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("被罢免人书面申辩"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 70}),
        max_length=5000,
        help_text=_(
            "按被罢免人提交的书面申辩照录。申辩将在本社区“选举”页面公开，请勿写身份证号码或手机号码。"
        ),
        error_messages={
            "required": _("请填写书面申辩内容。"),
            "max_length": _("书面申辩不能超过%(limit_value)d字。"),
        },
    )


def answer_html(election: Election) -> str:
    """The member's written answer on the change page, with the button while it may be recorded."""
    from elections.services.recall import RECALL_ANSWER_STATES

    text = election.recall_answer or gettext("尚未提交")
    if election.status not in RECALL_ANSWER_STATES:
        return text
    return format_html(
        '{}<p><a class="button" href="{}">{}</a></p>',
        text,
        reverse("admin:elections_election_recall_answer", args=[election.pk]),
        gettext("记录书面申辩"),
    )


def recall_answer_view(model_admin, request, object_id):
    from elections.services.recall import RECALL_ANSWER_STATES

    obj = model_admin.get_object(request, object_id)
    if obj is None or obj.kind != Election.Kind.RECALL:
        raise Http404(gettext("没有该罢免表决。"))
    if not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    change_url = reverse("admin:elections_election_change", args=[obj.pk])
    form = RecallAnswerForm(request.POST or None, initial={"answer": obj.recall_answer})
    closed = obj.status not in RECALL_ANSWER_STATES
    if request.method == "POST" and not closed and form.is_valid():
        try:
            services.recall_answer_record(
                election=obj, answer=form.cleaned_data["answer"], actor=request.user
            )
        except RuleViolation as e:
            for field, errors in getattr(e, "message_dict", {"__all__": e.messages}).items():
                for m in errors:
                    form.add_error("answer" if field == "recall_answer" else None, m)
        else:
            messages.success(request, gettext("已记录被罢免人书面申辩，选举页面同步公开。"))
            return HttpResponseRedirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": obj,
        "title": gettext("记录被罢免人书面申辩"),
        "form": form,
        "reasons": [gettext("投票已经开始，不能再记录书面申辩。")] if closed else [],
        "intro": gettext(
            "被罢免人%(name)s可以书面提出申辩意见；申辩将与罢免表决一同在选举页面公开，供选民投票前阅读。"
            "再次提交将更新记录（修改留有历史记录）。"
        )
        % {"name": obj.recall_member.name if obj.recall_member_id else ""},
        "submit_label": gettext("保存书面申辩"),
        "return_url": change_url,
    }
    return TemplateResponse(request, "admin/elections/election/record_form.html", context)
