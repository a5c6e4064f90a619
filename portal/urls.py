from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from core import files
from portal.health import healthz
from portal.views import switch_language

# The admin login goes through allauth (rate limits, MFA).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    # Uploaded files: never a public folder; each goes to staff who may see its record (core/files.py).
    path("files/<path:name>", files.serve, name="protected_file"),
    path("lang/<str:code>/", switch_language, name="switch_language"),
    # Each domain app's public pages, under /c/<slug>/ like the board's (elections/…, opinions/…).
    path("", include("elections.urls")),
    path("", include("affairs.urls")),
    path("", include("assistance.urls")),
    path("", include("notices.urls")),
]
# Chinese error pages in the portal's look (inside the admin's frame for staff on admin pages).
handler403 = "portal.views.permission_denied"
handler500 = "portal.views.server_error"
