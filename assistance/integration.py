"""What the app plugs into the layers below at start-up: the board's window hand-off, the monthly
sheet's hardship section, the work desk, the periodic schedules, the demo seed.

Not registered: ``core.privacy.register_case_check`` (a 专管员 would then see residents' full ID
numbers only on their own cases); tests/committee/test_privacy_roles.py still expects the registry's
full view for every 专管员, so that narrowing is left to a decision of the lead."""

from __future__ import annotations


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from assistance import demo, desk, disclosure  # noqa: F401  (desk and demo register themselves)
    from assistance.models import Case
    from assistance.services.posting import case_window_closed
    from core import periodic
    from notices import handoff
    from notices.disclosure.content import register_section

    handoff.on_window(Case, closed=case_window_closed)
    # Home-visit photos: only to who may read the case, and each opening logged like the case's.
    from assistance.models import VisitPhoto
    from core import files

    files.protect(VisitPhoto, "image", owner=lambda photo: photo.visit.case, on_serve=_log_case_view)

    from assistance import overview

    overview.register()
    register_section("hardship", _("低保等救助公示"), disclosure.hardship_section, 50)
    periodic.register(
        "救助对象定期复核（每日 06:10）",
        task="assistance.tasks.open_recertifications",
        kind="crontab",
        spec={"minute": "10", "hour": "6", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        description="Open a recertification case for every beneficiary whose certification runs out within 30 days.",
    )
    periodic.register(
        "救助申请自动核查（每日 02:30）",
        task="assistance.tasks.recheck_cases",
        kind="crontab",
        spec={"minute": "30", "hour": "2", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
        description="Re-run the cross-checks of every open case and beneficiary (registry changes flag a case).",
    )


def _log_case_view(request, case) -> None:
    from django.utils import timezone

    from assistance.models import CaseView

    CaseView.objects.create(case=case, user=request.user, at=timezone.now())
