"""Local development and the ``make run`` demo (embedded default unless the environment says otherwise)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# The demo's sheets link to the address it serves on: `make run PORT=8080` passes its port (and,
# because honcho gives each process a PORT of its own, the Makefile sets PORTAL_SITE_URL too).
PORTAL_SITE_URL = env.str("PORTAL_SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
STORAGES = {
    "default": {"BACKEND": "core.files.ProtectedFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
