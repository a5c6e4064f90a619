"""Tests run against the real PostgreSQL and Redis of the machine (see Makefile)."""

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL

if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise RuntimeError("Tests need PostgreSQL: set DATABASE_URL (make test does).")
if not REDIS_URL:
    raise RuntimeError("Tests need Redis: set REDIS_URL (make test does).")

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "core.files.ProtectedFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
ACCOUNT_RATE_LIMITS = False
DATABASES["default"]["CONN_MAX_AGE"] = 0
