"""Public pages of the elections app: the voter-roll lookup (name + last 4 ID characters → on the
roll or not, and at which station; nothing else) and the candidacy lookup (the same form → the
nominee's own vetting result, condition by condition)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from elections import selectors
from elections.models import Election
from elections.services.roll import roll_lookup
from elections.tally_live import live_tally
from notices import pagecache
from notices.views_objections import _private, address_over_limit

# Lookups per hour from one address: a family checks a handful of names; guessing needs thousands.
ROLL_LOOKUPS_PER_HOUR = 20


@require_http_methods(["GET"])
def elections_index(request: HttpRequest, slug: str) -> HttpResponse:
    """The community's elections under way or done: step, election day, and the roll lookup.

    Drafts and rehearsals are not public; what each step posted is on the board itself.
    """
    community = pagecache.community_or_404(slug)
    elections = list(
        Election.objects.filter(community=community, rehearsal=False)
        .exclude(status=Election.Status.DRAFT)
        .select_related("roll", "recall_member")
        .order_by("-election_day", "-pk")[:20]
    )
    conditions = selectors.conditions_by_election(elections)
    rows = [
        {
            "election": e,
            "roll_posted": bool(getattr(e, "roll", None) and e.roll.posted_at),
            "conditions": conditions.get(e.pk, []),
            "candidacy_link": e.has_candidates and e.status in selectors.CANDIDACY_LINK_STATES,
        }
        for e in elections
    ]
    return render(request, "elections/index.html", {"community": community, "rows": rows})


@require_http_methods(["GET", "POST"])
def roll_lookup_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    community = pagecache.community_or_404(slug)
    election = (
        Election.objects.filter(community=community, pk=pk, rehearsal=False, roll__posted_at__isnull=False)
        .select_related("roll")
        .first()
    )
    if election is None:
        raise Http404("no posted roll")

    def answer(name: str, last4: str) -> dict:
        voter = roll_lookup(election=election, name=name, last4=last4)
        return {
            "found": voter is not None,
            "missing": voter is None,
            "station": voter.station if voter else None,
        }

    return _name_last4_lookup(request, community, election, "elections/roll_lookup.html", answer)


@require_http_methods(["GET", "POST"])
def candidacy_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A nominee looks up their own vetting result (DOMAIN.md: the applicant sees the reason), with
    the roll lookup's form and its flood limit (one bucket for both: guessing is guessing)."""
    community = pagecache.community_or_404(slug)
    election = Election.objects.filter(
        community=community, pk=pk, rehearsal=False, status__in=selectors.CANDIDACY_STATES
    ).first()
    if election is None or not election.has_candidates:
        raise Http404("no nominations")

    def answer(name: str, last4: str) -> dict:
        candidacy = selectors.candidacy_lookup(election=election, name=name, last4=last4)
        return {"candidacy": candidacy, "missing": candidacy is None}

    return _name_last4_lookup(request, community, election, "elections/candidacy.html", answer)


def _name_last4_lookup(request: HttpRequest, community, election, template: str, answer) -> HttpResponse:
    """A resident's own lookup by name and the last 4 ID characters (the roll, a nomination): the
    form, the hourly limit per address shared by every such page (guessing is guessing), and
    ``answer(name, last4)``'s context; never cached or indexed."""
    context: dict = {"community": community, "election": election, "name": "", "last4": ""}
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:50]
        last4 = request.POST.get("last4", "").strip().upper()[:4]
        context.update(name=name, last4=last4)
        if address_over_limit(request, timezone.now(), "roll-lookup", ROLL_LOOKUPS_PER_HOUR):
            context["refused"] = True
            return _private(render(request, template, context, status=429))
        if not name or len(last4) != 4:
            context["incomplete"] = True
        else:
            context.update(answer(name, last4))
    return _private(render(request, template, context))


# How often the tally page reloads itself while the count goes on (seconds).
TALLY_REFRESH_SECONDS = 30
TALLY_STATES = (Election.Status.COUNTING, Election.Status.RESULTS_POSTED, Election.Status.CLOSED)


@require_http_methods(["GET"])
def tally_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The live public tally (唱票进度), served from the board's page cache: every ballot entered or
    station count formed bumps the community's cache generation, so a reload shows it at once."""

    def _render(community, at):
        election = (
            Election.objects.filter(community=community, pk=pk, rehearsal=False, status__in=TALLY_STATES)
            .select_related("parent", "community")
            .first()
        )
        if election is None:
            raise Http404("no count under way")
        context = pagecache.render_context(
            {
                "community": community,
                "election": election,
                "tally": live_tally(election),
                "counting": election.status == Election.Status.COUNTING,
                "refresh": TALLY_REFRESH_SECONDS,
            }
        )
        return render(request, "elections/tally.html", context)

    return pagecache.serve(request, slug, _render)
