"""Production: everything from the environment, secure by default (passes ``check --deploy``)."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
# No embedded default in production: each of these raises ImproperlyConfigured when unset.
SECRET_KEY = env.str("SECRET_KEY")
env.str("DATABASE_URL")
env.str("REDIS_URL")
# Printed in every monthly sheet's QR code and verify link, and in feeds and emails: a guessed
# default (127.0.0.1) would put a dead link on paper.
PORTAL_SITE_URL = env.str("PORTAL_SITE_URL")
_site = urlsplit(PORTAL_SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(
        f"PORTAL_SITE_URL must be the site's public address, e.g. https://juwei.example.org; got {PORTAL_SITE_URL!r}"
    )
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Health checks come over plain HTTP from inside the container network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
PORTAL_MFA_REQUIRED = env.bool("PORTAL_MFA_REQUIRED", default=True)
# Reminders really leave the building (dev prints them to the console).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
