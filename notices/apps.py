from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("公开栏")

    def ready(self):
        # desk: registers the board's to-dos on the work desk. tasks: services queue tasks by their
        # registered name (services never import tasks), so register them in every process, not
        # only in a worker that ran Celery's autodiscovery.
        # files: staff open attachments and sheets from the admin through the guarded file view.
        from core import files
        from notices import desk, tasks  # noqa: F401
        from notices.models import Attachment, MonthlyDisclosure

        files.protect(Attachment, "file", owner=lambda a: a.posting)
        files.protect(MonthlyDisclosure, "pdf")

        from notices import overview

        overview.register()
