"""``/healthz``: the database and the cache answer (load balancers, docker-compose health checks).

The public board's page cache lives in the cache (Redis in production): without it board pages
fail, so an unreachable cache makes the process unhealthy too.
"""

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def problems() -> list[str]:
    found = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as e:  # noqa: BLE001 - any database failure means "not healthy"
        found.append(f"database: {e.__class__.__name__}")
    try:
        cache.get("healthz:probe")
    except Exception as e:  # noqa: BLE001
        found.append(f"cache: {e.__class__.__name__}")
    return found


@never_cache
@require_GET
def healthz(request):
    found = problems()
    if found:
        return HttpResponse("\n".join(found) + "\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
