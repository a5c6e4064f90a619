from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from core.roles import roles_sync

    roles_sync()


class CoreConfig(AppConfig):
    """The base layer every app stands on; it imports no app above it (docs/architecture.md)."""

    name = "core"
    verbose_name = _("社区与账号")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_sync_roles, dispatch_uid="core_roles_sync")
