"""Reads of the board. Visibility is computed here, from the window, at read time."""

from __future__ import annotations

import datetime as dt

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from committee.models import Community
from notices.models import Posting


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
    return Posting.objects.filter(visible_q(at), community=community).order_by("-pinned", "-publish_at", "-id")


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
