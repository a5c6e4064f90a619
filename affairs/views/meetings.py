"""Public pages of meetings: the meetings page (upcoming public meetings, decided motions with their
tally, rejected ones with their reason), the iCalendar feed of upcoming public meetings, and the
minutes PDF of a public meeting once its minutes are final."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from affairs import meetings_ics
from affairs.minutes_pdf import render_minutes
from affairs.models.meetings import Meeting
from affairs.models.motions import Motion
from core.netaddr import client_address
from notices.cache import CACHE_ERRORS
from notices.pagecache import community_or_404

S = Motion.State
# Motions the public sees: from the vote on (and those dropped before it, with the reason).
PUBLIC_MOTION_STATES = [
    S.VOTING,
    S.RESOLVED,
    S.REJECTED,
    S.RESOLUTION_POSTED,
    S.IMPLEMENTING,
    S.RESULT_POSTED,
]
PAST_DAYS = 90


def upcoming_public_meetings(community, at: dt.datetime):
    # A meeting that started within the last 6 hours is still "on" (the feed keeps it for the day).
    return Meeting.objects.filter(
        community=community, is_public=True, starts_at__gte=at - dt.timedelta(hours=6)
    ).order_by("starts_at", "pk")


@require_GET
def meetings_page(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    at = timezone.now()
    upcoming = list(upcoming_public_meetings(community, at)[:20])
    past = list(
        Meeting.objects.filter(
            community=community,
            is_public=True,
            starts_at__lt=at - dt.timedelta(hours=6),
            starts_at__gte=at - dt.timedelta(days=PAST_DAYS),
        ).order_by("-starts_at")[:20]
    )
    motions = list(
        Motion.objects.filter(community=community, state__in=PUBLIC_MOTION_STATES)
        .select_related("meeting", "resolution_posting", "result_posting")
        .order_by("-vote_closed_at", "-proposed_on", "-pk")[:30]
    )
    return render(
        request,
        "affairs/meetings/public.html",
        {"community": community, "upcoming": upcoming, "past": past, "motions": motions},
    )


@require_GET
def meetings_ics_view(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_or_404(slug)
    meetings = list(upcoming_public_meetings(community, timezone.now())[:200])
    page_url = request.build_absolute_uri(f"/c/{community.slug}/meetings/")
    body = meetings_ics.calendar_bytes(community=community, meetings=meetings, page_url=page_url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{community.slug}-meetings.ics"'
    return response


@require_GET
def minutes_pdf(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Only public meetings whose minutes are final: a draft is never a public document."""
    community = community_or_404(slug)
    meeting = (
        Meeting.objects.filter(community=community, pk=pk, is_public=True, closed_at__isnull=False)
        .select_related("community")
        .first()
    )
    if meeting is None:
        raise Http404("no such minutes")
    # Final minutes never change, and an assembly's minutes take seconds to render (measured: 6.5 s
    # for 8 pages, 120 members): render once, then serve from the cache.
    key = f"affairs:minutes:{meeting.pk}:{meeting.closed_at.timestamp():.0f}"
    try:
        data = cache.get(key)
    except CACHE_ERRORS:  # a cache outage must not take the page down
        data = None
    if data is None:
        data, _pages = render_minutes(meeting)
        try:
            cache.set(key, data, 7 * 24 * 3600)
        except CACHE_ERRORS:
            pass
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.pdf"'
    return response


def _ranking_form(consultation, data=None):
    from django import forms

    n = len(consultation.item_list)
    form = forms.Form(data)
    for i, item in enumerate(consultation.item_list):
        form.fields[f"item{i}"] = forms.TypedChoiceField(
            label=item, coerce=int, choices=[("", "—")] + [(k, str(k)) for k in range(1, n + 1)]
        )
    return form


def consultation_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The questionnaire: rank the items by urgency (1 = most urgent); results once it has closed."""
    from affairs.models.consultations import Consultation
    from affairs.services import consultations as services
    from core.errors import RuleViolation

    community = community_or_404(slug)
    consultation = Consultation.objects.filter(community=community, pk=pk).first()
    if consultation is None:
        raise Http404("no such consultation")
    at = timezone.now()
    form = _ranking_form(consultation, request.POST if request.method == "POST" else None)
    done = False
    if request.method == "POST" and form.is_valid():
        ranking = [form.cleaned_data[f"item{i}"] for i in range(len(consultation.item_list))]
        try:
            services.response_submit(
                consultation=consultation, ranking=ranking, address=client_address(request), at=at
            )
        except RuleViolation as e:
            form.add_error(None, "；".join(e.messages))
        else:
            done = True
    closed = at >= consultation.closes_at
    count, rows = services.results(consultation) if closed else (0, [])
    return render(
        request,
        "affairs/meetings/consultation.html",
        {
            "community": community,
            "consultation": consultation,
            "form": form,
            "done": done,
            "open": consultation.is_open(at),
            "closed": closed,
            "count": count,
            "rows": rows,
        },
        status=400 if request.method == "POST" and not done else 200,
    )
