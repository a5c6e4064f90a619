from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("低保与困难救助")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from assistance import integration

        integration.register()
