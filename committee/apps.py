from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from committee.roles import roles_sync

    roles_sync()


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("社区与居委会")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_sync_roles, dispatch_uid="committee_roles_sync")
        from committee import board_events, desk  # noqa: F401  (desk: registers the registry's to-dos)

        board_events.register()
