from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse


class RequireMFAMiddleware:
    """When ``PORTAL_MFA_REQUIRED`` is on, staff in roles that see personal data must enrol TOTP
    before they can use the admin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.PORTAL_MFA_REQUIRED and request.path.startswith("/admin/"):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated and self._needs_mfa(user):
                return redirect(reverse("mfa_activate_totp") + "?next=" + request.path)
        return self.get_response(request)

    @staticmethod
    def _needs_mfa(user) -> bool:
        from allauth.mfa.models import Authenticator

        if not (
            user.is_superuser or user.groups.filter(name__in=settings.PORTAL_MFA_REQUIRED_ROLES).exists()
        ):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
