"""Cache of rendered public pages, and conditional GET, that can never show a posting outside its window.

A page is cached per (community, cache generation, language, path with query string). The
generation (``notices.cache.generation``) changes on every write to the community's postings, so
an edit is seen at once; visibility also changes by itself at window boundaries, so an entry is
valid only from the instant it was rendered until the community's next boundary
(``notices.selectors.next_boundary``). Validity is checked against the application's clock, stored
in the entry itself: Redis TTLs only free memory (they run on Redis's clock, not ours).

A hit costs three cache reads (community, generation, page) and no SQL. The ETag names the exact
rendering, so a client revalidating answers 304 without any rendering. Pages holding a form keep a
placeholder instead of the CSRF token, filled per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import get_language

from committee.models import Community
from notices import cache as generations
from notices.selectors import next_boundary

# Alphanumeric, so it survives HTML escaping; swapped for the real token on every response.
CSRF_PLACEHOLDER = "csrfplaceholder0b0a7d3c9e1f"
# Changes to what a page shows that do not bump the generation (a community renamed, a new
# deployment) are seen after at most this long.
MAX_AGE = dt.timedelta(minutes=10)
COMMUNITY_TTL = 300
PREFIX = "board:v1"


def community_or_404(slug: str) -> Community:
    """The community of ``slug`` (cached for a few minutes: slugs and names rarely change)."""
    key = f"{PREFIX}:community:{slug}"
    community = cache.get(key)
    if community is None:
        community = Community.objects.select_related("street_office").filter(slug=slug).first()
        if community is None:
            raise Http404("unknown community")
        cache.set(key, community, COMMUNITY_TTL)
    return community


def boundary(community: Community, generation: int | str, at: dt.datetime) -> dt.datetime | None:
    """``next_boundary`` after ``at``, computed once per generation and reused until it passes."""
    key = f"{PREFIX}:boundary:{community.pk}:{generation}"
    entry = cache.get(key)
    if entry is not None and entry["from"] <= at and (entry["until"] is None or at < entry["until"]):
        return entry["until"]
    until = next_boundary(community=community, at=at)
    _set(key, {"from": at, "until": until}, at, until)
    return until


def _set(key: str, value: dict, at: dt.datetime, until: dt.datetime | None) -> None:
    limit = at + MAX_AGE if until is None else min(until, at + MAX_AGE)
    cache.set(key, value, max(1, math.ceil((limit - at).total_seconds())))


def _etag(key: str, at: dt.datetime) -> str:
    digest = hashlib.md5(f"{key}|{at.isoformat()}".encode()).hexdigest()
    return f'W/"{digest}"'


def serve(
    request: HttpRequest,
    community: Community,
    render: Callable[[dt.datetime], HttpResponse],
    *,
    at: dt.datetime | None = None,
) -> HttpResponse:
    """Answer a public GET from the cache, or render it with ``render(at)`` and cache it.

    ``render`` must return a page valid for every instant until the next window boundary: it may
    only depend on ``at`` through visibility. Non-GET requests and non-200 answers bypass the cache.
    """
    at = at or timezone.now()
    if request.method not in ("GET", "HEAD"):
        return _finish(request, render(at), None)
    generation = generations.generation(community.pk)
    path_hash = hashlib.md5(request.get_full_path().encode()).hexdigest()
    key = f"{PREFIX}:page:{community.pk}:{generation}:{get_language()}:{path_hash}"
    entry = cache.get(key)
    if entry is None or not (entry["from"] <= at and (entry["until"] is None or at < entry["until"])):
        until = boundary(community, generation, at)
        limit = at + MAX_AGE if until is None else min(until, at + MAX_AGE)
        response = render(at)
        if response.status_code != 200 or getattr(response, "streaming", False):
            return _finish(request, response, None)
        entry = {
            "from": at,
            "until": limit,
            "etag": _etag(key, at),
            "last_modified": http_date(at.timestamp()),
            "content_type": response["Content-Type"],
            "body": response.content,
        }
        _set(key, entry, at, limit)
    not_modified = get_conditional_response(request, etag=entry["etag"], last_modified=None)
    if not_modified is not None:
        response = not_modified
    else:
        response = HttpResponse(entry["body"], content_type=entry["content_type"])
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = entry["last_modified"]
    return _finish(request, response, entry)


def _finish(request: HttpRequest, response: HttpResponse, entry: dict | None) -> HttpResponse:
    if not getattr(response, "streaming", False) and response.status_code != 304:
        placeholder = CSRF_PLACEHOLDER.encode()
        if placeholder in response.content:
            response.content = response.content.replace(placeholder, get_token(request).encode())
    # Revalidate every time (304 is cheap): a stored copy must never outlive a window boundary.
    # Private: the page carries the visitor's CSRF token.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def render_context(extra: dict) -> dict:
    """Template context for a cacheable page: the CSRF token is a placeholder filled per response."""
    return {"csrf_token": CSRF_PLACEHOLDER, **extra}
