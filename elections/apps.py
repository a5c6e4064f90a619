from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = _("选举")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from elections import board_events, demo, desk  # noqa: F401  (desk, demo: register to-dos and the seeder)

        board_events.register()

        # The signed tally sheet's scan: only to staff who may see the station's count.
        from core import files
        from elections.models import StationCount

        files.protect(StationCount, "scan")

        from elections import overview

        overview.register()

        # A tab on the community's public pages, after the opinions.
        from notices import nav

        nav.register_tab(section="elections", label=_("选举"), url_name="elections:index", order=35)
