from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("公开栏")

    def ready(self):
        from notices import desk  # noqa: F401  (registers the board's to-dos on the work desk)
