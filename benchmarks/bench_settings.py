"""Production settings as a benchmark runs them: plain HTTP on localhost, a hello-world view added."""

import os

os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret-" + "x" * 30)
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("PORTAL_SITE_URL", "http://127.0.0.1")

from portal.settings.production import *  # noqa: E402, F403
from portal.settings.production import CACHES  # noqa: E402

ROOT_URLCONF = "benchmarks.bench_urls"
SECURE_HSTS_SECONDS = 0
# Keys apart from anything else using the same Redis database; nothing here ever flushes it.
CACHES["default"]["KEY_PREFIX"] = "bench_board"
