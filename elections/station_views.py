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
from core.idnumbers import mask_id
from elections.models import CheckIn, Election, PollingStation, Proxy, StationStaff, Voter
from elections.services.scribes import MATCHES, scribe_matches
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
    scribe_query = request.GET.get("scribe_q", "").strip()[:50]
    scribe_for, scribe_rows, scribe_more = _scribe_choices(
        election, request.GET.get("scribe_for", ""), scribe_query
    )
    context = {
        "community": election.community,
        "election": election,
        "station": station,
        "query": query,
        "cards": _cards(election, voters),
        "scribe_for": scribe_for,
        "scribe_query": scribe_query,
        "scribe_rows": scribe_rows,
        "scribe_more": scribe_more,
        "searched": bool(query),
        "voting_open": election.status == Election.Status.VOTING,
        "counting": election.status == Election.Status.COUNTING,
        "checked_in_here": CheckIn.objects.filter(election=election, station=station).count(),
    }
    response = render(request, "elections/station.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _pk(value: str) -> int | None:
    """A primary key from a form field, or None for anything else (never a 500 on a forged value)."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


class _ChooseScribe(Exception):
    """Several residents match what was typed for the helper: the poll worker picks one."""


def _scribe(election: Election, request: HttpRequest) -> Resident | None:
    """The helper who fills the ballot of a voter who cannot write (代书): picked from a list
    (``scribe_id``) or typed (``scribe``: name, household number or the last 4 ID characters)."""
    picked = request.POST.get("scribe_id", "")
    if picked:
        scribe = Resident.objects.filter(pk=_pk(picked) or 0, community_id=election.community_id).first()
        if scribe is None:
            raise RuleViolation(_("没有找到该代书人，请重新查找。"))
        return scribe
    query = (request.POST.get("scribe") or "").strip()[:50]
    if not query:
        return None
    found = scribe_matches(election=election, query=query, limit=2)
    if not found:
        raise RuleViolation(
            _("本社区居民中没有找到代书人“%(name)s”，请核对姓名、户号或身份证后四位。") % {"name": query}
        )
    if len(found) > 1:
        raise _ChooseScribe
    return found[0]


def _scribe_choices(election: Election, voter_id: str, query: str) -> tuple[int | None, list[dict], bool]:
    """The residents the poll worker may mean as the helper of one voter: (voter pk, rows, more)."""
    if _pk(voter_id) is None or not query:
        return None, [], False
    found = scribe_matches(election=election, query=query)
    rows = [
        {
            "resident": r,
            "place": " ".join(
                str(x)
                for x in (r.household.group.name, r.household.building and r.household.building.name)
                if x
            ),
            "masked_id": mask_id(r.id_number),
        }
        for r in found[:MATCHES]
    ]
    return _pk(voter_id), rows, len(found) > MATCHES


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
            scribe = _scribe(election, request)
            rows = check_in(
                election=election, voter=voter, station=station, actor=request.user, scribe=scribe
            )
        except _ChooseScribe:
            messages.warning(request, _("有多名居民符合，请在下面选定代书人。"))
            url = reverse("elections:station", args=[slug, pk, number])
            params = {"q": query, "scribe_for": voter.pk, "scribe_q": request.POST.get("scribe", "")[:50]}
            return HttpResponseRedirect(f"{url}?{urlencode(params)}")
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
