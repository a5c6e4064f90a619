"""Cache of rendered public pages, and conditional GET, that can never show a posting outside its window.

A page is cached per (community, cache generation, language, path with query string). The
generation (``notices.cache.generation``) changes on every write to the community's postings, so
an edit is seen at once; visibility also changes by itself at window boundaries, so an entry is
valid only from the instant it was rendered until the community's next boundary
(``notices.selectors.next_boundary``). Validity is checked against the application's clock, stored
in the entry itself: Redis TTLs only free memory (they run on Redis's clock, not ours).

A hit costs one cache round trip (the generation, and the page unless this process holds it) and
no SQL. The ETag names the exact
rendering, so a client revalidating answers 304 without any rendering. Pages holding a form keep a
placeholder instead of the CSRF token, filled per request with Django's ``get_token`` (only the
posting page with an open objection form has one; the language switch is a plain link).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import re
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import DisallowedHost
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from core.models import Community
from notices import cache as generations
from notices.cache import CACHE_ERRORS
from notices.selectors import next_boundary

logger = logging.getLogger(__name__)


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
    try:
        community = cache.get(key)
    except CACHE_ERRORS:
        community = None
    if community is None:
        community = Community.objects.select_related("street_office").filter(slug=slug).first()
        if community is None:
            raise Http404("unknown community")
        try:
            cache.set(key, community, COMMUNITY_TTL)
        except CACHE_ERRORS:
            pass
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


class _LocalPages:
    """A small per-process LRU of page entries, so a hit moves a few bytes from Redis, not the page.

    Entries are validated exactly like Redis ones (community, generation, window), so this adds
    no staleness; Redis stays the shared copy between processes.
    """

    def __init__(self, size: int = 512):
        self.size = size
        self.entries: OrderedDict[str, dict] = OrderedDict()

    def get(self, key: str) -> dict | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: dict) -> None:
        self.entries[key] = entry
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def clear(self) -> None:
        self.entries.clear()


_local = _LocalPages()
_INDENT = re.compile(rb"[ \t]*\n\s*")


def _compact(html: bytes) -> bytes:
    """Template indentation is a third of a board page; drop it once, when the page is cached.

    Only whitespace that contains a line break goes, so inline spacing is kept (the templates
    never use <pre>, and textareas of cached pages are empty).
    """
    return _INDENT.sub(b"\n", html)


_redis_client: tuple[object, object] | None = None


def _get_many(keys: list[str]) -> dict:
    """``cache.get_many`` on one long-lived Redis client.

    Django's Redis backend builds a new ``redis.Redis`` object per operation, which costs more
    than the round trip itself on the hot path of the board; the connection pool is the same.
    """
    global _redis_client
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return backend.get_many(keys)
    inner = backend._cache
    if _redis_client is None or _redis_client[0] is not inner:
        _redis_client = (inner, inner.get_client())
    values = _redis_client[1].mget([backend.make_key(k) for k in keys])
    return {k: inner._serializer.loads(v) for k, v in zip(keys, values, strict=True) if v is not None}


def _set(key: str, value: dict, at: dt.datetime, until: dt.datetime | None) -> None:
    limit = at + MAX_AGE if until is None else min(until, at + MAX_AGE)
    cache.set(key, value, max(1, math.ceil((limit - at).total_seconds())))


def _etag(key: str, at: dt.datetime) -> str:
    digest = hashlib.md5(f"{key}|{at.isoformat()}".encode()).hexdigest()
    return f'W/"{digest}"'


# slug -> community id, learnt on cache misses. Only a hint: a hit also needs the page entry, which
# names its community and generation, and a miss always looks the community up again.
_community_ids: dict[str, int] = {}


def _valid(entry: dict | None, cid: int, gen: int | None, at: dt.datetime) -> bool:
    return (
        entry is not None
        and gen is not None
        and entry["cid"] == cid
        and entry["gen"] == gen
        and entry["from"] <= at < entry["until"]
    )


def serve(
    request: HttpRequest,
    slug: str,
    render: Callable[[Community, dt.datetime], HttpResponse],
    *,
    at: dt.datetime | None = None,
) -> HttpResponse:
    """Answer a public GET from the cache, or render it with ``render(community, at)`` and cache it.

    When the cache server is unreachable the page is rendered without it (slower, never stale).
    """
    at = at or timezone.now()
    try:
        return _serve(request, slug, render, at=at)
    except CACHE_ERRORS:
        logger.warning("board cache unavailable; rendering %s without it", request.path, exc_info=True)
        community = Community.objects.select_related("street_office").filter(slug=slug).first()
        if community is None:
            raise Http404("unknown community") from None
        return _finish(request, render(community, at), None)


def _serve(
    request: HttpRequest,
    slug: str,
    render: Callable[[Community, dt.datetime], HttpResponse],
    *,
    at: dt.datetime,
) -> HttpResponse:
    """The cached path of :func:`serve`.

    ``render`` must return a page valid for every instant until the next window boundary: it may
    only depend on ``at`` through visibility. Non-GET requests and non-200 answers bypass the cache.
    A hit is one cache round trip: the community's generation, with the page unless this process
    already holds it.
    """
    if request.method not in ("GET", "HEAD"):
        return _finish(request, render(community_or_404(slug), at), None)
    page_key = _page_key(request, slug, get_language())
    entry = _lookup(page_key, slug, at)
    if entry is None:
        community = community_or_404(slug)
        _community_ids[slug] = community.pk
        # Read the generation before the data: a write committed meanwhile bumps it past this entry.
        gen = generations.generation(community.pk)
        until = boundary(community, gen, at)
        limit = at + MAX_AGE if until is None else min(until, at + MAX_AGE)
        response = render(community, at)
        if response.status_code != 200 or getattr(response, "streaming", False):
            return _finish(request, response, None)
        entry = {
            "cid": community.pk,
            "gen": gen,
            "from": at,
            "until": limit,
            "etag": _etag(f"{page_key}|{community.pk}|{gen}", at),
            "last_modified": http_date(at.timestamp()),
            "content_type": response["Content-Type"],
            "body": _compact(response.content)
            if response["Content-Type"].startswith("text/html")
            else response.content,
            "form": CSRF_PLACEHOLDER.encode() in response.content,
        }
        _set(page_key, entry, at, limit)
    _local.put(page_key, entry)
    return _finish(request, _respond(request, entry), entry)


def _page_key(request: HttpRequest, slug: str, language: str) -> str:
    path_hash = hashlib.md5(request.get_full_path().encode()).hexdigest()
    return f"{PREFIX}:page:{slug}:{language}:{path_hash}"


def _lookup(page_key: str, slug: str, at: dt.datetime) -> dict | None:
    """A cached entry valid at ``at`` (community, generation and window checked), or None."""
    cid = _community_ids.get(slug)
    if cid is None:
        return None
    gen_key = generations.key(cid)
    local = _local.get(page_key)
    # A page this worker already holds: only the generation travels; else page and generation.
    found = _get_many([gen_key] if local is not None else [page_key, gen_key])
    gen = found.get(gen_key)
    for candidate in (local, found.get(page_key)):
        if _valid(candidate, cid, gen, at):
            return candidate
    if local is not None:
        candidate = _get_many([page_key]).get(page_key)  # another worker may have a fresh one
        if _valid(candidate, cid, gen, at):
            return candidate
    return None


def _respond(request: HttpRequest, entry: dict) -> HttpResponse:
    not_modified = get_conditional_response(request, etag=entry["etag"], last_modified=None)
    if not_modified is not None:
        response = not_modified
    else:
        response = HttpResponse(entry["body"], content_type=entry["content_type"])
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = entry["last_modified"]
    return response


_PUBLIC_PATH = re.compile(r"^/c/(?P<slug>[-a-zA-Z0-9_]+)/")


def _allowed_host(request: HttpRequest) -> bool:
    """ALLOWED_HOSTS, checked as Django checks it: a hit must not answer a host a miss would refuse.

    A refused host goes down the normal path, where ``CommonMiddleware`` answers 400.
    """
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


class FetchFromBoardCacheMiddleware:
    """Answer a cached public page before the rest of the middleware runs.

    Like Django's ``FetchFromCacheMiddleware``, it sits near the top of ``MIDDLEWARE`` (after
    ``SecurityMiddleware`` and ``ChineseFirstMiddleware``): a hit needs no session, user, CSRF or
    URL resolution, so it costs about what a hello-world view costs. Only entries stored by
    :func:`serve` exist, so only the board's cacheable GET pages are ever answered here, with the
    same validity checks (community generation, window boundary); pages holding a form (they need a
    per-visitor CSRF token), requests for a host not in ``ALLOWED_HOSTS`` and every miss go down
    the normal path.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            match = _PUBLIC_PATH.match(request.path_info)
            if match and _allowed_host(request):
                response = self._hit(request, match["slug"])
                if response is not None:
                    return response
        return self.get_response(request)

    @staticmethod
    def _hit(request: HttpRequest, slug: str) -> HttpResponse | None:
        language = translation.get_language_from_request(request)
        try:
            entry = _lookup(_page_key(request, slug, language), slug, timezone.now())
        except CACHE_ERRORS:
            return None
        if entry is None or entry.get("form", True):
            return None
        response = _finish(request, _respond(request, entry), entry)
        # What LocaleMiddleware and XFrameOptionsMiddleware would have added.
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY"))
        return response


def _finish(request: HttpRequest, response: HttpResponse, entry: dict | None) -> HttpResponse:
    private = False
    if not getattr(response, "streaming", False) and response.status_code != 304:
        placeholder = CSRF_PLACEHOLDER.encode()
        if placeholder in response.content:
            response.content = response.content.replace(placeholder, get_token(request).encode())
            private = True
    # Revalidate every time (304 is cheap): a stored copy must never outlive a window boundary.
    if private:  # the page carries the visitor's CSRF token
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ("Cookie",))  # the language comes from the visitor's cookie
    return response


def render_context(extra: dict) -> dict:
    """Template context for a cacheable page: the CSRF token is a placeholder filled per response."""
    return {"csrf_token": CSRF_PLACEHOLDER, **extra}
