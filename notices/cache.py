"""Per-community cache generation of the public board.

Every write that changes what a community's board shows (release, withdrawal, new version,
attachment, objection filed or answered) calls ``bump(community_id)``, preferably in
``transaction.on_commit``; cached public pages are keyed by ``generation(community_id)``, so they
are never served after such a write. Window boundaries need no bump: page caches never outlive
``notices.selectors.next_boundary`` (see ``notices.pagecache``).
"""

from __future__ import annotations

import time

from django.core.cache import cache


def key(community_id: int) -> str:
    """The cache key holding the generation (``notices.pagecache`` reads it with the page, one round trip)."""
    return f"notices:gen:{community_id}"


def _fresh() -> int:
    # A lost counter (eviction, flush) restarts from the clock, never from a value used before.
    return time.time_ns() // 1000


def generation(community_id: int) -> int:
    """The current generation of ``community_id``'s board."""
    name = key(community_id)
    value = cache.get(name)
    if value is None:
        cache.add(name, _fresh(), timeout=None)
        value = cache.get(name, 0)
    return value


def bump(community_id: int) -> int:
    """Start a new generation; pages cached under the old one are never read again."""
    name = key(community_id)
    # add() then incr() is atomic on Redis; a plain get/set would race with a concurrent bump.
    cache.add(name, _fresh(), timeout=None)
    try:
        return cache.incr(name)
    except ValueError:  # evicted between add and incr
        value = _fresh()
        cache.set(name, value, timeout=None)
        return value
