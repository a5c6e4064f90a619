"""Public pages of residents' opinions: the form (no login), the tracking page (status, public answer,
rating), the lookup by code, the monthly figures, and the building captains' report form (login).

The tracking page never shows the sender's contact; it is never cached or indexed (one resident's
item). Wrong codes are counted per address like the board's objection lookup.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from affairs.models.opinions import MUST_REPORT, Opinion
from affairs.services import opinions as services
from affairs.sheet_opinions import figures_by_month, recent_months
from committee.models import Building, BuildingCaptain
from core.errors import RuleViolation
from core.netaddr import client_address
from notices import pagecache
from notices.disclosure.content import scrub
from notices.views_objections import address_over_limit

LOOKUP_MISSES_PER_HOUR = 20
PUBLIC_KINDS = [
    Opinion.Category.SUGGESTION,
    Opinion.Category.INQUIRY,
    Opinion.Category.HELP,
    Opinion.Category.OBJECTION,
    *MUST_REPORT,
    Opinion.Category.OTHER,
]


class TelInput(forms.TextInput):
    input_type = "tel"


def _choices(kinds):
    labels = dict(Opinion.Category.choices)
    return [(k, labels[k]) for k in kinds]


class OpinionForm(forms.Form):
    category = forms.ChoiceField(
        label=_("类别"),
        choices=[
            ("", _("请选择")),
            (_("意见、咨询与求助"), _choices(PUBLIC_KINDS[:4])),
            (_("楼栋情况（八必报）"), _choices(MUST_REPORT)),
            (_("其他"), _choices([Opinion.Category.OTHER])),
        ],
    )
    body = forms.CharField(
        label=_("内容"),
        max_length=services.BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请写明什么事、在哪里、什么时候"),
    )
    location = forms.CharField(label=_("地点（选填）"), max_length=100, required=False,
                               help_text=_("如：3号楼2单元楼道"))  # fmt: skip
    name = forms.CharField(label=_("姓名（选填）"), max_length=50, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))  # fmt: skip
    phone = forms.CharField(
        label=_("联系电话（选填）"),
        max_length=30,
        required=False,
        widget=TelInput(attrs={"autocomplete": "tel"}),
        help_text=_("投诉与异议须填写姓名和电话；其他类别可匿名。电话只供居委会联系，不会公开。"),
    )


class ReportForm(forms.Form):
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), empty_label=None)
    category = forms.ChoiceField(label=_("必报事项"), choices=_choices(MUST_REPORT), widget=forms.RadioSelect)
    body = forms.CharField(label=_("情况说明"), max_length=services.BODY_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip
    location = forms.CharField(label=_("具体位置（选填）"), max_length=100, required=False)


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


def _form_errors(form: forms.Form, error: RuleViolation) -> str | None:
    if hasattr(error, "error_dict"):
        rest = []
        for field, msgs in error.message_dict.items():
            if field in form.fields:
                form.add_error(field, msgs)
            else:
                rest += msgs
        return " ".join(rest) or None
    return " ".join(error.messages)


@require_http_methods(["GET", "HEAD", "POST"])
def opinion_new(request: HttpRequest, slug: str) -> HttpResponse:
    community = pagecache.community_or_404(slug)
    form = OpinionForm(request.POST or None, initial={"category": request.GET.get("category", "")})
    context = {"community": community, "form": form}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                opinion = services.opinion_file(
                    community=community,
                    category=data["category"],
                    body=data["body"],
                    name=data["name"],
                    phone=data["phone"],
                    location=data["location"],
                    address=client_address(request),
                )
            except RuleViolation as e:
                context["error"] = _form_errors(form, e) or gettext("提交未成功，请检查下面标出的内容。")
                status = 429 if "频繁" in (context["error"] or "") else 400
                return _private(render(request, "affairs/opinions/new.html", context, status=status))
            url = reverse("affairs:opinion_track", kwargs={"slug": community.slug, "code": opinion.code})
            return redirect(f"{url}?{'again' if opinion.duplicate else 'new'}=1")
        context["error"] = gettext("提交未成功，请检查下面标出的内容。")
        return _private(render(request, "affairs/opinions/new.html", context, status=400))
    return _private(render(request, "affairs/opinions/new.html", context))


def _by_code(community, code: str) -> Opinion | None:
    canonical = services.normalize_code(code)
    if canonical is None:
        return None
    return Opinion.objects.filter(community=community, code=canonical).first()


def _missing(request: HttpRequest, community, value: str) -> HttpResponse:
    at = timezone.now()
    if address_over_limit(request, at, "opinion-lookup-miss", LOOKUP_MISSES_PER_HOUR):
        context = {"community": community, "refused": True, "value": value}
        return _private(render(request, "affairs/opinions/lookup.html", context, status=429))
    context = {
        "community": community,
        "value": value,
        "malformed": services.normalize_code(value) is None,
        "missing": True,
    }
    return _private(render(request, "affairs/opinions/lookup.html", context, status=404))


def _timeline(opinion: Opinion) -> list[tuple[str, object]]:
    steps = [(gettext("提交"), opinion.filed_at)]
    if opinion.acknowledged_at:
        steps.append((gettext("受理"), opinion.acknowledged_at))
    if opinion.answered_at:
        steps.append((gettext("答复"), opinion.answered_at))
    if opinion.closed_at:
        label = gettext("不予受理") if opinion.status == Opinion.Status.DISMISSED else gettext("办结")
        steps.append((label, opinion.closed_at))
    return steps


@require_GET
def opinion_track(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    community = pagecache.community_or_404(slug)
    opinion = _by_code(community, code)
    if opinion is None:
        return _missing(request, community, code)
    if services.normalize_code(code) != code:
        return redirect("affairs:opinion_track", slug=community.slug, code=opinion.code)
    S = Opinion.Status
    context = {
        "community": community,
        "opinion": opinion,
        "body": scrub(opinion.body),
        "new": request.GET.get("new") == "1",
        "again": request.GET.get("again") == "1",
        "rated": request.GET.get("rated") == "1",
        "timeline": _timeline(opinion),
        "can_rate": opinion.status in (S.ANSWERED, S.CLOSED) and not opinion.rating,
        "ratings": Opinion.Rating.choices,
        "answered": opinion.status in (S.ANSWERED, S.CLOSED, S.DISMISSED),
        # Said openly: the resident sees when the committee is late (DOMAIN.md: 事事有反馈).
        "late": not opinion.held
        and (
            (opinion.status == S.NEW and opinion.ack_due < timezone.localdate())
            or (opinion.status in (S.NEW, S.ASSIGNED) and opinion.answer_due < timezone.localdate())
        ),
    }
    return _private(render(request, "affairs/opinions/track.html", context))


@require_POST
def opinion_rate(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    community = pagecache.community_or_404(slug)
    opinion = _by_code(community, code)
    if opinion is None:
        return _missing(request, community, code)
    url = reverse("affairs:opinion_track", kwargs={"slug": community.slug, "code": opinion.code})
    try:
        services.opinion_rate(opinion=opinion, rating=request.POST.get("rating", ""))
    except RuleViolation as e:
        context = {
            "community": community,
            "opinion": opinion,
            "body": scrub(opinion.body),
            "timeline": _timeline(opinion),
            "can_rate": not opinion.rating,
            "ratings": Opinion.Rating.choices,
            "answered": True,
            "rate_error": " ".join(e.messages),
        }
        return _private(render(request, "affairs/opinions/track.html", context, status=400))
    return redirect(f"{url}?rated=1")


@require_GET
def opinion_lookup(request: HttpRequest, slug: str) -> HttpResponse:
    community = pagecache.community_or_404(slug)
    value = request.GET.get("code", "").strip()[:40]
    if not value:
        return _private(
            render(request, "affairs/opinions/lookup.html", {"community": community, "value": ""})
        )
    opinion = _by_code(community, value)
    if opinion is None:
        return _missing(request, community, value)
    return redirect("affairs:opinion_track", slug=community.slug, code=opinion.code)


@require_GET
def opinion_figures(request: HttpRequest, slug: str) -> HttpResponse:
    """The last six months' figures of the community (one query for the six)."""
    community = pagecache.community_or_404(slug)
    at = timezone.now()
    months = recent_months(timezone.localdate(at), 6)
    figures = figures_by_month(community_ids=[community.pk], months=months, at=at)
    rows = [(month, figures[community.pk, month]) for month in months]
    context = {"community": community, "rows": rows, "rules": community.rules}
    return render(request, "affairs/opinions/figures.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def captain_report(request: HttpRequest, slug: str) -> HttpResponse:
    """A confirmed building captain reports one of the eight must-report kinds for their building."""
    community = pagecache.community_or_404(slug)
    buildings = Building.objects.filter(
        community=community,
        captains__status=BuildingCaptain.Status.CONFIRMED,
        captains__resident__staff_user=request.user,
    ).distinct()
    if not buildings.exists():
        context = {"community": community, "not_captain": True}
        return _private(render(request, "affairs/opinions/report.html", context, status=403))
    form = ReportForm(request.POST or None)
    form.fields["building"].queryset = buildings
    context = {"community": community, "form": form}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                opinion = services.opinion_file(
                    community=community,
                    category=data["category"],
                    body=data["body"],
                    location=data["location"] or data["building"].name,
                    building=data["building"],
                    source=Opinion.Source.CAPTAIN,
                    reporter=request.user,
                )
            except RuleViolation as e:
                context["error"] = _form_errors(form, e)
            else:
                url = reverse("affairs:opinion_track", kwargs={"slug": community.slug, "code": opinion.code})
                return redirect(f"{url}?{'again' if opinion.duplicate else 'new'}=1")
        context.setdefault("error", gettext("提交未成功，请检查下面标出的内容。"))
        return _private(render(request, "affairs/opinions/report.html", context, status=400))
    return _private(render(request, "affairs/opinions/report.html", context))
