"""The recorder's ballot-by-ballot screen (唱票录入) on the station's phone or tablet: as the reader
calls out each ballot, tick the names (or the write-in, or void), save, next ballot; at the end,
sum the station's ballots into its count entry. For the station's own staff only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import RuleViolation
from elections.models import Ballot, Candidate, Election
from elections.services.ballots import WriteIn, ballot_count_submit, ballot_enter, ballot_figures
from elections.station_views import _election, _station


def _int(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@staff_member_required
@require_http_methods(["GET", "POST"])
def ballot_screen(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    election = _election(slug, pk)
    station = _station(request, election, number)
    url = reverse("elections:station_ballots", args=[slug, pk, number])
    if request.method == "POST":
        try:
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
            else:
                ballot = _enter(request, election, station)
                messages.success(
                    request,
                    _("第%(number)d号选票已录入：%(kind)s。")
                    % {"number": ballot.number, "kind": ballot.get_kind_display()},
                )
        except RuleViolation as e:
            for m in e.messages:
                messages.error(request, m)
        return HttpResponseRedirect(url)
    candidates = list(
        election.candidates.filter(status=Candidate.Status.OFFICIAL)
        .select_related("resident")
        .order_by("office", "pk")
    )
    labels = dict(Candidate._meta.get_field("office").choices)
    offices: dict[str, list[Candidate]] = {}
    for c in candidates:
        offices.setdefault(c.office, []).append(c)
    last = Ballot.objects.filter(election=election, station=station).aggregate(n=Max("number"))["n"] or 0
    context = {
        "community": election.community,
        "election": election,
        "station": station,
        "offices": [(o, labels.get(o, o), cs) for o, cs in offices.items()],
        "next_number": last + 1,
        "figures": ballot_figures(election=election, station=station),
        "counting": election.status == Election.Status.COUNTING,
    }
    response = render(request, "elections/ballots.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _enter(request: HttpRequest, election: Election, station) -> Ballot:
    number = _int(request.POST.get("number"))
    if number is None:
        raise RuleViolation(_("选票序号须为正整数。"))
    ids = [i for i in (_int(x) for x in request.POST.getlist("candidate")) if i is not None]
    write_ins = [
        WriteIn(office, request.POST.get(f"write_in_{office}", ""))
        for office in {c.office for c in election.candidates.all()}
        if request.POST.get(f"write_in_{office}", "").strip()
    ]
    return ballot_enter(
        election=election,
        station=station,
        number=number,
        candidate_ids=ids,
        write_ins=write_ins,
        choice=request.POST.get("choice", ""),
        void_reason=request.POST.get("void_reason", ""),
        actor=request.user,
    )
