"""Diagnostic task: proves a worker is up and reads the same database as the web process."""

from celery import shared_task
from django.conf import settings
from django.db import connection


@shared_task(name="portal.tasks.ping")
def ping() -> dict:
    """Idempotent and read-only: the database the worker sees, its communities and the site address
    it prints on PDFs."""
    from core.models import Community

    return {
        "pong": True,
        "database": connection.settings_dict["NAME"],
        "communities": sorted(Community.objects.values_list("slug", flat=True)),
        "site_url": settings.PORTAL_SITE_URL,
    }
