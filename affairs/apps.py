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

        # Opinions and finance (affairs/desk_opinions.py, sheet_*.py, tasks/opinions.py): the desk's
        # to-dos, the monthly sheet's sections, the reminder schedule and the demo seeders.
        from affairs import desk_opinions, seed_opinions, sheet_finance, sheet_opinions  # noqa: F401
        from affairs.tasks import opinions as _opinion_tasks  # noqa: F401

        # Tabs of the public pages, between the board and its archive.
        from notices import nav

        nav.register_tab(section="meetings", label=_("会议与议事"), url_name="affairs:meetings", order=20)
        nav.register_tab(
            section="opinions", label=_("居民意见"), url_name="affairs:opinion_figures", order=30
        )

        sheet_opinions.register()
        sheet_finance.register()
        _opinion_tasks.register_schedule()

        # Vouchers and implementation evidence: only to staff who may see the entry or the task.
        from affairs.models.finance import FinanceEntry
        from affairs.models.implementation import TaskUpdate
        from core import files

        files.protect(FinanceEntry, "voucher")
        files.protect(TaskUpdate, "evidence", owner=lambda update: update.task)

        from affairs import overview

        overview.register()
