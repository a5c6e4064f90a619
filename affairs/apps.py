from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AffairsConfig(AppConfig):
    name = "affairs"
    verbose_name = _("居务")

    def ready(self):
        # Meetings and motions: work-desk providers, Celery tasks, beat schedule, the monthly
        # sheet's resolutions section, demo data.
        from affairs import meetings_ready

        meetings_ready.register()
