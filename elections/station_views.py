"""The poll workers' station screen (投票站登记): a phone page for the station's own staff to find a
voter (name, household number or the last 4 ID characters) and check them in with one button.
Not the generic admin: one station, one task, large targets."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committee.models import Resident
from core.errors import RuleViolation
from elections.models import CheckIn, Election, PollingStation, Proxy, StationStaff, Voter
from elections.services.voting import check_in, station_voters


def _station(request: HttpRequest, election: Election, number: int) -> PollingStation:
    station = PollingStation.objects.filter(election=election.root, number=number).first()
    if station is None:
        raise Http404("no such station")
    if (
        not request.user.is_superuser
        and not StationStaff.objects.filter(station=station, user=request.user).exists()
    ):
        raise PermissionDenied(_("您不是本投票站的工作人员。"))
    return station


def _election(slug: str, pk: int) -> Election:
    election = (
        Election.objects.filter(community__slug=slug, pk=pk).select_related("community", "parent").first()
    )
    if election is None:
        raise Http404("no such election")
    return election


def _cards(election: Election, voters: list[Voter]) -> list[dict]:
    ids = [v.pk for v in voters]
    done = {
        c.voter_id: c
        for c in CheckIn.objects.filter(election=election, voter_id__in=ids).select_related(
            "station", "carried_by"
        )
    }
    carries: dict[int, list[str]] = {}
    carried_by: dict[int, str] = {}
    for p in Proxy.objects.filter(election=election).filter(proxy_id__in=ids).select_related("grantor"):
        carries.setdefault(p.proxy_id, []).append(p.grantor.name)
    for p in Proxy.objects.filter(election=election, grantor_id__in=ids).select_related("proxy"):
        carried_by[p.grantor_id] = p.proxy.name
    return [
        {
            "voter": v,
            "checkin": done.get(v.pk),
            "carries": carries.get(v.pk, []),
            "carried_by": carried_by.get(v.pk),
        }
        for v in voters
    ]


@staff_member_required
@require_http_methods(["GET"])
def station_screen(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    election = _election(slug, pk)
    station = _station(request, election, number)
    query = request.GET.get("q", "").strip()[:50]
    voters = list(station_voters(election=election, query=query)) if query else []
    context = {
        "community": election.community,
        "election": election,
        "station": station,
        "query": query,
        "cards": _cards(election, voters),
        "searched": bool(query),
        "voting_open": election.status == Election.Status.VOTING,
        "counting": election.status == Election.Status.COUNTING,
        "checked_in_here": CheckIn.objects.filter(election=election, station=station).count(),
    }
    response = render(request, "elections/station.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _scribe(election: Election, name: str) -> Resident | None:
    """The helper who fills the ballot of a voter who cannot write (代书), found by name among the
    community's residents; recorded on the check-in."""
    name = (name or "").strip()[:50]
    if not name:
        return None
    found = list(
        Resident.objects.filter(
            community_id=election.community_id, name=name, deceased_on__isnull=True, moved_out_on__isnull=True
        )[:2]
    )
    if not found:
        raise RuleViolation(_("本社区居民中没有找到代书人“%(name)s”，请核对姓名。") % {"name": name})
    if len(found) > 1:
        raise RuleViolation(
            _("本社区有多名居民叫“%(name)s”，请由选举委员会在后台登记代书人。") % {"name": name}
        )
    return found[0]


@staff_member_required
@require_POST
def station_check_in(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    election = _election(slug, pk)
    station = _station(request, election, number)
    query = request.POST.get("q", "")[:50]
    voter = Voter.objects.filter(pk=request.POST.get("voter") or 0).select_related("roll").first()
    if voter is None:
        messages.error(request, _("没有找到该选民，请重新查找。"))
    else:
        try:
            scribe = _scribe(election, request.POST.get("scribe", ""))
            rows = check_in(
                election=election, voter=voter, station=station, actor=request.user, scribe=scribe
            )
        except RuleViolation as e:
            for m in e.messages:
                messages.error(request, m)
        else:
            extra = len(rows) - 1
            if extra:
                messages.success(
                    request, _("已登记：%(name)s（另代投%(n)d人）。") % {"name": voter.name, "n": extra}
                )
            else:
                messages.success(request, _("已登记：%(name)s。") % {"name": voter.name})
    url = reverse("elections:station", args=[slug, pk, number])
    return HttpResponseRedirect(f"{url}?{urlencode({'q': query})}" if query else url)
