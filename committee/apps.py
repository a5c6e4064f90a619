from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("社区与居委会")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from committee import board_events, desk  # noqa: F401  (desk: registers the registry's to-dos)

        board_events.register()
