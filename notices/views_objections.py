"""Public pages about one resident's objection: the confirmation after filing, and the lookup by
reference number. Filing itself is on the posting page (``notices.views.posting_detail``).

Neither page is cached or stored by a browser (``_private``): each shows one resident's data, masked.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from core.idnumbers import mask_name, mask_phone
from core.models import Community
from core.netaddr import client_address
from notices import objections, pagecache, selectors
from notices.disclosure.content import scrub

# Reference numbers looked up in vain per hour from one address (nobody mistypes twenty times).
LOOKUP_MISSES_PER_HOUR = 20


def address_over_limit(request: HttpRequest, at: dt.datetime, what: str, limit: int) -> bool:
    """Count one more ``what`` from this address this hour; True once over ``limit``."""
    from django.core.cache import cache

    key = f"notices:{what}:addr:{client_address(request)}:{at:%Y%m%d%H}"
    try:
        cache.add(key, 0, timeout=3600)
        return cache.incr(key) > limit
    except pagecache.CACHE_ERRORS + (ValueError,):
        return False  # no cache, no limit: never refuse a resident because Redis is away


def _private(response: HttpResponse) -> HttpResponse:
    """Pages about one resident's objection: never stored by a browser or proxy, never indexed."""
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response


def _lookup_refused(request: HttpRequest, community: Community) -> HttpResponse:
    context = {"community": community, "value": "", "refused": True}
    return _private(render(request, "notices/objection_lookup.html", context, status=429))


@require_GET
def objection_filed(request: HttpRequest, slug: str, pk: int, reference: str) -> HttpResponse:
    """The confirmation after filing: the reference to write down, and where to look it up."""
    community = pagecache.community_or_404(slug)
    at = timezone.now()
    objection = objections.by_reference(community=community, reference=reference)
    if objection is None or objection.posting_id != pk:
        if address_over_limit(request, at, "objection-lookup-miss", LOOKUP_MISSES_PER_HOUR):
            return _lookup_refused(request, community)
        raise Http404("no such objection")
    context = {
        "community": community,
        "posting": objection.posting,
        "objection": objection,
        "again": request.GET.get("again") == "1",
        "posting_public": selectors.posting_public(community=community, pk=pk, at=at) is not None,
    }
    return _private(render(request, "notices/objection_filed.html", context))


@require_GET
def objection_lookup(request: HttpRequest, slug: str) -> HttpResponse:
    """A resident looks up their objection by its reference: status and answer, their own data masked."""
    community = pagecache.community_or_404(slug)
    at = timezone.now()
    value = request.GET.get("ref", "").strip()[:40]
    context: dict = {"community": community, "value": value}
    if value:
        reference = objections.normalize_reference(value)
        objection = objections.by_reference(community=community, reference=reference) if reference else None
        if objection is None:
            if address_over_limit(request, at, "objection-lookup-miss", LOOKUP_MISSES_PER_HOUR):
                return _lookup_refused(request, community)
            context["malformed"] = reference is None
            context["missing"] = reference is not None
        else:
            context.update(
                {
                    "objection": objection,
                    "masked_name": mask_name(objection.name),
                    "masked_phone": mask_phone(objection.phone),
                    "masked_body": scrub(objection.body),
                    "posting_public": selectors.posting_public(
                        community=community, pk=objection.posting_id, at=at
                    )
                    is not None,
                }
            )
    return _private(render(request, "notices/objection_lookup.html", context))
