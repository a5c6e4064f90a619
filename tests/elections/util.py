"""Small helpers of the elections tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local(*parts: int) -> dt.datetime:
    """An instant in the portal's time zone (what staff and residents read)."""
    return dt.datetime(*parts, tzinfo=timezone.get_default_timezone())


def to_nominations(election, actor, *, posted_at: dt.datetime):
    """Post the roll at ``posted_at`` and let its objection window close without objections."""
    from elections import services as es

    roll = es.election_post_roll(election=election, actor=actor, at=posted_at)
    es.roll_freeze(roll=roll, at=roll.objections_close_at)
    election.refresh_from_db()
    return election


def voters_of(election):
    from elections.models import Voter

    return list(Voter.objects.filter(roll__election=election.root, removed_at__isnull=True).order_by("pk"))
