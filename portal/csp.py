"""Content-Security-Policy for every response (django-csp 4; Django's own CSP support starts in 6.0).

Public pages load scripts, styles, images and fonts only from this site and run no inline script
or event handler (``static/js/``); a cached public page therefore needs no nonce, which it could not
carry anyway (the same bytes go to every visitor). Admin templates that must run an inline script
take ``request.csp_nonce``.

PDF responses (attachments, monthly sheets) carry no policy: they are not pages, and a policy on a
PDF can stop the browser's built-in viewer from showing it (it runs as a plugin under the PDF's
policy). Their content type is checked on upload and sent with ``nosniff``.

The admin alone may carry ``style="…"`` attributes: Django's admin helpers, simple-history's
templates and a few of ours write them. A style attribute cannot run script; ``<style>`` elements
stay ``'self'``-only everywhere.
"""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIXES = ("/admin/",)


class PortalCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("application/pdf"):
            response._csp_exempt = True
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIXES):
            update = dict(parts.update or {})
            update.setdefault("style-src-attr", [UNSAFE_INLINE])
            parts.update = update
        return parts
