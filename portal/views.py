"""Site-wide views that belong to no app."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, gettext


def switch_language(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """Set the language cookie from a plain link and go back.

    Public pages switch language with a link rather than Django's POST ``set_language`` form, so
    they carry no CSRF token and one cached copy serves every visitor. Changing the display
    language is not a state change worth forging.
    """
    nxt = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
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


# --- Error pages (wired in portal/urls.py as handler403 / handler500, and CSRF_FAILURE_VIEW) -------


def _is_staff_in_admin(request: HttpRequest) -> bool:
    from django.urls import reverse

    user = getattr(request, "user", None)
    return (
        (request.path.startswith(reverse("admin:index")) or request.path.startswith("/files/"))
        and user is not None
        and user.is_active
        and user.is_staff
    )


def _denied(request: HttpRequest, reason: str) -> HttpResponse:
    """A Chinese 403 page: inside the admin's frame for staff on admin pages, the board's otherwise."""
    from django.contrib import admin

    from core.roles import user_roles

    context = {"reason": reason}
    if _is_staff_in_admin(request):
        roles = sorted(user_roles(request.user))
        context.update(
            admin.site.each_context(request),
            title=gettext("无权访问"),
            roles="、".join(roles),
            is_superuser=request.user.is_superuser,
        )
        return render(request, "admin/403.html", context, status=403)
    return render(request, "403.html", context, status=403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from core.errors import RoleDenied, ScopeDenied

    # Only our own refusals carry a message written for the user (in their language); Django's and
    # libraries' carry none or an English technical one.
    reason = str(exception) if isinstance(exception, (RoleDenied, ScopeDenied)) else ""
    return _denied(request, reason)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _denied(
        request,
        gettext(
            "页面已过期或浏览器没有发送安全凭证（Cookie）。请返回上一页，刷新后再提交；如仍不行，请允许本站使用Cookie。"
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The Chinese 500 page. Rendered without the request, so no context processor (session, user,
    messages) and no database query runs: the database may be what broke. If even the template
    fails (static files missing, a template error), a fixed page is answered instead."""
    try:
        body = loader.render_to_string("500.html")
    except Exception:  # the error page itself must never raise
        body = _FALLBACK_500
    return HttpResponseServerError(body)


_FALLBACK_500 = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>服务器出错</title></head>'
    "<body><h1>服务器出错</h1><p>页面暂时无法显示，请稍后再试。事情紧急请直接联系居委会。</p>"
    "<p>Server error: please try again later.</p></body></html>"
)
