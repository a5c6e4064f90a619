"""The portal's URLs plus views that fail on purpose (tests/test_error_pages.py)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from portal.urls import handler403, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns


def boom(request):
    raise RuntimeError("boom")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("test-errors/500/", boom), path("test-errors/403/", forbidden), *portal_urlpatterns]
