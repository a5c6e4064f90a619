"""Per-community cache generation of the public board.

Every write that changes what a community's board shows (release, withdrawal, new version,
attachment, objection filed or answered) calls ``bump(community_id)``, preferably in
``transaction.on_commit``; cached public pages are keyed by ``generation(community_id)``, so they
are never served after such a write. Window boundaries need no bump: page caches never outlive
``notices.selectors.next_boundary`` (see ``notices.pagecache``).
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Errors of the cache server: the board then renders every request itself rather than fail.
try:
    from redis.exceptions import RedisError as _RedisError

    CACHE_ERRORS: tuple[type[BaseException], ...] = (_RedisError, ConnectionError, TimeoutError)
except ImportError:  # pragma: no cover - redis is a dependency
    CACHE_ERRORS = (ConnectionError, TimeoutError)


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


def bump(community_id: int) -> int | None:
    """Start a new generation; pages cached under the old one are never read again.

    Runs after commit: if the cache server is unreachable the write has already happened, so this
    logs and returns None instead of failing the request (pages cached before the outage then live
    at most until their window boundary or ``pagecache.MAX_AGE``; a restarted Redis keeps nothing).
    """
    try:
        return _bump(community_id)
    except CACHE_ERRORS:
        logger.warning(
            "could not bump the board cache generation of community %s", community_id, exc_info=True
        )
        return None


def _bump(community_id: int) -> int:
    name = key(community_id)
    # add() then incr() is atomic on Redis; a plain get/set would race with a concurrent bump.
    cache.add(name, _fresh(), timeout=None)
    try:
        return cache.incr(name)
    except ValueError:  # evicted between add and incr
        value = _fresh()
        cache.set(name, value, timeout=None)
        return value
