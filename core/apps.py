from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The base layer every app stands on; it imports no app above it (docs/architecture.md)."""

    name = "core"
    verbose_name = _("社区与账号")
    default_auto_field = "django.db.models.BigAutoField"
