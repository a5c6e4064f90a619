"""The portal's URLs plus a bare hello-world view: the baseline served the same way."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def hello(request):
    return HttpResponse("Hello, world")


urlpatterns = [path("bench/hello/", hello), *portal_urlpatterns]
