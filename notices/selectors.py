"""Reads of the board. Visibility is computed here, from the window, at read time."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.models import Community
from notices.models import Category, Objection, Posting


def visible_q(at: dt.datetime) -> Q:
    """Public exactly when released, ``publish_at <= at`` and ``at`` is before every end."""
    return (
        Q(state=Posting.State.RELEASED, publish_at__lte=at)
        & (Q(expire_at__isnull=True) | Q(expire_at__gt=at))
        & (Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at))
        & (Q(replaced_at__isnull=True) | Q(replaced_at__gt=at))
    )


def postings_visible(*, community: Community, at: dt.datetime | None = None) -> QuerySet[Posting]:
    at = at or timezone.now()
    return Posting.objects.filter(visible_q(at), community=community).order_by(
        "-pinned", "-publish_at", "-id"
    )


def next_boundary(*, community: Community, at: dt.datetime | None = None) -> dt.datetime | None:
    """The next instant at which the set of visible postings of ``community`` can change.

    Caches of public pages must not outlive it.
    """
    at = at or timezone.now()
    released = Posting.objects.filter(community=community, state=Posting.State.RELEASED)
    agg = released.aggregate(
        opens=Min("publish_at", filter=Q(publish_at__gt=at)),
        expires=Min("expire_at", filter=Q(expire_at__gt=at)),
        withdrawn=Min("withdrawn_at", filter=Q(withdrawn_at__gt=at)),
        replaced=Min("replaced_at", filter=Q(replaced_at__gt=at)),
    )
    times = [t for t in agg.values() if t is not None]
    return min(times) if times else None


# --- Public board reads ---------------------------------------------------------------------------


def communities_public() -> QuerySet[Community]:
    """Every community with its street office, for the public index (one query)."""
    return Community.objects.select_related("street_office").order_by("street_office__name", "name")


def category_counts(qs: QuerySet[Posting]) -> dict[str, int]:
    """How many postings of ``qs`` fall in each category (one GROUP BY query)."""
    rows = qs.order_by().values_list("category").annotate(n=Count("id"))
    return {category: n for category, n in rows}


def was_public_q(at: dt.datetime) -> Q:
    """Released and opened by ``at``, whatever happened since (the record of what was posted)."""
    return Q(state=Posting.State.RELEASED, publish_at__lte=at)


def viewable_q(at: dt.datetime) -> Q:
    """What a visitor may open at ``at`` (the detail page, its attachments, a link in the archive).

    - A posting public now (``visible_q``).
    - A withdrawn or replaced version that was public, as a record marked 已撤回/已被更正, until the
      end of the window it was posted for, as a physical board keeps it.
    - After its window, a posting that simply expired, marked 公示期满: the archive is the record of
      what the committee published, and last month's finance must stay readable online.

    What stays off the public site once the window has passed (the archive keeps only the title):

    - hardship postings (低保公示): the applicants' names are public only for the posting period
      (DOMAIN.md: 7 days with objections), then they leave the board, the archive and its links;
    - withdrawn postings: a posting may have been withdrawn precisely because it showed something
      it must not (a name, an ID number), so its content is not kept online as a record;
    - replaced versions: likewise a correction may have removed personal data; the current version
      carries the content.

    Computed at read time from the stored instants, so ``next_boundary`` covers every change.
    """
    ended_early = (Q(withdrawn_at__isnull=False) & Q(withdrawn_at__gt=F("publish_at"))) | (
        Q(replaced_at__isnull=False) & Q(replaced_at__gt=F("publish_at"))
    )
    in_window = Q(expire_at__isnull=True) | Q(expire_at__gt=at)
    expired_record = (
        was_public_q(at)
        & Q(expire_at__lte=at, withdrawn_at__isnull=True)
        & (Q(replaced_at__isnull=True) | Q(replaced_at__gt=at))
        & ~Q(category=Category.HARDSHIP)
    )
    return visible_q(at) | (was_public_q(at) & ended_early & in_window) | expired_record


def posting_public(*, community: Community, pk: int, at: dt.datetime | None = None) -> Posting | None:
    """The posting ``pk`` of ``community`` if a visitor may open it at ``at``; else None (-> 404)."""
    at = at or timezone.now()
    return Posting.objects.filter(viewable_q(at), community=community, pk=pk).first()


def series_versions(*, posting: Posting, at: dt.datetime | None = None) -> list[Posting]:
    """Every version of ``posting``'s notice that was ever public, oldest first, each marked viewable."""
    at = at or timezone.now()
    series_id = posting.series_id or posting.pk
    versions = list(
        Posting.objects.filter(
            was_public_q(at), Q(pk=series_id) | Q(series_id=series_id), community_id=posting.community_id
        )
        .annotate(viewable=ExpressionWrapper(viewable_q(at), output_field=BooleanField()))
        .order_by("version", "id")
    )
    return versions


def objection_counts(*, posting: Posting) -> dict[str, int]:
    """How many objections were filed and answered (never who)."""
    return posting.objections.aggregate(
        filed=Count("id"), answered=Count("id", filter=Q(status=Objection.Status.ANSWERED))
    )


def archive_months(*, community: Community, at: dt.datetime | None = None) -> list[dict]:
    """Months (local time) with postings published by ``at``, newest first, with counts."""
    at = at or timezone.now()
    return list(
        Posting.objects.filter(was_public_q(at), community=community)
        .annotate(month=TruncMonth("publish_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
        .order_by("-month")
    )


def archive_postings(
    *, community: Community, start: dt.datetime, end: dt.datetime, at: dt.datetime | None = None
) -> QuerySet[Posting]:
    """Postings published in ``[start, end)``, each annotated with whether a visitor may open it."""
    at = at or timezone.now()
    return (
        Posting.objects.filter(
            was_public_q(at), community=community, publish_at__gte=start, publish_at__lt=end
        )
        .annotate(viewable=ExpressionWrapper(viewable_q(at), output_field=BooleanField()))
        .order_by("publish_at", "id")
    )
