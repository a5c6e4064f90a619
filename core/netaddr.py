"""The resident's network address, as the site's own proxies saw it.

Behind the TLS proxy every request arrives from the proxy's address, so a throttle keyed on
REMOTE_ADDR puts the whole city in one bucket: one flood locks everybody out. The proxy appends the
real address to X-Forwarded-For; only the entries our own proxies added can be trusted (a client can
write anything before them). How many there are is one setting, shared with allauth's login rate
limits: ``ALLAUTH_TRUSTED_PROXY_COUNT`` (environment ``PORTAL_TRUSTED_PROXY_COUNT``, default 0 = no
proxy, REMOTE_ADDR is the client).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or ""
    except (PermissionDenied, ImproperlyConfigured):
        # No address at all, or fewer X-Forwarded-For entries than proxies (not from our proxy).
        return request.META.get("REMOTE_ADDR", "")
