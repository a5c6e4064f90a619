"""Site-wide views that belong to no app."""

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language


def switch_language(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """Set the language cookie from a plain link and go back.

    Public pages switch language with a link rather than Django's POST ``set_language`` form, so
    they carry no CSRF token and one cached copy serves every visitor. Changing the display
    language is not a state change worth forging.
    """
    nxt = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        nxt = "/"
    response = HttpResponseRedirect(nxt)
    if check_for_language(code) and code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
