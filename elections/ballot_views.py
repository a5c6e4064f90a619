"""The recorder's ballot-by-ballot screen (唱票录入) on the station's phone or tablet: as the reader
calls out each ballot, tick the names (or the write-in, or void), save, next ballot; a mistyped
ballot is corrected (or one entered twice removed) with a written reason; at the end, sum the
station's ballots into its count entry. For the station's own staff only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Max, Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import RuleViolation
from elections.models import Ballot, BallotMark, Candidate, Election, PollingStation
from elections.services.ballots import (
    WriteIn,
    ballot_correct,
    ballot_count_submit,
    ballot_enter,
    ballot_figures,
    ballot_remove,
    ballot_summary,
    ballots_closed_reason,
)
from elections.station_views import _election, _station

RECENT = 10
MAX_INT = 2_147_483_647


def _int(value: str) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    # Beyond the database's integer column: treated as not a number, never a 500.
    return number if abs(number) <= MAX_INT else None


def _ballot(election: Election, station: PollingStation, number) -> Ballot:
    ballot = (
        Ballot.objects.filter(election=election, station=station, number=_int(number) or 0)
        .select_related("election", "station")
        .first()
    )
    if ballot is None:
        raise RuleViolation(_("本站没有该序号的选票记录。"))
    return ballot


def _post(request: HttpRequest, election: Election, station: PollingStation) -> None:
    """Enter a ballot, correct or remove one, or sum the station's ballots: what the form asks."""
    if request.POST.get("submit_count"):
        issued = _int(request.POST.get("issued"))
        result = ballot_count_submit(
            election=election,
            station=station,
            issued=issued if issued is not None else -1,
            actor=request.user,
        )
        messages.success(request, _("本站唱票结果已汇总提交，请另一名工作人员录入计票单核对。"))
        for line in result.differences:
            messages.error(request, line)
    elif request.POST.get("remove"):
        ballot = _ballot(election, station, request.POST.get("remove"))
        ballot_remove(ballot=ballot, reason=request.POST.get("reason", ""), actor=request.user)
        messages.success(request, _("第%(number)d号选票已删除，原因已记录。") % {"number": ballot.number})
    elif request.POST.get("correct"):
        ballot = _ballot(election, station, request.POST.get("correct"))
        correction = ballot_correct(
            ballot=ballot,
            reason=request.POST.get("reason", ""),
            actor=request.user,
            **_marks(request, election),
        )
        messages.success(
            request,
            _("第%(number)d号选票已更正为：%(after)s。")
            % {"number": ballot.number, "after": correction.after},
        )
    else:
        number = _int(request.POST.get("number"))
        if number is None:
            raise RuleViolation(_("选票序号须为正整数。"))
        ballot = ballot_enter(
            election=election, station=station, number=number, actor=request.user, **_marks(request, election)
        )
        messages.success(
            request,
            _("第%(number)d号选票已录入：%(kind)s。")
            % {"number": ballot.number, "kind": ballot.get_kind_display()},
        )


@staff_member_required
@require_http_methods(["GET", "POST"])
def ballot_screen(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    election = _election(slug, pk)
    station = _station(request, election, number)
    url = reverse("elections:station_ballots", args=[slug, pk, number])
    if request.method == "POST":
        try:
            _post(request, election, station)
        except RuleViolation as e:
            for m in e.messages:
                messages.error(request, m)
            # A refused correction stays on its form, so the recorder fixes the reason or the marks.
            target = request.POST.get("correct") or request.POST.get("remove")
            if target and _int(target):
                return HttpResponseRedirect(f"{url}?correct={_int(target)}")
        return HttpResponseRedirect(url)
    closed = ballots_closed_reason(election=election, station=station)
    correcting = None
    # Once the station's ballots are summed or formed the banner says why; no correction form.
    if request.GET.get("correct") and not closed:
        correcting = (
            Ballot.objects.filter(
                election=election, station=station, number=_int(request.GET["correct"]) or 0
            )
            .select_related("election")
            .prefetch_related(_marks_prefetch())
            .first()
        )
        if correcting is None:
            messages.error(request, _("本站没有该序号的选票记录。"))
    candidates = list(
        election.candidates.filter(status=Candidate.Status.OFFICIAL)
        .select_related("resident")
        .order_by("office", "pk")
    )
    labels = dict(Candidate._meta.get_field("office").choices)
    form = _form_values(correcting)
    offices: dict[str, dict] = {}
    for c in candidates:
        office = offices.setdefault(
            c.office,
            {
                "office": c.office,
                "label": labels.get(c.office, c.office),
                "candidates": [],
                "write_in": form["write_ins"].get(c.office, ""),
            },
        )
        office["candidates"].append((c, c.pk in form["candidates"]))
    last = Ballot.objects.filter(election=election, station=station).aggregate(n=Max("number"))["n"] or 0
    recent = list(
        Ballot.objects.filter(election=election, station=station)
        .select_related("election")
        .prefetch_related(_marks_prefetch())
        .order_by("-number")[:RECENT]
    )
    context = {
        "community": election.community,
        "election": election,
        "station": station,
        "offices": list(offices.values()),
        "next_number": last + 1,
        "figures": ballot_figures(election=election, station=station),
        "counting": election.status == Election.Status.COUNTING,
        "closed": closed,
        "recent": [(b, ballot_summary(b, marks=b.marks.all())) for b in recent],
        "correcting": correcting,
        "correcting_summary": ballot_summary(correcting, marks=correcting.marks.all()) if correcting else "",
        "form": form,
    }
    response = render(request, "elections/ballots.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _marks_prefetch() -> Prefetch:
    return Prefetch("marks", queryset=BallotMark.objects.select_related("candidate__resident"))


def _form_values(ballot: Ballot | None) -> dict:
    """What the correction form shows ticked and filled: the ballot as it was entered."""
    if ballot is None:
        return {"candidates": set(), "write_ins": {}, "choice": "", "void_reason": ""}
    marks = list(ballot.marks.all())
    return {
        "candidates": {m.candidate_id for m in marks if m.candidate_id},
        "write_ins": {m.office: m.write_in for m in marks if m.write_in},
        "choice": next((m.choice for m in marks if m.choice), ""),
        "void_reason": ballot.void_reason,
    }


def _marks(request: HttpRequest, election: Election) -> dict:
    """The marks ticked on the form, as ballot_enter and ballot_correct take them."""
    ids = [i for i in (_int(x) for x in request.POST.getlist("candidate")) if i is not None]
    write_ins = [
        WriteIn(office, request.POST.get(f"write_in_{office}", ""))
        for office in sorted({c.office for c in election.candidates.all()})
        if request.POST.get(f"write_in_{office}", "").strip()
    ]
    return {
        "candidate_ids": ids,
        "write_ins": write_ins,
        "choice": request.POST.get("choice", ""),
        "void_reason": request.POST.get("void_reason", ""),
    }
